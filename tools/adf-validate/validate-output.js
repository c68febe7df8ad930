#!/usr/bin/env node
// Validates epicsync's JSON output against its schemas (docs/schema/*.schema.json, draft-07).
// Usage: validate-output.js SCHEMA_DIR SCHEMA FILE...: each FILE holds one JSON document, checked
// against SCHEMA_DIR/SCHEMA.schema.json (the other schemas of the folder serve its $refs).
// Prints one line per file; exits 1 when any document fails, 2 when a schema or file cannot be
// read. It shares tools/adf-validate's ajv (npm ci there, run by scripts/setup).
'use strict';

const fs = require('fs');
const path = require('path');

let Ajv;
try {
  Ajv = require('ajv');
} catch (err) {
  console.error('validate-output: ajv is not installed; run scripts/setup ' +
                '(it runs `npm ci` in tools/adf-validate)');
  process.exit(2);
}

function main() {
  const [dir, name, ...files] = process.argv.slice(2);
  if (!dir || !name || files.length === 0) {
    console.error('usage: validate-output.js SCHEMA_DIR SCHEMA FILE...');
    return 2;
  }
  const ajv = new Ajv({allErrors: true, strict: true});
  let schemas;
  try {
    schemas = fs.readdirSync(dir).filter((f) => f.endsWith('.schema.json'));
    for (const f of schemas) ajv.addSchema(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
  } catch (err) {
    console.error(`validate-output: cannot load the schemas in ${dir}: ${err.message}`);
    return 2;
  }
  const wanted = schemas.map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')))
                     .find((s) => s.$id && s.$id.endsWith(`/${name}.schema.json`));
  if (!wanted) {
    console.error(`validate-output: no schema ${name}.schema.json in ${dir}`);
    return 2;
  }
  let validate;
  try {
    validate = ajv.getSchema(wanted.$id);
  } catch (err) {
    console.error(`validate-output: the schema ${name} does not compile: ${err.message}`);
    return 2;
  }
  let failed = 0;
  for (const file of files) {
    let doc;
    try {
      doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      console.error(`validate-output: cannot read ${file} as JSON: ${err.message}`);
      return 2;
    }
    if (validate(doc)) {
      console.log(`${file}: valid ${name}`);
    } else {
      failed++;
      console.log(`${file}: NOT a valid ${name}: ${JSON.stringify(validate.errors.slice(0, 10))}`);
    }
  }
  return failed === 0 ? 0 : 1;
}

process.exit(main());
