import { describe, expect, it } from 'vitest';

import { replaceBlock } from '../../bench/support/report-file.js';

describe('replaceBlock', () => {
  it('replaces only the named block', () => {
    const first = replaceBlock('# Page\n\nkept\n', 'crypto', 'old figures');
    const second = replaceBlock(`${first}\nafter\n`, 'crypto', 'new figures');
    expect(second).toContain('new figures');
    expect(second).not.toContain('old figures');
    expect(second.startsWith('# Page\n\nkept\n')).toBe(true);
    expect(second.trimEnd().endsWith('after')).toBe(true);
  });

  it('appends a block that is missing', () => {
    const text = replaceBlock('# Page\n', 'scale', 'rows');
    expect(text).toMatch(/^# Page\n\n<!-- bench:scale begin .*-->\nrows\n<!-- bench:scale end -->\n$/);
  });
});
