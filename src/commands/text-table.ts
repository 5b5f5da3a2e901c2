import { printable } from './terminal-safe.js';

/**
 * Rows as an aligned plain-text table for the terminal: a header, columns padded to their widest
 * cell, long cells cut with an ellipsis, control characters removed (cells hold ids from callbacks).
 * No colours, so the output greps and diffs.
 */
export function textTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  maxCell = 60,
): string {
  const cut = (cell: string) => (cell.length > maxCell ? `${cell.slice(0, maxCell - 1)}…` : cell);
  const all = [header, ...rows].map((row) => row.map((cell) => cut(printable(cell.replace(/\s+/g, ' ')))));
  const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  return all
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
