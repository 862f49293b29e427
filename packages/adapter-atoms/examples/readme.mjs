// Releases a change to an Atoms agent running in the local emulator, twice.
// Run after `pnpm -r build`:  node packages/adapter-atoms/examples/readme.mjs
import { createAtomsReleaser } from '@agent-release/adapter-atoms';
import { release, SecurityCheckFailedError } from '@agent-release/core';
import { startAtomsEmulator } from '@agent-release/emulator';

// A local Atoms API whose post-publish security check takes 1.5 s (the real one takes ~6 s).
const atoms = await startAtomsEmulator({ securityCheck: { durationMs: 1500 } });
try {
  // An existing agent with a live version 1 and one tool.
  const agentId = atoms.state.createAgent({
    name: 'support',
    prompt: 'You are a support agent.',
    tools: [{ type: 'end_call', name: 'end_call', description: 'Ends the call' }],
  });

  // Against Atoms itself: createAtomsReleaser({ apiKey: process.env.SMALLEST_API_KEY })
  const releaser = createAtomsReleaser({ apiKey: atoms.apiKey, baseUrl: atoms.baseUrl });

  const changes = {
    instructions: 'You are a friendly support agent. Keep answers short.',
    firstMessage: 'Hi! How can I help?',
    providerOptions: { atoms: { backgroundSound: 'office' } },
  };
  let lastGate;
  const result = await release(releaser, agentId, changes, {
    label: 'friendlier prompt',
    observer: (event) => {
      if (event.type === 'step-end') console.log(`  ${event.step.name}: ${event.step.status}`);
      if (event.type === 'gate-progress') {
        const gate = `${event.progress.status} (${event.progress.raw})`;
        if (gate !== lastGate) console.log(`  security check: ${gate}`);
        lastGate = gate;
      }
    },
  });
  console.log(`first release: ${result.status}, v${result.version.number}, live: ${result.version.isActive}`);

  // The same changes again: nothing to publish, no new version.
  const again = await release(releaser, agentId, changes);
  console.log(`second release: ${again.status} (${again.unchangedReason})`);

  // What Atoms now serves: the new prompt, and the tool the prompt edit kept.
  const live = atoms.state.activeVersion(agentId).config;
  console.log(
    `emulator: ${atoms.state.versions(agentId).length} versions, live prompt:`,
    live.singlePromptConfig.prompt,
  );
  console.log('  tools:', live.singlePromptConfig.tools.map((tool) => tool.name).join(', '));
  console.log('  firstMessage:', live.firstMessage, '| backgroundSound:', live.backgroundSound);
} catch (error) {
  if (error instanceof SecurityCheckFailedError) console.error('security check failed:', error.reason);
  throw error;
} finally {
  await atoms.close();
}
