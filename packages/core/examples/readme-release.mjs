// The README's first snippet, runnable after `pnpm --filter @agent-release/core build`:
//   node packages/core/examples/readme-release.mjs
import { release } from '@agent-release/core';
import { InMemoryReleaser } from '@agent-release/core/testing';

const releaser = new InMemoryReleaser();
const agentId = releaser.createAgent({ instructions: 'Be brief.' });

const result = await release(
  releaser,
  agentId,
  { instructions: 'Be brief and friendly.' },
  {
    label: 'friendlier',
    observer: (e) => e.type === 'step-end' && console.log(e.step.name, e.step.status, e.step.detail),
  },
);
console.log(result.status, result.version?.id, result.version?.isActive);

const again = await release(releaser, agentId, { instructions: 'Be brief and friendly.' });
console.log(again.status);
