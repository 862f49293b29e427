// Releases a change to a Langdock agent running in the local emulator, twice.
// Run after `pnpm -r build`:  node packages/adapter-langdock/examples/release-to-emulator.mjs
import { createLangdockReleaser } from '@agent-release/adapter-langdock';
import { isAgentReleaseError, release } from '@agent-release/core';
import { startLangdockEmulator } from '@agent-release/emulator';

const langdock = await startLangdockEmulator();
try {
  // An existing agent with a live version 1 (in production: an agent shared with your API key).
  const agentId = langdock.state.createAgent({
    name: 'Support bot',
    instruction: 'Be helpful.',
    publish: true,
  });
  const olderVersionId = langdock.state.activeVersion(agentId).id;

  const releaser = createLangdockReleaser({ apiKey: langdock.apiKey, baseUrl: langdock.baseUrl });
  const changes = {
    instructions: 'Answer billing questions in two sentences or fewer.',
    providerOptions: { langdock: { conversationStarters: ['Where is my invoice?'] } },
  };

  const first = await release(releaser, agentId, changes, { description: 'Billing focus' });
  console.log(
    'first release:',
    first.status,
    `version ${first.version.number}`,
    first.version.isActive ? '(live)' : '',
  );
  console.log('  steps:', first.steps.map((s) => `${s.name}=${s.status}`).join(' '));

  const second = await release(releaser, agentId, changes);
  console.log('second release:', second.status, `(${second.unchangedReason})`);

  try {
    await releaser.activate(agentId, olderVersionId);
  } catch (error) {
    if (!isAgentReleaseError(error)) throw error;
    console.log('activate older version:', error.code);
  }

  const live = langdock.state.activeVersion(agentId);
  console.log(
    'emulator:',
    `${langdock.state.versions(agentId).length} versions,`,
    `live v${live.version}:`,
    JSON.stringify(live.config.instruction),
  );
} finally {
  await langdock.close();
}
