import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

// `policies/` must stay pure: no import from outside the folder (no other
// module of ours, no Node built-in, no package), and no clock or
// environment of its own.
const policiesFolder = fileURLToPath(new URL('../../policies/', import.meta.url));
const sourceFiles = readdirSync(policiesFolder).filter((name) => name.endsWith('.ts'));

function moduleSpecifiers(source: string): string[] {
  const pattern = /\b(?:import|export)\b[^'"]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]/g;
  return [...source.matchAll(pattern)].map((match) => match[1] ?? match[2] ?? '');
}

describe('policies folder', () => {
  it('has source files', () => {
    expect(sourceFiles).toContain('index.ts');
  });

  it.each(sourceFiles)('%s imports only sibling files', (name) => {
    const source = readFileSync(path.join(policiesFolder, name), 'utf8');

    for (const specifier of moduleSpecifiers(source)) {
      expect(specifier).toMatch(/^\.\/[a-z0-9-.]+\.js$/);
    }
  });

  it.each(sourceFiles)('%s reads no clock or environment', (name) => {
    const source = readFileSync(path.join(policiesFolder, name), 'utf8');

    expect(source).not.toMatch(/Date\.now\s*\(/);
    expect(source).not.toMatch(/new Date\(\s*\)/);
    expect(source).not.toMatch(/performance\.now/);
    expect(source).not.toMatch(/\bprocess\./);
  });
});
