import { request } from 'node:http';
import { startAtomsEmulator } from '@agent-release/emulator';
import { describe, expect, it } from 'vitest';

/** The raw header lines of one request (names as the server wrote them). */
function rawHeaders(
  url: string,
  key: string,
): Promise<{ status: number; names: string[]; values: string[] }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers: { Authorization: `Bearer ${key}` } }, (res) => {
      res.resume();
      const names = res.rawHeaders.filter((_, i) => i % 2 === 0);
      const values = res.rawHeaders.filter((_, i) => i % 2 === 1);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, names, values }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('response header names', () => {
  it('writes Deprecation: true with the case the spec gives it (clients that read headers case-sensitively see it)', async () => {
    const atoms = await startAtomsEmulator({ versioning: 'v2' });
    try {
      const id = atoms.state.createAgent({ name: 'headers' });
      const res = await rawHeaders(`${atoms.baseUrl}/agent/${id}/versions`, atoms.apiKey);
      expect(res.status).toBe(409);
      const at = res.names.indexOf('Deprecation');
      expect(at).toBeGreaterThanOrEqual(0);
      expect(res.values[at]).toBe('true');
      expect(res.names.filter((n) => n.toLowerCase() === 'content-type')).toHaveLength(1);
    } finally {
      await atoms.close();
    }
  });
});
