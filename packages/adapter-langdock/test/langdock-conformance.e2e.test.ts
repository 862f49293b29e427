import { randomUUID } from 'node:crypto';
import { describeReleaserConformance } from '@agent-release/core/testing/conformance';
import { startLangdockEmulator } from '@agent-release/emulator';
import { createLangdockReleaser } from '../src/index.js';

// The shared port suite, over real loopback HTTP against the Langdock emulator (no nock here).
describeReleaserConformance('langdock (emulator)', async () => {
  const emulator = await startLangdockEmulator();
  const releaser = createLangdockReleaser({ apiKey: emulator.apiKey, baseUrl: emulator.baseUrl });
  return {
    releaser,
    createAgent: async () =>
      emulator.state.createAgent({
        name: 'Conformance agent',
        instruction: 'Initial prompt.',
        publish: true,
      }),
    requestCount: () => emulator.requests.length,
    versionIds: async (agentId) => emulator.state.versions(agentId).map((v) => v.id),
    activeVersionId: async (agentId) => emulator.state.activeVersion(agentId)?.id,
    activeInstructions: async (agentId) => emulator.state.activeVersion(agentId)?.config.instruction,
    unknownAgentId: randomUUID(),
    providerInvalidChanges: [
      { firstMessage: 'Hello!' },
      { instructions: 'a', providerOptions: { langdock: { instruction: 'b' } } },
      { providerOptions: { langdock: { creativity: 2 } } },
      { providerOptions: { langdock: { conversationStarters: Array.from({ length: 21 }, () => 'hi') } } },
      { instructions: 'x'.repeat(40_001) },
    ],
    close: () => emulator.close(),
  };
});
