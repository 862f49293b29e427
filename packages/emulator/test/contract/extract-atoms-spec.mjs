#!/usr/bin/env node
// Regenerates atoms-openapi.fixture.json from the vendor's published OpenAPI yaml:
//   node packages/emulator/test/contract/extract-atoms-spec.mjs <path/to/atoms-openapi.yaml>
// Keeps the agent-versioning paths (v1 drafts/versions, v2 branches/revisions, the agent
// read/update and the cross-model diff) verbatim, plus every component they reach through
// $ref, so the fixture validates on its own and stays diffable against the vendor file.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const SOURCE = {
  repository: 'smallest-inc/smallest-ai-documentation',
  path: 'fern/apis/atoms/openapi/openapi.yaml',
  commit: 'bfc4ef1588a82979f7f6a7ff2cc4b6e3dac900e3',
};

const VERSIONING_PATH = /^\/agent\/\{id\}(\/(drafts|versions|branches|diff)(\/.*)?)?$/;

const here = dirname(fileURLToPath(import.meta.url));
const input = process.argv[2];
if (!input) {
  console.error('usage: extract-atoms-spec.mjs <atoms-openapi.yaml> [out.json]');
  process.exit(2);
}
const output = process.argv[3] ?? join(here, 'atoms-openapi.fixture.json');

const spec = parse(readFileSync(input, 'utf8'));

const paths = Object.fromEntries(Object.entries(spec.paths).filter(([path]) => VERSIONING_PATH.test(path)));

/** Collects "#/components/<kind>/<name>" refs reachable from `node`, following each once. */
function collectRefs(node, seen) {
  if (Array.isArray(node)) {
    for (const item of node) collectRefs(item, seen);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string') {
      if (seen.has(value)) continue;
      seen.add(value);
      collectRefs(resolvePointer(value), seen);
    } else {
      collectRefs(value, seen);
    }
  }
}

function resolvePointer(ref) {
  if (!ref.startsWith('#/')) throw new Error(`external $ref not supported: ${ref}`);
  let node = spec;
  for (const raw of ref.slice(2).split('/')) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = node?.[part];
  }
  if (node === undefined) throw new Error(`dangling $ref: ${ref}`);
  return node;
}

const refs = new Set();
collectRefs(paths, refs);
collectRefs(spec.components?.securitySchemes ?? {}, refs);

const components = { securitySchemes: spec.components?.securitySchemes ?? {} };
for (const ref of [...refs].sort()) {
  const [, kind, name, ...rest] = ref.slice(2).split('/');
  if (kind === undefined || name === undefined || rest.length > 0 || ref.split('/')[1] !== 'components') {
    throw new Error(`unexpected $ref shape: ${ref}`);
  }
  components[kind] ??= {};
  components[kind][name] = spec.components[kind][name];
}

const fixture = {
  openapi: spec.openapi,
  info: { ...spec.info, 'x-extracted-from': SOURCE },
  paths,
  components,
};
writeFileSync(output, `${JSON.stringify(fixture, null, 2)}\n`);
console.log(`wrote ${output}: ${Object.keys(paths).length} paths, ${refs.size} components`);
