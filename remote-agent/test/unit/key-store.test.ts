import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DatabaseSync } from 'node:sqlite';
import { NameTakenError, KeyStore, NO_LIMITS, PortsExhaustedError, type NewKey } from '../../src/services/store/key-store.ts';
import { openDatabase } from '../../src/services/store/database.ts';
import { rowCount, tempDatabase } from './temp-db.ts';

const RANGE = { from: 10001, to: 10010 };
const nothingBusy = () => false;
const busy =
  (...ports: number[]) =>
  (port: number) =>
    ports.includes(port);

let serial = 0;
const newKey = (name: string, createdAtMs = ++serial): NewKey => ({ id: `id-${name}`, name, uuid: `uuid-${name}`, createdAtMs });

const portsOf = (store: KeyStore) => Object.fromEntries(store.list().map((key) => [key.name, key.port]));

describe('KeyStore.create', () => {
  test('stores an active key on the first port of the range and reads it back', () => {
    const store = new KeyStore(tempDatabase().db);
    const created = store.create(newKey('a', 1000), RANGE, nothingBusy);
    assert.deepEqual(created, {
      id: 'id-a',
      name: 'a',
      uuid: 'uuid-a',
      createdAtMs: 1000,
      port: 10001,
      isActive: true,
      ...NO_LIMITS,
      periodStartedAtMs: null,
      limitStatus: 'active',
    });
    assert.deepEqual(store.get('id-a'), created);
    assert.deepEqual(store.list(), [created]);
  });

  test('skips ports something else listens on and ports other keys hold', () => {
    const store = new KeyStore(tempDatabase().db);
    assert.equal(store.create(newKey('a'), RANGE, busy(10001)).port, 10002);
    assert.equal(store.create(newKey('b'), RANGE, busy(10001, 10003)).port, 10004);
    assert.equal(store.create(newKey('c'), RANGE, busy(10001)).port, 10003);
  });

  test('a deleted key frees its port for the next key', () => {
    const store = new KeyStore(tempDatabase().db);
    store.create(newKey('a'), RANGE, nothingBusy);
    store.create(newKey('b'), RANGE, nothingBusy);
    assert.equal(store.delete('id-a'), true);
    assert.equal(store.get('id-a'), undefined);
    assert.equal(store.create(newKey('c'), RANGE, nothingBusy).port, 10001);
  });

  test('a port freed below the keys\' block is the next one handed out, then the scan goes on past the block', () => {
    const store = new KeyStore(tempDatabase().db);
    for (const name of ['a', 'b', 'c', 'd']) store.create(newKey(name), RANGE, nothingBusy);
    store.delete('id-b');
    assert.equal(store.create(newKey('e'), RANGE, nothingBusy).port, 10002);
    assert.equal(store.create(newKey('f'), RANGE, nothingBusy).port, 10005);
    assert.equal(store.lowestFreePort({ from: 10003, to: 10010 }, nothingBusy), 10006);
    assert.equal(store.createOnPort(newKey('g'), 10008).port, 10008);
    assert.throws(() => store.createOnPort(newKey('h'), 10008), /held by a key/);
    assert.equal(store.lowestFreePort(RANGE, busy(10006)), 10007);
  });

  test('deleting an unknown key reports that nothing was deleted', () => {
    assert.equal(new KeyStore(tempDatabase().db).delete('missing'), false);
  });

  test('throws PortsExhaustedError when the range is full, and stores nothing', () => {
    const { db } = tempDatabase();
    const store = new KeyStore(db);
    const small = { from: 10001, to: 10002 };
    store.create(newKey('a'), small, nothingBusy);
    assert.throws(() => store.create(newKey('b'), small, busy(10002)), PortsExhaustedError);
    assert.deepEqual(store.list().map((key) => key.name), ['a']);
    assert.equal(rowCount(db, 'key_totals'), 1);
    // The failed attempt left no transaction open: the store still works.
    assert.equal(store.create(newKey('c'), small, nothingBusy).port, 10002);
  });

  test('setActive switches a key off and on', () => {
    const store = new KeyStore(tempDatabase().db);
    store.create(newKey('a'), RANGE, nothingBusy);
    store.setActive('id-a', false);
    assert.equal(store.get('id-a')?.isActive, false);
    store.setActive('id-a', true);
    assert.equal(store.get('id-a')?.isActive, true);
  });
});

describe('KeyStore.reassignPorts', () => {
  test('compacts keys, oldest first, to the start of the range and reports each move', () => {
    const store = new KeyStore(tempDatabase().db);
    // Created out of age order, so the newest key got the lowest port.
    store.create(newKey('newest', 300), RANGE, nothingBusy);
    store.create(newKey('gone', 50), RANGE, nothingBusy);
    store.create(newKey('oldest', 100), RANGE, nothingBusy);
    store.create(newKey('middle', 200), RANGE, nothingBusy);
    store.delete('id-gone');
    assert.deepEqual(portsOf(store), { oldest: 10003, middle: 10004, newest: 10001 });

    const moves = store.reassignPorts(RANGE, nothingBusy);
    assert.deepEqual(portsOf(store), { oldest: 10001, middle: 10002, newest: 10003 });
    assert.deepEqual(moves, [
      { keyId: 'id-oldest', oldPort: 10003, newPort: 10001 },
      { keyId: 'id-middle', oldPort: 10004, newPort: 10002 },
      { keyId: 'id-newest', oldPort: 10001, newPort: 10003 },
    ]);
  });

  test('skips ports other programs listen on but not the keys\' own ports, and reports only real moves', () => {
    const store = new KeyStore(tempDatabase().db);
    store.create(newKey('a'), RANGE, busy(10001));
    store.create(newKey('b'), RANGE, busy(10001, 10003));
    assert.deepEqual(portsOf(store), { a: 10002, b: 10004 });
    // Xray listens on 10002 and 10004 itself; 10001 is someone else's.
    const moves = store.reassignPorts(RANGE, busy(10001, 10002, 10004));
    assert.deepEqual(portsOf(store), { a: 10002, b: 10003 });
    assert.deepEqual(moves, [{ keyId: 'id-b', oldPort: 10004, newPort: 10003 }]);
  });

  test('changes nothing when the keys no longer fit the range', () => {
    const store = new KeyStore(tempDatabase().db);
    store.create(newKey('a'), RANGE, nothingBusy);
    store.create(newKey('b'), RANGE, nothingBusy);
    assert.throws(() => store.reassignPorts({ from: 10005, to: 10006 }, busy(10006)), PortsExhaustedError);
    assert.deepEqual(portsOf(store), { a: 10001, b: 10002 });
  });
});

describe('KeyStore names', () => {
  const keyWithName = (id: string, name: string, createdAtMs = ++serial): NewKey => ({ id, name, uuid: `uuid-${id}`, createdAtMs });

  test('refuses a second key with the same name in another case or Unicode form, and stores nothing', () => {
    const { db } = tempDatabase();
    const store = new KeyStore(db);
    store.create(keyWithName('k1', 'Amélie 📱'), RANGE, nothingBusy);
    for (const name of ['Amélie 📱', 'AMÉLIE 📱', 'Ame\u0301lie 📱']) {
      assert.throws(
        () => store.create(keyWithName('k2', name), RANGE, nothingBusy),
        (error: unknown) => error instanceof NameTakenError && error.holderKeyId === 'k1',
      );
    }
    assert.equal(rowCount(db, 'keys'), 1);
    assert.equal(rowCount(db, 'key_totals'), 1);
  });

  test('the database itself refuses a duplicate name, whatever the store remembers', () => {
    const { db } = tempDatabase();
    new KeyStore(db).create(keyWithName('k1', 'anna'), RANGE, nothingBusy);
    assert.throws(
      () => db.prepare("INSERT INTO keys (id, name, uuid, port, created_at_ms, name_key) VALUES ('k2', 'ANNA', 'u2', 10002, 0, 'anna')").run(),
      /UNIQUE constraint failed: keys.name_key/,
    );
  });

  test('rename: a free name or the key\'s own in another case is taken; another key\'s name is refused', () => {
    const { db, path } = tempDatabase();
    const store = new KeyStore(db);
    store.create(keyWithName('k1', 'anna'), RANGE, nothingBusy);
    store.create(keyWithName('k2', 'boris'), RANGE, nothingBusy);
    assert.throws(() => store.rename('k2', 'Anna'), NameTakenError);
    assert.equal(store.get('k2')?.name, 'boris');
    assert.equal(store.rename('k1', 'Anna')?.name, 'Anna');
    assert.equal(store.rename('k2', 'Мама 📱')?.name, 'Мама 📱');
    // The old name is free again, and the new one held, also after a restart.
    assert.equal(store.create(keyWithName('k3', 'boris'), RANGE, nothingBusy).name, 'boris');
    assert.throws(() => store.create(keyWithName('k4', 'МАМА 📱'), RANGE, nothingBusy), NameTakenError);
    db.close();
    const reopened = new KeyStore(openDatabase(path));
    assert.deepEqual(reopened.list().map((key) => key.name), ['Anna', 'Мама 📱', 'boris']);
    assert.throws(() => reopened.rename('k3', 'anna'), NameTakenError);
    assert.equal(reopened.rename('missing', 'x'), undefined);
  });

  test('a database from before names were unique opens with its duplicates; the oldest key holds the name', () => {
    const { path } = tempDatabase();
    // The keys table as it was: no name_key column, the same name twice (in two cases) and once more.
    writeOldKeysTable(`${path}.old`, "('young', 'Anna', 'u1', 10001, 300), ('old', 'anna', 'u2', 10002, 100), ('other', 'boris', 'u3', 10003, 200)");
    const db = openDatabase(`${path}.old`);
    const store = new KeyStore(db);
    assert.deepEqual(store.list().map((key) => key.id), ['old', 'other', 'young']);
    assert.throws(
      () => store.create(keyWithName('new', 'ANNA'), RANGE, nothingBusy),
      (error: unknown) => error instanceof NameTakenError && error.holderKeyId === 'old',
    );
    // The younger duplicate may keep its name (in any case), but not take another key's.
    assert.equal(store.rename('young', 'ANNA')?.name, 'ANNA');
    assert.throws(() => store.rename('young', 'boris'), NameTakenError);
    // When the holder goes, the duplicate left takes the name over: no third key can join it.
    store.delete('old');
    assert.throws(
      () => store.create(keyWithName('new', 'anna'), RANGE, nothingBusy),
      (error: unknown) => error instanceof NameTakenError && error.holderKeyId === 'young',
    );
    db.close();
    const reopened = new KeyStore(openDatabase(`${path}.old`));
    assert.throws(() => reopened.create(keyWithName('new', 'anna'), RANGE, nothingBusy), NameTakenError);
    assert.equal(reopened.create(keyWithName('new', 'anna 2'), RANGE, nothingBusy).port, 10002);
  });

  test('a duplicate renamed away frees nothing the holder still has', () => {
    const { path } = tempDatabase();
    writeOldKeysTable(`${path}.dup`, "('a1', 'same', 'u1', 10001, 1), ('a2', 'same', 'u2', 10002, 2)");
    const store = new KeyStore(openDatabase(`${path}.dup`));
    assert.equal(store.rename('a2', 'different')?.name, 'different');
    assert.throws(() => store.create(keyWithName('a3', 'same'), RANGE, nothingBusy), NameTakenError);
    assert.throws(() => store.create(keyWithName('a3', 'Different'), RANGE, nothingBusy), NameTakenError);
  });
});

/** A database whose keys table is as it was before names were unique (no name_key column), holding `rows` (id, name, uuid, port, created_at_ms). */
function writeOldKeysTable(path: string, rows: string): void {
  const old = new DatabaseSync(path);
  old.exec(`
    CREATE TABLE keys (id TEXT PRIMARY KEY, name TEXT NOT NULL, uuid TEXT NOT NULL UNIQUE, port INTEGER NOT NULL UNIQUE,
      is_active INTEGER NOT NULL DEFAULT 1, created_at_ms INTEGER NOT NULL);
    INSERT INTO keys (id, name, uuid, port, created_at_ms) VALUES ${rows};`);
  old.close();
}

describe('KeyStore.createMany', () => {
  test('stores all keys in one go, in order, each on the next free port, skipping busy ones and other keys', () => {
    const { db } = tempDatabase();
    const store = new KeyStore(db);
    store.create(newKey('old'), RANGE, nothingBusy);
    const created = store.createMany([newKey('m1', 1e9), newKey('m2', 1e9), newKey('m3', 1e9)], RANGE, busy(10003));
    assert.deepEqual(created.map((key) => [key.name, key.port, key.isActive]), [['m1', 10002, true], ['m2', 10004, true], ['m3', 10005, true]]);
    assert.deepEqual(store.list().map((key) => key.name), ['old', 'm1', 'm2', 'm3']);
    assert.equal(store.nameHolder('M2')?.id, 'id-m2');
    assert.equal(rowCount(db, 'keys'), 4);
  });

  test('a name a key has, or too few ports: throws with the facts and stores none', () => {
    const { db } = tempDatabase();
    const store = new KeyStore(db);
    store.create(newKey('taken'), RANGE, nothingBusy);
    assert.throws(
      () => store.createMany([newKey('n1'), newKey('TAKEN')], RANGE, nothingBusy),
      (error: unknown) => error instanceof NameTakenError && error.index === 1 && error.holderKeyId === 'id-taken',
    );
    const many = Array.from({ length: 10 }, (_, index) => newKey(`p${index}`));
    assert.throws(
      () => store.createMany(many, RANGE, busy(10010)),
      (error: unknown) => error instanceof PortsExhaustedError && error.requested === 10 && error.available === 8,
    );
    assert.deepEqual(store.list().map((key) => key.name), ['taken']);
    assert.equal(rowCount(db, 'keys'), 1);
    assert.equal(store.nameHolder('n1'), undefined);
  });
});

describe('KeyStore.listById', () => {
  const WIDE = { from: 10001, to: 10400 };
  const idsOf = (keys: readonly { id: string }[]) => keys.map((key) => key.id);
  const sortedIds = (store: KeyStore) => idsOf(store.list()).sort();

  test('every key in id order through creates, changes and deletes, a few at a time or many, each change a new array', () => {
    const { db } = tempDatabase();
    const store = new KeyStore(db);
    for (const name of ['m', 'c', 'x', 'a']) store.create(newKey(name), WIDE, nothingBusy);
    const first = store.listById();
    assert.deepEqual(idsOf(first), ['id-a', 'id-c', 'id-m', 'id-x']);
    assert.equal(store.listById(), first, 'the same array while nothing changed');

    store.setActive('id-c', false);
    store.rename('id-m', 'mm');
    store.delete('id-x');
    store.create(newKey('b'), WIDE, nothingBusy);
    const changed = store.listById();
    assert.deepEqual(idsOf(first), ['id-a', 'id-c', 'id-m', 'id-x'], 'an array handed out never changes');
    assert.deepEqual(idsOf(changed), ['id-a', 'id-b', 'id-c', 'id-m']);
    assert.equal(changed[2]!.isActive, false, 'the changed record, not the old one');
    assert.equal(changed[3]!.name, 'mm');

    store.createMany(Array.from({ length: 100 }, (_, index) => newKey(`bulk-${99 - index}`)), WIDE, nothingBusy);
    store.delete('id-a');
    assert.deepEqual(idsOf(store.listById()), sortedIds(store));
    assert.deepEqual(idsOf(new KeyStore(db).listById()), sortedIds(store), 'as a store reading the table finds them');
  });
});
