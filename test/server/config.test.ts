import { describe, expect, it } from 'vitest';

import { ConfigError, loadConfig } from '../../server/config/config.js';

describe('loadConfig', () => {
  it('applies the embedded defaults', () => {
    const config = loadConfig({});

    expect(config.port).toBe(3000);
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.database.ownerUrl).toBeUndefined();
    expect(config.oidc.devProvider).toBe(true);
    expect(config.oidc.minAcr).toBe('eidas2');
    expect(config.maxUploadBytes).toBe(50 * 1024 * 1024);
    expect(config.masterKey.file.endsWith('var/master-key.json')).toBe(true);
  });

  it('returns a frozen object', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.database)).toBe(true);
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'not a url'],
    ['COFFRE_MAX_UPLOAD_BYTES', '-1'],
    ['COFFRE_OIDC_MIN_ACR', 'eidas9'],
    ['COFFRE_DB_RUNTIME_ROLE', 'Robert"; drop table'],
    ['COFFRE_DEV_IDP', 'yes'],
  ])('rejects %s=%s naming the variable', (variable, value) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [variable]: value })).toThrow(new RegExp(`^${variable}: `));
  });

  it('refuses the development provider in production', () => {
    const production = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://owner@db.internal/coffre',
      COFFRE_PUBLIC_URL: 'https://coffre.example.fr',
      COFFRE_MASTER_KEY: 'x'.repeat(44),
    };
    expect(() => loadConfig(production)).toThrow(/^COFFRE_DEV_IDP: /);
  });

  it('refuses plain http, the embedded database and a key beside the data in production', () => {
    const base = {
      NODE_ENV: 'production',
      COFFRE_OIDC_ISSUER: 'https://auth.fcp.example.fr/api/v2',
      COFFRE_OIDC_CLIENT_ID: 'client',
      COFFRE_DEV_IDP: 'false',
      DATABASE_URL: 'postgres://owner@db.internal/coffre',
      COFFRE_PUBLIC_URL: 'https://coffre.example.fr',
      COFFRE_DATA_DIR: '/srv/coffre',
      COFFRE_MASTER_KEY_FILE: '/etc/coffre/master-key.json',
    };
    expect(() => loadConfig(base)).not.toThrow();
    expect(() => loadConfig({ ...base, COFFRE_PUBLIC_URL: 'http://coffre.example.fr' })).toThrow(/^COFFRE_PUBLIC_URL: /);
    expect(() => loadConfig({ ...base, DATABASE_URL: undefined })).toThrow(/^DATABASE_URL: /);
    expect(() => loadConfig({ ...base, COFFRE_MASTER_KEY_FILE: '/srv/coffre/master-key.json' })).toThrow(/^COFFRE_MASTER_KEY_FILE: /);
  });

  it('needs issuer and client id for an external provider', () => {
    expect(() => loadConfig({ COFFRE_DEV_IDP: 'false' })).toThrow(/^COFFRE_OIDC_ISSUER: /);
  });
});
