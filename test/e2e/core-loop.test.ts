import { describe } from 'vitest';
import { startStack } from '../support/stack.js';
import { coreLoopSuite } from './core-loop.suite.js';

// The behaviours live in core-loop.suite.ts, shared with the Cluster and many-process runs.
// The same behaviours against both mix APIs the simulator speaks: Mix_StreamV2 and Cloud API 3.0.
describe.each(['legacy', 'api3'] as const)('%s backend', (backend) => {
  coreLoopSuite(() => startStack({}, { backend }));
});
