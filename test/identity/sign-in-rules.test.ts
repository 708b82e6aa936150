import { describe, expect, it } from 'vitest';

import { meetsMinimumAcr } from '../../server/identity/oidc/acr.js';
import { actorTypeFor, rolesFor, type RoleSources } from '../../server/identity/oidc/account-roles.js';
import { isLoopbackHttp } from '../../server/identity/oidc/relying-party.js';
import { parseReturnTo } from '../../server/identity/oidc/return-to.js';

const PUBLIC_URL = 'https://coffre.example.fr';

describe('parseReturnTo', () => {
  it.each([
    [undefined, '/'],
    ['', '/'],
    ['/', '/'],
    ['/documents?page=2#fin', '/documents?page=2#fin'],
    ['/a/../b', '/b'],
    ['/partages/%2F%2Fautre', '/partages/%2F%2Fautre'],
  ])('accepts %j as %j', (value, expected) => {
    expect(parseReturnTo(value, PUBLIC_URL)).toBe(expected);
  });

  it.each([
    ['https://attacker.example/'],
    ['//attacker.example/'],
    ['/\\attacker.example/'],
    ['/\tattacker'],
    ['documents'],
    ['javascript:alert(1)'],
    [['/a', '/b']],
    [`/${'a'.repeat(1000)}`],
  ])('refuses %j', (value) => {
    expect(parseReturnTo(value, PUBLIC_URL)).toBeNull();
  });
});

describe('meetsMinimumAcr', () => {
  it.each([
    ['eidas1', 'eidas1', true],
    ['eidas2', 'eidas1', true],
    ['eidas3', 'eidas2', true],
    ['eidas2', 'eidas2', true],
    ['eidas1', 'eidas2', false],
    ['eidas2', 'eidas3', false],
    [undefined, 'eidas1', false],
    ['toString', 'eidas1', false],
    ['EIDAS3', 'eidas1', false],
    [3, 'eidas1', false],
  ] as const)('acr %j against minimum %s is %s', (acr, minimum, expected) => {
    expect(meetsMinimumAcr(acr, minimum)).toBe(expected);
  });
});

describe('rolesFor', () => {
  const sources: RoleSources = {
    dpoSubjects: new Set(['sub-dpo']),
    adminSubjects: new Set(['sub-admin']),
    rolesClaim: 'roles',
  };

  it.each([
    ['sub-person', {}, ['person']],
    ['sub-dpo', {}, ['dpo']],
    ['sub-admin', {}, ['admin']],
    ['sub-person', { roles: ['dpo'] }, ['dpo']],
    ['sub-person', { roles: 'admin dpo' }, ['dpo', 'admin']],
    ['sub-person', { roles: ['person', 'superuser'] }, ['person']],
    ['sub-person', { other: ['admin'] }, ['person']],
  ])('gives %s with claims %j the roles %j', (subject, claims, expected) => {
    expect(rolesFor(subject, claims, sources)).toEqual(expected);
  });

  it('ignores the claim when none is configured', () => {
    expect(rolesFor('sub-person', { roles: ['admin'] }, { ...sources, rolesClaim: undefined })).toEqual(['person']);
  });

  it('records the most privileged role as actor type', () => {
    expect(actorTypeFor(['dpo', 'admin'])).toBe('admin');
    expect(actorTypeFor(['dpo'])).toBe('dpo');
    expect(actorTypeFor(['person'])).toBe('person');
  });
});

describe('isLoopbackHttp', () => {
  it.each([
    ['http://127.0.0.1:3000/dev-idp', true],
    ['http://localhost:3000/dev-idp', true],
    ['http://[::1]:3000/dev-idp', true],
    ['http://127.1.2.3/', true],
    ['https://127.0.0.1/', false],
    ['http://192.0.2.10:3000/', false],
    ['http://localhost.attacker.example/', false],
  ])('%s is %s', (url, expected) => {
    expect(isLoopbackHttp(url)).toBe(expected);
  });
});
