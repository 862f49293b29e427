import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The fields an interface of `retell-sdk`'s generated `.d.ts` declares. */
export interface DeclaredFields {
  required: Set<string>;
  optional: Set<string>;
}

// The package exports no ./package.json; its main entry sits at the package root.
const sdkRoot = dirname(createRequire(import.meta.url).resolve('retell-sdk'));

/**
 * Reads `Name` or `Namespace.Name` from `resources/<file>.d.ts`: the SDK is generated from
 * Retell's OpenAPI file, so its declarations are the vendor's published types.
 */
export function declaredFields(file: string, name: string): DeclaredFields {
  const lines = readFileSync(join(sdkRoot, 'resources', `${file}.d.ts`), 'utf8').split('\n');
  const [outer, inner] = name.split('.');
  let start: number;
  let indent: string;
  if (inner === undefined) {
    start = lines.indexOf(`export interface ${outer} {`);
    indent = '';
  } else {
    const ns = lines.indexOf(`export declare namespace ${outer} {`);
    start = lines.findIndex((l, i) => i > ns && l === `    interface ${inner} {`);
    indent = '    ';
  }
  if (start < 0) throw new Error(`retell-sdk declares no ${name} in ${file}.d.ts`);
  const fields: DeclaredFields = { required: new Set(), optional: new Set() };
  const prop = new RegExp(`^${indent}    ([a-z_]+)(\\??):`);
  for (let i = start + 1; i < lines.length && lines[i] !== `${indent}}`; i++) {
    const match = prop.exec(lines[i]!);
    if (match) (match[2] ? fields.optional : fields.required).add(match[1]!);
  }
  return fields;
}

/** Problems of `value` against the declared fields: missing required ones, undeclared extras. */
export function shapeProblems(value: unknown, fields: DeclaredFields): string[] {
  if (typeof value !== 'object' || value === null) return ['not an object'];
  const keys = Object.keys(value);
  const missing = [...fields.required].filter((k) => !keys.includes(k)).map((k) => `missing ${k}`);
  const extra = keys
    .filter((k) => !fields.required.has(k) && !fields.optional.has(k))
    .map((k) => `undeclared ${k}`);
  return [...missing, ...extra];
}
