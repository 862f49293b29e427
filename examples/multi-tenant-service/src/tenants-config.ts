import { readFile } from 'node:fs/promises';
import { ConfigurationError } from '@agent-release/core';
import { StaticTenantDirectory, type TenantConfig } from '@agent-release/core/di';
import { z } from 'zod';

/**
 * The tenants file: each tenant names its provider and where its key comes from. `apiKeyEnv`
 * (the name of an environment variable) keeps keys out of the file; `apiKey` is accepted for
 * local setups such as the demo's emulators.
 */
const tenantSchema = z
  .object({
    provider: z.string().min(1),
    apiKey: z.string().min(1).optional(),
    apiKeyEnv: z.string().min(1).optional(),
    baseUrl: z.url().optional(),
    options: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .refine((t) => (t.apiKey === undefined) !== (t.apiKeyEnv === undefined), {
    message: 'give exactly one of apiKey or apiKeyEnv',
  });

export const tenantsFileSchema = z.object({ tenants: z.record(z.string().min(1), tenantSchema) }).strict();

/** The parsed tenants file. */
export type TenantsFile = z.input<typeof tenantsFileSchema>;

/** Builds a directory from a parsed tenants file, resolving `apiKeyEnv` against `env`. */
export function tenantDirectoryFrom(
  input: unknown,
  env: NodeJS.ProcessEnv = process.env,
): StaticTenantDirectory {
  const parsed = tenantsFileSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigurationError(`tenants config: ${issue?.path.join('.') || '(root)'} ${issue?.message}`);
  }
  const tenants: Record<string, TenantConfig> = {};
  for (const [tenantId, t] of Object.entries(parsed.data.tenants)) {
    const apiKey = t.apiKey ?? env[t.apiKeyEnv ?? ''];
    if (!apiKey) {
      throw new ConfigurationError(
        `tenants config: ${tenantId}: environment variable ${t.apiKeyEnv} is not set`,
      );
    }
    tenants[tenantId] = { provider: t.provider, apiKey, baseUrl: t.baseUrl, options: t.options };
  }
  return new StaticTenantDirectory(tenants);
}

/** Reads the tenants file at `path` (JSON). */
export async function loadTenantDirectory(path: string, env: NodeJS.ProcessEnv = process.env) {
  const text = await readFile(path, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigurationError(`tenants config: ${path} is not valid JSON`);
  }
  return tenantDirectoryFrom(json, env);
}
