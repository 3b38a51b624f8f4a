import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openDatabase } from '../../src/services/store/database.ts';
import { SettingsStore } from '../../src/services/store/settings-store.ts';
import { impactOf, type ServerSettings } from '../../src/services/settings/server-settings.ts';
import { tempDatabase } from './temp-db.ts';

const seed: ServerSettings = {
  linkHost: null,
  realityTarget: 'www.example.com:443',
  realityServerNames: ['www.example.com'],
  realityFingerprint: 'chrome',
  allowPrivateDestinations: false,
  accessLog: false,
};

describe('SettingsStore', () => {
  test('starts from the seed and keeps it, so later seeds (new flag defaults) change nothing', () => {
    const { db, path } = tempDatabase();
    assert.deepEqual(new SettingsStore(db, seed).get(), seed);
    db.close();
    const reopened = openDatabase(path);
    assert.deepEqual(new SettingsStore(reopened, { ...seed, realityTarget: 'other.example.net:443' }).get(), seed);
    reopened.close();
  });

  test('stores each change, and a reopened store reads it back', () => {
    const { db, path } = tempDatabase();
    const store = new SettingsStore(db, seed);
    const changed = store.update({ realityServerNames: ['a.example.com', 'b.example.com'], allowPrivateDestinations: true, linkHost: 'vpn.example.com' });
    assert.deepEqual(changed.realityServerNames, ['a.example.com', 'b.example.com']);
    assert.equal(changed.realityTarget, seed.realityTarget);
    assert.equal(changed.linkHost, 'vpn.example.com');
    db.close();
    const reopened = openDatabase(path);
    assert.deepEqual(new SettingsStore(reopened, seed).get(), changed);
    reopened.close();
  });
});

describe('impactOf', () => {
  test('routing and logging need a restart, Reality the inbounds, the fingerprint and link host only the links', () => {
    assert.equal(impactOf(seed, { ...seed, allowPrivateDestinations: true }), 'restart');
    assert.equal(impactOf(seed, { ...seed, accessLog: true }), 'restart');
    assert.equal(impactOf(seed, { ...seed, realityTarget: 'x.example.com:443' }), 'inbounds');
    assert.equal(impactOf(seed, { ...seed, realityServerNames: ['x.example.com'] }), 'inbounds');
    assert.equal(impactOf(seed, { ...seed, realityFingerprint: 'firefox' }), 'links');
    assert.equal(impactOf(seed, { ...seed, linkHost: 'vpn.example.com' }), 'links');
    assert.equal(impactOf({ ...seed, linkHost: 'vpn.example.com' }, seed), 'links');
    assert.equal(impactOf(seed, { ...seed }), undefined);
  });
});
