import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

import type { Page } from 'playwright-core';
import { expect } from 'vitest';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** WCAG 2.1 levels A and AA, the level that RGAA 4 follows. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] as const;

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/**
 * Runs axe-core on the page at WCAG 2.1 AA and fails with each violation's
 * rule, impact and elements. axe's source runs through the DevTools
 * protocol, which the page's Content Security Policy does not block, so the
 * page under test keeps its real policy (a script element would be refused).
 */
export async function expectNoAxeViolations(page: Page): Promise<void> {
  await page.evaluate(AXE_SOURCE);
  const options = JSON.stringify({ runOnly: { type: 'tag', values: AXE_TAGS } });
  const violations = (await page.evaluate(`axe.run(document, ${options}).then((results) => results.violations)`)) as AxeViolation[];
  const summary = violations.map((violation) => `${violation.id} (${violation.impact}): ${violation.help} at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
  expect(summary.length, `axe violations on ${page.url()}:\n${summary.join('\n')}`).toBe(0);
}
