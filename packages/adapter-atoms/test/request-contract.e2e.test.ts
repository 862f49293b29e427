/**
 * Every request body the adapter builds, v1 and v2, matches the request schema the vendor's
 * OpenAPI spec declares for its operation, closed (a field the spec does not declare fails), and
 * operations whose spec declares no body get none. Bodies are taken from the emulator's request
 * log after real releases, so what is checked is what was sent.
 */
import { readFileSync } from 'node:fs';
import { release } from '@agent-release/core';
import type { AtomsEmulator } from '@agent-release/emulator';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
// The emulator's OpenAPI 3.0 → JSON Schema conversion, shared rather than copied.
import { toJsonSchema } from '../../emulator/test/contract/openapi-schema.js';
import { setupEmulator, useEmulators } from './emulator-harness.js';

useEmulators();

// biome-ignore lint/suspicious/noExplicitAny: an OpenAPI document, walked generically
type Node = any;
const spec: Node = JSON.parse(
  readFileSync(new URL('../../emulator/test/contract/atoms-openapi.fixture.json', import.meta.url), 'utf8'),
);

const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addFormat('uri', (value: string) => URL.canParse(value));
ajv.addSchema({
  $id: 'atoms-openapi',
  components: {
    schemas: Object.fromEntries(
      Object.entries(spec.components.schemas as Record<string, Node>).map(([name, s]) => [
        name,
        toJsonSchema(s, true),
      ]),
    ),
  },
});

/** The spec operation (`METHOD /template`) a logged request hit, or undefined. */
function operationOf(method: string, path: string): { op: string; requestBody: Node } | undefined {
  for (const [template, item] of Object.entries(spec.paths as Record<string, Node>)) {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    const operation = item[method.toLowerCase()];
    if (operation && pattern.test(path))
      return { op: `${method} ${template}`, requestBody: operation.requestBody };
  }
  return undefined;
}

/** Problems of one request against its spec operation, as `op: problem` lines. */
function requestProblems(method: string, path: string, body: unknown): { op?: string; problems: string[] } {
  const found = operationOf(method, path);
  if (!found) return { problems: [`${method} ${path}: not an operation of the spec`] };
  const { op } = found;
  const schema = found.requestBody?.content?.['application/json']?.schema;
  if (schema === undefined) {
    return { problems: body === undefined ? [] : [`${op}: a body where the spec declares none`] };
  }
  if (body === undefined) {
    return { problems: found.requestBody.required ? [`${op}: no body where the spec requires one`] : [] };
  }
  const validate = ajv.compile(toJsonSchema(schema, true));
  const problems = validate(body)
    ? []
    : (validate.errors ?? []).map(
        (e) => `${op}: ${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`,
      );
  // An open schema (`UpdateBranchDraftRequest`: additionalProperties true) still types its stable
  // surface: a top-level field outside it is one the spec does not promise to route.
  const declared = componentOf(schema);
  if (declared.additionalProperties === true && declared.properties) {
    for (const field of Object.keys(body as object)) {
      if (!(field in declared.properties)) problems.push(`${op}: ${field} is not a typed field of the spec`);
    }
  }
  return { op, problems };
}

function componentOf(schema: Node): Node {
  return typeof schema.$ref === 'string' ? spec.components.schemas[schema.$ref.split('/').pop()] : schema;
}

/** Problems of every logged request, and the operations whose bodies were checked. */
function bodyProblems(emulator: AtomsEmulator): { checked: Set<string>; problems: string[] } {
  const checked = new Set<string>();
  const problems: string[] = [];
  for (const request of emulator.requests) {
    const result = requestProblems(request.method, request.path, request.body);
    if (result.op !== undefined) checked.add(result.op);
    problems.push(...result.problems);
  }
  return { checked, problems };
}

const CHANGES = {
  instructions: 'You are a friendly support agent.',
  firstMessage: 'Hi! How can I help?',
  providerOptions: { atoms: { backgroundSound: 'office' as const } },
};

describe('request bodies match the vendor OpenAPI spec', () => {
  it('the check itself refuses an undeclared field, a wrong type and a body where none is declared', () => {
    const id = '65a1b2c3d4e5f60718293a4b';
    expect(
      requestProblems('POST', `/agent/${id}/drafts`, { sourceVersionId: id, extra: 1 }).problems,
    ).toEqual([
      `POST /agent/{id}/drafts: / must NOT have additional properties {"additionalProperty":"extra"}`,
    ]);
    expect(
      requestProblems('PATCH', `/agent/${id}/drafts/${id}/config`, { firstMessage: 3 }).problems,
    ).toHaveLength(1);
    expect(
      requestProblems('PUT', `/agent/${id}/branches/${id}/draft`, { singlePromptConfig: { prompt: 'p' } })
        .problems,
    ).toEqual([
      'PUT /agent/{id}/branches/{branchId}/draft: singlePromptConfig is not a typed field of the spec',
    ]);
    expect(requestProblems('PATCH', `/agent/${id}/versions/${id}/activate`, {}).problems).toEqual([
      'PATCH /agent/{id}/versions/{versionId}/activate: a body where the spec declares none',
    ]);
  });

  it('v1: fork a draft, patch its config, publish with a label and description, activate, roll back', async () => {
    const { emulator, releaser, agentId } = await setupEmulator({}, { apiGeneration: 'v1' });
    const first = await release(releaser, agentId, CHANGES, { label: 'friendlier', description: 'why' });
    expect(first.status).toBe('released');
    const v1 = (await releaser.listVersions(agentId)).find((v) => v.number === 1);
    await releaser.activate(agentId, v1!.id);

    const { checked, problems } = bodyProblems(emulator);
    expect(problems).toEqual([]);
    expect([...checked].sort()).toEqual([
      'PATCH /agent/{id}/drafts/{draftId}/config',
      'POST /agent/{id}/drafts',
      'POST /agent/{id}/drafts/{draftId}/publish',
    ]);
  });

  it('v2: put the branch draft, publish with a label, restore an older revision', async () => {
    const { emulator, releaser, agentId } = await setupEmulator(
      { versioning: 'v2' },
      { apiGeneration: 'v2' },
    );
    const first = await release(releaser, agentId, CHANGES, { label: 'friendlier' });
    expect(first.status).toBe('released');
    const older = (await releaser.listVersions(agentId)).find((v) => v.id !== first.version!.id);
    await releaser.activate(agentId, older!.id);

    const { checked, problems } = bodyProblems(emulator);
    expect(problems).toEqual([]);
    expect([...checked].sort()).toEqual([
      'POST /agent/{id}/branches/{branchId}/draft/publish',
      'PUT /agent/{id}/branches/{branchId}/draft',
    ]);
  });
});
