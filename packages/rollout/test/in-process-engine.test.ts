import { createInProcessEngine } from '@agent-release/rollout';
import { describeRolloutEngineConformance } from '@agent-release/rollout/testing';

describeRolloutEngineConformance('in-process', (fixture) => createInProcessEngine(fixture));
