import { afterEach } from 'vitest';
import { expectNoViolations, type Stack } from './stack.js';

/**
 * One stack per test, held to the platform's rules: after each test, the stack it opened must show
 * no usage-rule violation, and is closed either way. A test that opened none (it failed first, or
 * needed none) closes nothing, and no stack is closed twice. Call at the top of a file or describe;
 * pass each stack a test opens through the returned function.
 */
export function stackPerTest<S extends Pick<Stack, 'violations' | 'close'>>(): (stack: S) => S {
  let opened: S | undefined;
  afterEach(async () => {
    const stack = opened;
    opened = undefined;
    if (!stack) return;
    try {
      await expectNoViolations(stack);
    } finally {
      await stack.close();
    }
  });
  return (stack) => {
    opened = stack;
    return stack;
  };
}
