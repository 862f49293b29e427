import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';

/** The fixture extracted from the vendor's OpenAPI file (see README.md beside it). */
// biome-ignore lint/suspicious/noExplicitAny: an OpenAPI document, walked generically
type Node = any;

const fixture: Node = JSON.parse(
  readFileSync(new URL('./atoms-openapi.fixture.json', import.meta.url), 'utf8'),
);

const DOC_ID = 'atoms-openapi';

/**
 * OpenAPI 3.0 schema → JSON Schema (draft 7, as Ajv reads it): `nullable: true` admits null
 * (with or without a `type`), siblings of `$ref` are dropped (OpenAPI 3.0 ignores them), `oneOf`
 * reads as `anyOf`, and component refs point into the shared components document.
 *
 * With `closed`, every object schema that lists `properties` and says nothing about
 * `additionalProperties` is closed, so a field the spec does not declare is reported.
 */
export function toJsonSchema(schema: Node, closed: boolean): Node {
  if (Array.isArray(schema)) return schema.map((s) => toJsonSchema(s, closed));
  if (schema === null || typeof schema !== 'object') return schema;
  if (typeof schema.$ref === 'string') return { $ref: `${DOC_ID}${schema.$ref}` };
  if (closed && Array.isArray(schema.allOf)) {
    // Closing each member would refuse the others' fields: close their union instead.
    const { allOf, ...rest } = schema;
    const members = (allOf as Node[]).map((m) =>
      typeof m.$ref === 'string' ? resolveComponentRef(m.$ref) : m,
    );
    const properties = Object.assign({}, ...members.map((m) => m.properties ?? {}));
    return toJsonSchema({ ...rest, type: 'object', properties }, closed);
  }
  const out: Node = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'nullable' || key === 'example' || key === 'description' || key.startsWith('x-')) continue;
    if (key === 'properties') {
      out.properties = Object.fromEntries(
        Object.entries(value as Node).map(([name, sub]) => [name, toJsonSchema(sub, closed)]),
      );
    } else if (key === 'oneOf') {
      // The spec's unions have no `required` or closed members, so a body matches several of
      // them; OpenAPI readers take `oneOf` as "one of these shapes", which is `anyOf` here.
      out.anyOf = toJsonSchema(value, closed);
    } else if (key === 'default' || key === 'enum') {
      out[key] = value;
    } else {
      out[key] = toJsonSchema(value, closed);
    }
  }
  if (closed && out.properties && out.additionalProperties === undefined && !hasComposition(out)) {
    out.additionalProperties = false;
  }
  if (schema.nullable === true) {
    if (typeof out.type === 'string' && !hasComposition(out)) {
      out.type = [out.type, 'null'];
      if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
      return out;
    }
    return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

function hasComposition(schema: Node): boolean {
  return schema.allOf !== undefined || schema.anyOf !== undefined;
}

/** One declared response of an operation: `schema` undefined when the spec gives no body. */
export interface DeclaredResponse {
  status: string;
  schema: Node | undefined;
  headers: Record<string, Node>;
}

function resolveComponentRef(ref: string): Node {
  const parts = ref.replace(/^#\//, '').split('/');
  let node: Node = fixture;
  for (const part of parts) node = node[part];
  return node;
}

/** The operations the fixture declares, as `METHOD /path/{template}` strings. */
export function declaredOperations(): string[] {
  const ops: string[] = [];
  for (const [path, item] of Object.entries(fixture.paths as Record<string, Node>)) {
    for (const method of Object.keys(item)) {
      if (['get', 'put', 'post', 'patch', 'delete'].includes(method))
        ops.push(`${method.toUpperCase()} ${path}`);
    }
  }
  return ops;
}

/** The response the spec declares for an operation and status, or undefined. */
export function declaredResponse(method: string, path: string, status: number): DeclaredResponse | undefined {
  const operation = fixture.paths[path]?.[method.toLowerCase()];
  if (!operation) throw new Error(`The spec has no operation ${method} ${path}`);
  const raw = operation.responses?.[String(status)];
  if (!raw) return undefined;
  const response = raw.$ref ? resolveComponentRef(raw.$ref) : raw;
  return {
    status: String(status),
    schema: response.content?.['application/json']?.schema,
    headers: response.headers ?? {},
  };
}

/** Validates response bodies against the fixture's schemas (compiled once per operation). */
export class SpecValidator {
  private readonly ajv: Ajv;
  private readonly cache = new Map<string, ValidateFunction>();

  /**
   * @param closed refuse fields the schemas do not declare.
   * @param proseFields fields the spec's prose declares on a component schema its `properties`
   *   omit (accepted with any value in closed mode).
   */
  constructor(
    private readonly closed: boolean,
    proseFields: Record<string, string[]> = {},
  ) {
    this.ajv = new Ajv({ strict: false, allErrors: true });
    this.ajv.addFormat(
      'date-time',
      (value: string) => ISO_DATE_TIME.test(value) && !Number.isNaN(Date.parse(value)),
    );
    this.ajv.addFormat('uri', (value: string) => URL.canParse(value));
    const schemas = Object.fromEntries(
      Object.entries(fixture.components.schemas as Record<string, Node>).map(([name, s]) => {
        const extra = Object.fromEntries((proseFields[name] ?? []).map((field) => [field, {}]));
        const withProse = s.properties ? { ...s, properties: { ...s.properties, ...extra } } : s;
        return [name, toJsonSchema(withProse, closed)];
      }),
    );
    this.ajv.addSchema({ $id: DOC_ID, components: { schemas } });
  }

  /**
   * Problems of one answer: an undeclared status, or schema errors as `path message` strings.
   * An empty list means the answer matches the spec.
   */
  problems(method: string, path: string, status: number, body: unknown): string[] {
    const declared = declaredResponse(method, path, status);
    if (!declared) return [`status ${status} is not declared for ${method} ${path}`];
    if (declared.schema === undefined) return [];
    const key = `${method} ${path} ${status}`;
    let validate = this.cache.get(key);
    if (!validate) {
      validate = this.ajv.compile(toJsonSchema(declared.schema, this.closed));
      this.cache.set(key, validate);
    }
    if (validate(body)) return [];
    return (validate.errors ?? []).map(
      (e) => `${e.instancePath || '/'} ${e.message ?? ''}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`,
    );
  }
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
