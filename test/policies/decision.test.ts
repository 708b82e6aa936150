import { describe, expect, it } from 'vitest';

import { allow, deny, runChecks, type Check } from '../../policies/index.js';

describe('allow and deny', () => {
  it('build the exact shapes', () => {
    expect(allow()).toStrictEqual({ effect: 'allow' });
    expect(deny('grant_revoked', 403)).toStrictEqual({ effect: 'deny', reason: 'grant_revoked', status: 403 });
  });

  it('allow returns a new object each call', () => {
    expect(allow()).not.toBe(allow());
  });
});

describe('runChecks', () => {
  const pass: Check<number, 'first' | 'second'> = () => null;
  const first: Check<number, 'first' | 'second'> = () => deny('first', 403);
  const second: Check<number, 'first' | 'second'> = () => deny('second', 404);

  it('returns the first denial in list order', () => {
    expect(runChecks(0, [pass, second, first])).toStrictEqual(deny('second', 404));
  });

  it('allows when every check passes', () => {
    expect(runChecks(0, [pass, pass])).toStrictEqual(allow());
  });

  it('stops at the first denial', () => {
    let laterCalls = 0;
    const later: Check<number, 'first'> = () => {
      laterCalls += 1;
      return null;
    };

    runChecks(0, [first, later]);
    expect(laterCalls).toBe(0);
  });

  it('rejects an empty list', () => {
    expect(() => runChecks(0, [])).toThrow(TypeError);
  });
});
