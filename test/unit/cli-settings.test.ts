import { describe, expect, it } from 'vitest';
import { findElectronRuntime } from '../../src-main/launcher';
import { ALERTMANAGER_BODY_LIMIT_MAX, ALERTMANAGER_BODY_LIMIT_MIN } from '../../src-main/limits';
import { appOptionsOf, defaultDataDir, maskedDatabaseUrl, parseServeArgs, UsageError } from '../../src-main/settings-env';

describe('serve settings', () => {
  it('defaults to 127.0.0.1:8080 and the user data folder', () => {
    expect(parseServeArgs([], { HOME: '/home/u', XDG_DATA_HOME: '/x' })).toEqual({ host: '127.0.0.1', port: 8080, dataDir: '/x/switchyard', apiKey: null, allowedHosts: [], ratePerSecond: null, publicUrl: null, alertmanagerBodyLimit: null, databaseUrl: null, deliveryLeaseMs: null });
  });
  it('takes SWITCHYARD_* variables, and flags over them', () => {
    const env = { SWITCHYARD_HOST: '0.0.0.0', SWITCHYARD_PORT: '9000', SWITCHYARD_DATA_DIR: '/d', SWITCHYARD_API_KEY: 'k', SWITCHYARD_ALLOWED_HOSTS: 'a.lan, b.lan', SWITCHYARD_RATE_LIMIT: '50' };
    expect(parseServeArgs([], env)).toEqual({ host: '0.0.0.0', port: 9000, dataDir: '/d', apiKey: 'k', allowedHosts: ['a.lan', 'b.lan'], ratePerSecond: 50, publicUrl: null, alertmanagerBodyLimit: null, databaseUrl: null, deliveryLeaseMs: null });
    expect(() => parseServeArgs([], { SWITCHYARD_RATE_LIMIT: 'lots' })).toThrow(/SWITCHYARD_RATE_LIMIT/);
    expect(parseServeArgs(['--host', '::1', '--port', '0', '--data-dir', '/e'], env)).toMatchObject({ host: '::1', port: 0, dataDir: '/e' });
  });
  it('takes the public URL from --public-url over SWITCHYARD_PUBLIC_URL, trailing slashes dropped, and refuses one that cannot be a link base', () => {
    expect(parseServeArgs([], { SWITCHYARD_PUBLIC_URL: 'https://hub.example.test/sy/' }).publicUrl).toBe('https://hub.example.test/sy');
    expect(parseServeArgs(['--public-url', 'http://flag.lan:8080'], { SWITCHYARD_PUBLIC_URL: 'https://hub.example.test' }).publicUrl).toBe('http://flag.lan:8080');
    expect(() => parseServeArgs(['--public-url', 'ftp://x'], {})).toThrow(new UsageError('--public-url: must be an http or https URL'));
    expect(() => parseServeArgs([], { SWITCHYARD_PUBLIC_URL: 'https://x.test/?a=1' })).toThrow(/^SWITCHYARD_PUBLIC_URL: must not have a query or fragment/);
  });
  it('takes the Alertmanager body limit in bytes from the flag or SWITCHYARD_ALERTMANAGER_BODY_LIMIT, within its range', () => {
    const mib64 = String(64 * 1024 * 1024);
    expect(parseServeArgs([], { SWITCHYARD_ALERTMANAGER_BODY_LIMIT: mib64 }).alertmanagerBodyLimit).toBe(64 * 1024 * 1024);
    expect(parseServeArgs(['--alertmanager-body-limit', String(ALERTMANAGER_BODY_LIMIT_MAX)], { SWITCHYARD_ALERTMANAGER_BODY_LIMIT: mib64 }).alertmanagerBodyLimit).toBe(ALERTMANAGER_BODY_LIMIT_MAX);
    expect(appOptionsOf(parseServeArgs(['--alertmanager-body-limit', mib64], {})).alertmanagerBodyLimit).toBe(64 * 1024 * 1024);
    expect(appOptionsOf(parseServeArgs([], {})).alertmanagerBodyLimit).toBeUndefined();
    expect(() => parseServeArgs(['--alertmanager-body-limit', '32MB'], {})).toThrow(/^--alertmanager-body-limit: "32MB" is not a number of bytes/);
    expect(() => parseServeArgs([], { SWITCHYARD_ALERTMANAGER_BODY_LIMIT: String(ALERTMANAGER_BODY_LIMIT_MIN - 1) })).toThrow(UsageError);
    expect(() => parseServeArgs([], { SWITCHYARD_ALERTMANAGER_BODY_LIMIT: String(ALERTMANAGER_BODY_LIMIT_MAX + 1) })).toThrow(/^SWITCHYARD_ALERTMANAGER_BODY_LIMIT: /);
  });
  it('takes the database URL from --database-url over SWITCHYARD_DATABASE_URL, refuses what is not a postgres URL, and masks its password when shown', () => {
    const env = { SWITCHYARD_DATABASE_URL: 'postgres://sy:secret@db.lan:5432/switchyard' };
    expect(parseServeArgs([], env).databaseUrl).toBe('postgres://sy:secret@db.lan:5432/switchyard');
    expect(appOptionsOf(parseServeArgs(['--database-url', 'postgresql://127.0.0.1/other'], env)).databaseUrl).toBe('postgresql://127.0.0.1/other');
    expect(() => parseServeArgs(['--database-url', 'mysql://db/x'], {})).toThrow(new UsageError('--database-url: must be a postgres:// URL, not mysql://'));
    expect(() => parseServeArgs([], { SWITCHYARD_DATABASE_URL: 'db.lan:5432' })).toThrow(/^SWITCHYARD_DATABASE_URL: /);
    expect(maskedDatabaseUrl(env.SWITCHYARD_DATABASE_URL)).toBe('postgres://sy:***@db.lan:5432/switchyard');
    expect(maskedDatabaseUrl('postgres://sy@db.lan/switchyard?sslmode=require&password=s3cret')).toBe('postgres://sy@db.lan/switchyard?sslmode=require&password=***');
  });
  it('takes the delivery lease of an instance sharing a database from SWITCHYARD_DELIVERY_LEASE_MS, within bounds', () => {
    expect(appOptionsOf(parseServeArgs([], { SWITCHYARD_DELIVERY_LEASE_MS: '2000' })).delivery).toEqual({ leaseMs: 2000 });
    expect(appOptionsOf(parseServeArgs([], {})).delivery).toBeUndefined();
    expect(() => parseServeArgs([], { SWITCHYARD_DELIVERY_LEASE_MS: '10' })).toThrow(/^SWITCHYARD_DELIVERY_LEASE_MS: "10" is not a number of milliseconds/);
    expect(() => parseServeArgs([], { SWITCHYARD_DELIVERY_LEASE_MS: '2s' })).toThrow(UsageError);
  });
  it('rejects bad ports and unknown flags with a usage error', () => {
    expect(() => parseServeArgs(['--port', 'http'], {})).toThrow(UsageError);
    expect(() => parseServeArgs(['--port', '70000'], {})).toThrow(/not a port number/);
    expect(() => parseServeArgs(['--verbose'], {})).toThrow(UsageError);
  });
  it('puts data under ~/.local/share without XDG_DATA_HOME', () => {
    expect(defaultDataDir({})).toMatch(/\.local\/share\/switchyard$/);
  });
});

describe('electron runtime detection', () => {
  it('falls back when the package or its binary is missing, or there is no display', () => {
    expect(findElectronRuntime(() => { throw new Error('Cannot find module'); }, {}, 'linux')).toEqual({ ok: false, reason: 'the Electron runtime is not installed' });
    expect(findElectronRuntime(() => '/nonexistent/electron', { DISPLAY: ':0' }, 'linux')).toEqual({ ok: false, reason: 'the Electron runtime is not installed' });
    expect(findElectronRuntime(() => process.execPath, {}, 'linux')).toEqual({ ok: false, reason: 'there is no display to open a window on' });
    expect(findElectronRuntime(() => process.execPath, { DISPLAY: ':0' }, 'linux')).toEqual({ ok: true, path: process.execPath });
  });
});
