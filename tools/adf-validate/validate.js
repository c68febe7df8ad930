#!/usr/bin/env node
// Validates ADF documents, one JSON document per line (from a file or stdin), against
// #/definitions/doc_node of the Atlassian ADF schema with a draft-04 validator.
// Prints a summary and every failure (line number and the validator's errors); exits 1 when any
// document fails or the input holds no document at all (an empty run proves nothing), 2 when the
// input or the validator cannot be read.
'use strict';

const fs = require('fs');
const path = require('path');

let Ajv;
try {
  Ajv = require('ajv-draft-04');
} catch (err) {
  console.error('adf-validate: ajv-draft-04 is not installed; run scripts/setup ' +
                '(it runs `npm ci` in tools/adf-validate)');
  process.exit(2);
}

const schemaPath = path.join(__dirname, 'schema', 'full.json');
const maxReported = 50;

function main() {
  const input = process.argv[2];
  let text;
  try {
    text = fs.readFileSync(input && input !== '-' ? input : 0, 'utf8');
  } catch (err) {
    console.error(`adf-validate: cannot read ${input || 'stdin'}: ${err.message}`);
    return 2;
  }
  const schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8'));
  // The schema's formats are informational; strict mode would reject its unknown keywords.
  const ajv = new Ajv({allErrors: false, strict: false, validateFormats: false});
  ajv.addSchema(schema, 'adf');
  const validate = ajv.getSchema('adf#/definitions/doc_node');

  let total = 0;
  let failed = 0;
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    total++;
    let doc;
    try {
      doc = JSON.parse(line);
    } catch (err) {
      failed++;
      if (failed <= maxReported) console.log(`line ${index + 1}: not JSON: ${err.message}`);
      return;
    }
    if (!validate(doc)) {
      failed++;
      if (failed <= maxReported) {
        console.log(`line ${index + 1}: ${JSON.stringify(validate.errors.slice(0, 5))}`);
        console.log(`  document: ${line.length > 2000 ? line.slice(0, 2000) + '...' : line}`);
      }
    }
  });
  if (failed > maxReported) console.log(`... ${failed - maxReported} more failures not shown`);
  console.log(`adf-validate: ${total} documents, ${total - failed} valid, ${failed} invalid`);
  return failed === 0 && total > 0 ? 0 : 1;
}

process.exit(main());
