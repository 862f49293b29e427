import { describe, expect, it } from 'vitest';
import { AGENT, agentBody, api, makeReleaser, P, useNock } from './fixtures.js';

useNock();

describe('readConfig', () => {
  it.each(['v1', 'v2', 'auto'] as const)(
    '%s: reads the live config from GET /agent/{id} (the single_prompt prompt as instructions)',
    async (apiGeneration) => {
      const { releaser } = makeReleaser({ apiGeneration });
      api()
        .get(`${P}/agent/${AGENT}`)
        .reply(200, agentBody({}, { prompt: 'Live prompt', firstMessage: 'Hi', modelName: 'gpt-4.1' }));

      expect(await releaser.readConfig(AGENT)).toEqual({
        instructions: 'Live prompt',
        firstMessage: 'Hi',
        model: 'gpt-4.1',
      });
    },
  );

  it('a workflow_graph agent: its globalPrompt is the instructions', async () => {
    const { releaser } = makeReleaser({ apiGeneration: 'v1' });
    api()
      .get(`${P}/agent/${AGENT}`)
      .reply(
        200,
        agentBody(
          { workflowType: 'workflow_graph' },
          { prompt: null, globalPrompt: 'Graph prompt', firstMessage: null, modelName: null },
        ),
      );

    expect(await releaser.readConfig(AGENT)).toEqual({ instructions: 'Graph prompt' });
  });

  it.each([
    ['v2', 'Written by a v2 edit'],
    ['v1', 'Created prompt'],
  ] as const)(
    '%s on a single_prompt agent with a globalPrompt: the instructions are %j',
    async (apiGeneration, expected) => {
      // v2 edits write the prompt as globalPrompt (the spec's UpdateBranchDraftRequest); v1 ones
      // write singlePromptConfig.prompt, and a v1 agent's globalPrompt is not its prompt.
      const { releaser } = makeReleaser({ apiGeneration });
      api()
        .get(`${P}/agent/${AGENT}`)
        .reply(200, agentBody({}, { prompt: 'Created prompt', globalPrompt: 'Written by a v2 edit' }));

      expect(await releaser.readConfig(AGENT)).toMatchObject({ instructions: expected });
    },
  );
});
