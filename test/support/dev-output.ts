import type { ChildProcess } from 'node:child_process';
import { expect, vi } from 'vitest';

/** What a child printed so far, stdout and stderr together as they arrived. */
export function outputOf(child: ChildProcess): { text: string } {
  const output = { text: '' };
  const append = (chunk: Buffer) => {
    output.text += chunk;
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return output;
}

/** Resolves once `mixkeeper dev` has printed its banner. */
export async function untilDevBanner(output: { text: string }): Promise<void> {
  // Generous: a cold tsx start on a loaded 2-core CI machine (Node 22/24 runs) took over 20 s.
  await vi.waitFor(() => expect(output.text).toContain('mixkeeper is running'), {
    timeout: 45_000,
    interval: 100,
  });
}
