// One release per vendor against the embedded emulators, no DI. Run: `pnpm quickstart`.
import { createAtomsReleaser } from '@agent-release/adapter-atoms';
import { createLangdockReleaser } from '@agent-release/adapter-langdock';
import { release } from '@agent-release/core';
import { startAtomsEmulator, startLangdockEmulator } from '@agent-release/emulator';

const atoms = await startAtomsEmulator({ securityCheck: { durationMs: 1500 } });
const langdock = await startLangdockEmulator();
try {
  // Agents that already have a live version (in production: your existing agents).
  const voiceAgent = atoms.state.createAgent({ name: 'Support line', prompt: 'Be brief.' });
  const chatAgent = langdock.state.createAgent({
    name: 'Research bot',
    instruction: 'Be brief.',
    publish: true,
  });

  // The same call for both vendors: only the factory differs.
  const releasers = [
    [createAtomsReleaser({ apiKey: atoms.apiKey, baseUrl: atoms.baseUrl }), voiceAgent],
    [createLangdockReleaser({ apiKey: langdock.apiKey, baseUrl: langdock.baseUrl }), chatAgent],
  ] as const;
  for (const [releaser, agentId] of releasers) {
    const result = await release(
      releaser,
      agentId,
      { instructions: 'Be brief and cite sources.' },
      {
        observer: (e) =>
          e.type === 'step-end' && console.log(`  ${releaser.provider} ${e.step.name}: ${e.step.detail}`),
      },
    );
    console.log(
      `${releaser.provider}: ${result.status} v${result.version?.number}, live=${result.version?.isActive}`,
    );
    const again = await release(releaser, agentId, { instructions: 'Be brief and cite sources.' });
    console.log(`${releaser.provider}: same change again → ${again.status}`);
  }
} finally {
  await atoms.close();
  await langdock.close();
}
