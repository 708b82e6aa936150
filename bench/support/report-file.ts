import { readFileSync, writeFileSync } from 'node:fs';

/** One figure against its target, for a section's table and the summary of a full run. */
export interface TargetRow {
  figure: string;
  value: string;
  target: string;
  met: boolean;
}

/** What one benchmark writes into docs/benchmarks.md: a Markdown block and its targets. */
export interface BenchSection {
  name: string;
  markdown: string;
  targets: TargetRow[];
}

const beginMarker = (name: string): string => `<!-- bench:${name} begin (written by npm run bench; edit bench/ instead) -->`;
const endMarker = (name: string): string => `<!-- bench:${name} end -->`;

/**
 * Replaces the generated block `name` of a Markdown text, keeping everything
 * around it. A block that is not there yet is appended at the end, so a new
 * benchmark needs no hand edit of the page.
 */
export function replaceBlock(text: string, name: string, content: string): string {
  const begin = beginMarker(name);
  const end = endMarker(name);
  const block = `${begin}\n${content.trim()}\n${end}`;
  const start = text.indexOf(begin);
  const stop = text.indexOf(end);
  if (start === -1 || stop === -1 || stop < start) return `${text.trimEnd()}\n\n${block}\n`;
  return text.slice(0, start) + block + text.slice(stop + end.length);
}

/** Rewrites the generated blocks of the file at `file` in place. */
export function writeBlocks(file: string, blocks: ReadonlyArray<{ name: string; content: string }>): void {
  let text = readFileSync(file, 'utf8');
  for (const { name, content } of blocks) text = replaceBlock(text, name, content);
  writeFileSync(file, text);
}

/** Renders target rows as a Markdown table. */
export function targetTable(rows: readonly TargetRow[]): string {
  const lines = ['| figure | measured | target | met |', '|---|---|---|---|'];
  for (const row of rows) lines.push(`| ${row.figure} | ${row.value} | ${row.target} | ${row.met ? 'yes' : '**no**'} |`);
  return lines.join('\n');
}
