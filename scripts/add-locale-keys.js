#!/usr/bin/env node
// Merges keys into locales/<lang>.json without reformatting other sections:
//   node scripts/add-locale-keys.js keys.json   (keys.json = { "en": {...}, "de": {...}, "es": {...} })
// Deep-merges each language's object; existing keys are overwritten. Keeps 2-space JSON.
const fs = require('node:fs');
const path = require('node:path');
const input = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const merge = (into, from) => {
  for (const [k, v] of Object.entries(from)) {
    if (v && typeof v === 'object' && !Array.isArray(v) && into[k] && typeof into[k] === 'object') merge(into[k], v);
    else into[k] = v;
  }
};
for (const [lang, keys] of Object.entries(input)) {
  const file = path.join(__dirname, '..', 'locales', `${lang}.json`);
  const current = JSON.parse(fs.readFileSync(file, 'utf8'));
  merge(current, keys);
  fs.writeFileSync(file, JSON.stringify(current, null, 2) + '\n');
}
