// Compiles every JSON Schema given on the command line with Ajv in strict
// mode (draft 2020-12, formats on). Union types such as ["string", "null"]
// are standard JSON Schema and allowed; every other strict rule applies,
// e.g. a keyword that applies to one type (items, properties, required,
// pattern) needs that type in the same schema object.
// Usage: NODE_PATH=<dir>/node_modules node strict.js FILE...
"use strict";
const Ajv2020 = require("ajv/dist/2020");
const addFormats = require("ajv-formats");
const fs = require("fs");

let failed = 0;
for (const file of process.argv.slice(2)) {
  const problems = [];
  const logger = { log() {}, warn: (m) => problems.push(String(m)), error: (m) => problems.push(String(m)) };
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, logger });
  addFormats(ajv);
  try {
    ajv.compile(JSON.parse(fs.readFileSync(file, "utf8")));
  } catch (e) {
    problems.push(e.message);
  }
  if (problems.length) {
    failed++;
    for (const p of problems) console.log(`${file}: ${p}`);
  } else {
    console.log(`${file}: ok`);
  }
}
process.exit(failed ? 1 : 0);
