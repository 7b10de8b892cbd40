"""The vocabulary of the synthetic data set (bench.synthetic_data): names and statements.

Names come in Latin, Chinese and Cyrillic scripts and are built from small
lists, so that the i-th firm or site always has the same names and any number
of them can be made without repeating exactly.
"""

import datetime

FIRM_STEMS = [
    ("Huaxin", "华信", "Хуасинь"),
    ("Tianrui", "天瑞", "Тяньжуй"),
    ("Jinlong", "金龙", "Цзиньлун"),
    ("Dongfang", "东方", "Дунфан"),
    ("Xinhai", "新海", "Синьхай"),
    ("Baoshan", "宝山", "Баошань"),
    ("Hengtai", "恒泰", "Хэнтай"),
    ("Zhongyuan", "中原", "Чжунъюань"),
    ("Ruiyang", "瑞阳", "Жуйян"),
    ("Kaiyuan", "开元", "Кайюань"),
    ("Longhai", "陇海", "Лунхай"),
    ("Yutong", "宇通", "Ютун"),
    ("Shengda", "盛大", "Шэнда"),
    ("Weilong", "威龙", "Вэйлун"),
]
FIRM_TRADES = [
    ("Heavy Machinery", "重型机械", "Тяжёлое машиностроение"),
    ("Mining Equipment", "矿山设备", "Горное оборудование"),
    ("Telecom Technology", "通信技术", "Телекоммуникационные технологии"),
    ("International Trading", "国际贸易", "Международная торговля"),
    ("Logistics", "物流", "Логистика"),
    ("Engineering", "工程", "Инжиниринг"),
    ("Electric Power", "电力", "Электроэнергетика"),
]
FIRM_FORMS = [
    ("Co., Ltd.", "有限公司", "ООО"),
    ("Group Co., Ltd.", "集团有限公司", "Группа"),
    ("Joint Stock Co.", "股份有限公司", "АО"),
]
SITE_PLACES = [
    ("Krasnodon", "Краснодон", "Краснодон"),
    ("Sverdlovsk", "Свердловськ", "Свердловск"),
    ("Dovzhansk", "Довжанськ", "Довжанск"),
    ("Khartsyzk", "Харцизьк", "Харцызск"),
    ("Mariupol", "Маріуполь", "Мариуполь"),
    ("Berdiansk", "Бердянськ", "Бердянск"),
    ("Feodosiia", "Феодосія", "Феодосия"),
    ("Kerch", "Керч", "Керчь"),
    ("Melitopol", "Мелітополь", "Мелитополь"),
    ("Skadovsk", "Скадовськ", "Скадовск"),
]
SITE_KINDS = [
    ("coal_mine", "Coal mine", "Шахта", "Шахта"),
    ("quarry", "Quarry", "Кар'єр", "Карьер"),
    ("port", "Port", "Порт", "Порт"),
    ("rail", "Railway depot", "Залізничне депо", "Железнодорожное депо"),
    ("telecom", "Mobile masts", "Вежі мобільного зв'язку", "Вышки мобильной связи"),
    ("plant", "Plant", "Завод", "Завод"),
    ("bank_branch", "Bank branch", "Відділення банку", "Отделение банка"),
    ("cultural_centre", "Cultural centre", "Культурний центр", "Культурный центр"),
]
REGION_NAMES = {
    "crimea": "Crimea",
    "sevastopol": "Sevastopol",
    "donetsk": "Donetsk oblast",
    "luhansk": "Luhansk oblast",
    "zaporizhzhia": "Zaporizhzhia oblast",
    "kherson": "Kherson oblast",
    "several": "several occupied regions",
}
PUBLISHERS = [
    ("Open Monitor", "en"),
    ("Новини Донбасу", "uk"),
    ("Крымское информагентство", "ru"),
    ("中国海关数据", "zh"),
    ("Trade Flows Review", "en"),
]
AUTHORS = ["", "Staff reporter", "Олена Коваль", "王伟", "Сергей Иванов"]
UNITS = ["machines", "tonnes", "USD", "RUB", "base stations", "вагонов", "台", ""]
RESPONSES = [
    "The company denied any business in the occupied territories.",
    "公司表示其产品通过第三方经销商销售，不知道最终用户。",
    "Компания отказалась от комментариев.",
    'The firm said the deliveries were "fully legal" under Chinese law.',
]
LOCATORS = ["p. {n}", "para. {n}", "00:{n:02d}:14", "§ {n}.2", "table {n}", "annex, row {n}"]
SECTORS = [
    ("synthetic-mining-machinery", "Mining machinery (synthetic)"),
    ("synthetic-telecom", "Telecom equipment (synthetic)"),
    ("synthetic-logistics", "Logistics (synthetic)"),
    ("synthetic-finance", "Finance (synthetic)"),
    ("synthetic-energy", "Energy (synthetic)"),
]
PROGRAMMES = [
    ("eu", "Russia: Regulation 833/2014"),
    ("us_ofac", "Russia-related (E.O. 14024)"),
    ("uk", "Russia (Sanctions) Regulations 2019"),
    ("ua", "NSDC decision"),
]
PRECISIONS = ["day", "day", "month", "year"]


def firm_names(i):
    """English, Chinese and Russian names and a short name of the i-th synthetic firm."""
    stem = FIRM_STEMS[i % len(FIRM_STEMS)]
    trade = FIRM_TRADES[(i // len(FIRM_STEMS)) % len(FIRM_TRADES)]
    form = FIRM_FORMS[(i // 7) % len(FIRM_FORMS)]
    number = i // (len(FIRM_STEMS) * len(FIRM_TRADES)) + 1
    name_en = f"{stem[0]} {trade[0]} {form[0]} No. {number}"
    name_zh = f"{stem[1]}{trade[1]}第{number}{form[1]}"
    name_ru = f"{form[2]} «{stem[2]} {trade[2]} № {number}»"
    return name_en, name_zh, name_ru, f"{stem[0]} {trade[0].split()[0]} {number}"


def site_names(i):
    """Kind and English, Ukrainian and Russian names of the i-th synthetic site."""
    kind, en, uk, ru = SITE_KINDS[i % len(SITE_KINDS)]
    place = SITE_PLACES[(i // len(SITE_KINDS)) % len(SITE_PLACES)]
    number = i // (len(SITE_KINDS) * len(SITE_PLACES)) + 1
    return (
        kind,
        f"{en} {place[0]}-{number}",
        f"{uk} {place[1]}-{number}",
        f"{ru} {place[2]}-{number}",
    )


def partial_date(rng, start=datetime.date(2014, 3, 1), days=4300):
    """A date and its precision, stored as the partial-date convention says."""
    value = start + datetime.timedelta(days=rng.randrange(days))
    precision = rng.choice(PRECISIONS)
    if precision == "month":
        value = value.replace(day=1)
    elif precision == "year":
        value = value.replace(month=1, day=1)
    return value, precision


def statement(rng, i, firm_index, site_index, region):
    """A claim's statement in one of three scripts, naming its firm and site."""
    name_en, name_zh, name_ru, _ = firm_names(firm_index)
    _, site_en, _, site_ru = site_names(site_index)
    number = rng.randint(1, 400)
    where = REGION_NAMES.get(region, "the occupied territories")
    choice = i % 8
    if choice == 0:
        return f"{name_en} supplied {number} machines to {site_en}, {where}."
    if choice == 1:
        return f"{name_zh}（{name_en}）向{site_en}提供了{number}台设备，涉及{where}。"
    if choice == 2:
        return f"{name_ru} обслуживает оборудование на объекте «{site_ru}» ({where})."
    if choice == 3:
        return f'Customs records list "{name_en}" as the shipper of {number} tonnes of spare parts.'
    if choice == 4:
        return (
            f"{name_en} signed a cooperation agreement with the occupation authorities of "
            f"{where}; {name_ru} is named as the intermediary."
        )
    if choice == 5 and i % 200 == 5:
        # A cell a spreadsheet would run: the CSV must quote it.
        return f"-{number} tonnes, per the occupation authority's statement about {name_en}."
    return f"{name_en} is reported present at {site_en} in {where} since {2014 + i % 11}."
