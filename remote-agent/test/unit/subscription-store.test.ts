import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openDatabase } from '../../src/services/store/database.ts';
import { KeyStore } from '../../src/services/store/key-store.ts';
import { SubscriptionStore } from '../../src/services/subscriptions/subscription-store.ts';
import { rowCount, tempDatabase } from './temp-db.ts';

const RANGE = { from: 10001, to: 10010 };
const addKey = (store: KeyStore, name: string) => store.create({ id: `id-${name}`, name, uuid: `uuid-${name}`, createdAtMs: 1 }, RANGE, () => false);

describe('SubscriptionStore', () => {
  test('keys of a database from before subscriptions get a token of 192 random bits at open', () => {
    const { db, path } = tempDatabase();
    const keys = new KeyStore(db);
    addKey(keys, 'a');
    addKey(keys, 'b');
    // What a database from before holds: keys, no subscription rows.
    db.exec('DROP TABLE key_subscriptions');
    db.close();
    const reopened = openDatabase(path);
    const store = new SubscriptionStore(reopened);
    const tokens = ['id-a', 'id-b'].map((id) => store.tokenOf(id));
    for (const token of tokens) assert.match(token ?? '', /^[A-Za-z0-9_-]{32}$/);
    assert.notEqual(tokens[0], tokens[1]);
    assert.equal(store.find(tokens[0]!), 'id-a');
    reopened.close();
  });

  test('rotate: the old token finds nothing at once, the new one finds the key, also after a reopen', () => {
    const { db, path } = tempDatabase();
    const store = new SubscriptionStore(db);
    addKey(new KeyStore(db), 'a');
    store.issue(['id-a']);
    const old = store.tokenOf('id-a')!;
    const fresh = store.rotate('id-a');
    assert.notEqual(fresh, old);
    assert.equal(store.find(old), undefined);
    assert.equal(store.find(fresh), 'id-a');
    db.close();
    const again = new SubscriptionStore(openDatabase(path));
    assert.equal(again.find(old), undefined);
    assert.equal(again.find(fresh), 'id-a');
  });

  test('a bundle is stored and read back; a key deleted takes its row and its token with it', () => {
    const { db } = tempDatabase();
    const keys = new KeyStore(db);
    addKey(keys, 'a');
    const store = new SubscriptionStore(db);
    store.issue(['id-a']);
    store.setBundles([{ keyId: 'id-a', links: ['vless://x', 'vless://y'] }]);
    assert.deepEqual(new SubscriptionStore(db).links('id-a'), ['vless://x', 'vless://y']);
    const token = store.tokenOf('id-a')!;
    keys.delete('id-a');
    store.forget('id-a');
    assert.equal(store.find(token), undefined);
    assert.equal(rowCount(db, 'key_subscriptions'), 0, 'ON DELETE CASCADE');
  });

  test('a database from before bundle usage gets the column at open: its tokens and links kept, usage null until pushed', () => {
    const { db, path } = tempDatabase();
    addKey(new KeyStore(db), 'a');
    // key_subscriptions as the agent made it before usage.
    db.exec('DROP TABLE key_subscriptions');
    db.exec(`CREATE TABLE key_subscriptions (
      key_id TEXT PRIMARY KEY REFERENCES keys(id) ON DELETE CASCADE,
      token  TEXT NOT NULL UNIQUE,
      links  TEXT NOT NULL DEFAULT '[]'
    ) WITHOUT ROWID`);
    db.exec(`INSERT INTO key_subscriptions (key_id, token, links) VALUES ('id-a', 'token-of-a', '["vless://x"]')`);
    db.close();
    const reopened = openDatabase(path);
    const store = new SubscriptionStore(reopened);
    assert.equal(store.find('token-of-a'), 'id-a');
    assert.deepEqual(store.links('id-a'), ['vless://x']);
    assert.equal(store.usage('id-a'), null);
    const usage = { usedBytes: 1234, limitBytes: null, syncedAtMs: Date.UTC(2026, 11, 2, 6) };
    store.setBundles([{ keyId: 'id-a', usage }]);
    reopened.close();
    const again = new SubscriptionStore(openDatabase(path));
    assert.deepEqual([again.links('id-a'), again.usage('id-a')], [['vless://x'], usage]);
  });

  test('setBundles writes all or none: a change for a key without a row refuses the lot, in memory and on disk', () => {
    const { db } = tempDatabase();
    const keys = new KeyStore(db);
    addKey(keys, 'a');
    const store = new SubscriptionStore(db);
    store.issue(['id-a']);
    const usage = { usedBytes: 1, limitBytes: 2, syncedAtMs: 3 };
    assert.throws(() => store.setBundles([{ keyId: 'id-a', links: ['vless://x'], usage }, { keyId: 'id-missing', links: [] }]), /id-missing has no subscription row/);
    assert.deepEqual([store.links('id-a'), store.usage('id-a')], [[], null]);
    const reread = new SubscriptionStore(db);
    assert.deepEqual([reread.links('id-a'), reread.usage('id-a')], [[], null]);
  });

  test('find refuses a token that differs in one character, and the empty token', () => {
    const { db } = tempDatabase();
    addKey(new KeyStore(db), 'a');
    const store = new SubscriptionStore(db);
    store.issue(['id-a']);
    const token = store.tokenOf('id-a')!;
    const flipped = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    assert.equal(store.find(flipped), undefined);
    assert.equal(store.find(''), undefined);
  });
});
