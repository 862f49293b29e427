import { InMemoryReleaser } from '@agent-release/core/testing';
import { describeReleaserConformance } from '@agent-release/core/testing/conformance';

// The kit proves itself against the in-memory releaser in both activation styles, so a failure
// in an adapter's run points at the adapter, not at the suite.
for (const activation of ['explicit', 'on-publish'] as const) {
  describeReleaserConformance(`in-memory (${activation})`, async () => {
    const releaser = new InMemoryReleaser({ activation });
    const activeVersionId = async (agentId: string) => (await releaser.getActiveVersion(agentId))?.id;
    return {
      releaser,
      createAgent: async () => releaser.createAgent({ instructions: 'initial' }),
      requestCount: () => releaser.requestCount,
      versionIds: async (agentId) => releaser.versionIds(agentId),
      activeVersionId: async (agentId) => {
        const before = releaser.requestCount;
        const id = await activeVersionId(agentId);
        releaser.requestCount = before;
        return id;
      },
      activeInstructions: async (agentId) => releaser.activeConfig(agentId)?.instructions,
      unknownAgentId: 'agent_does_not_exist',
      close: async () => {},
    };
  });
}
