import type { Router } from '../kit/router.js';
import { MISSING_ASSET } from './retell-errors.js';
import { LLM_UPDATE_FIELDS } from './retell-fields.js';
import type { RetellStore } from './retell-store.js';
import { checkFields, objectBody, versionQuery } from './retell-validate.js';
import { llmView } from './retell-views.js';

/** Retell LLM operations: the prompt lives here, versioned with its agent. */
export function registerLlmRoutes(router: Router, store: RetellStore): void {
  router.add('GET', '/get-retell-llm/:llm_id', (req) => {
    const agent = store.requireByLlm(req.params.llm_id!);
    return {
      status: 200,
      body: llmView(agent, store.version(agent, versionQuery(req.query), MISSING_ASSET)),
    };
  });

  router.add('PATCH', '/update-retell-llm/:llm_id', (req) => {
    const body = objectBody(req.body);
    checkFields(body, LLM_UPDATE_FIELDS, 'update-retell-llm');
    const agent = store.requireByLlm(req.params.llm_id!);
    const target = store.editable(agent, versionQuery(req.query), 'Retell LLM');
    store.updateLlmFields(agent, target, body);
    return { status: 200, body: llmView(agent, target) };
  });
}
