/**
 * How long a property may search. By default a bounded number of runs and a time cap, so even a
 * failing property (shrinking included) ends well inside its file's minute; `PROPERTY_RUNS=<n>`
 * asks for a deeper search without the cap.
 */
const deep = Number(process.env.PROPERTY_RUNS) || 0;

/** Cap on one property's search, shrinking included. */
const CAP_MS = 35_000;

/** fast-check parameters for a property meant to take `runs` runs by default. */
export function budget(runs: number): { numRuns: number; interruptAfterTimeLimit?: number } {
  return deep ? { numRuns: deep } : { numRuns: runs, interruptAfterTimeLimit: CAP_MS };
}

/** The vitest timeout that goes with `budget`. */
export const PROPERTY_TIMEOUT_MS = deep ? 3_600_000 : CAP_MS + 15_000;
