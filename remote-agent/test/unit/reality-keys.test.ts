import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { generateRealityKeys, loadOrCreateRealityKeys, publicKeyOf } from '../../src/services/xray/reality-keys.ts';

const BASE64URL_32_BYTES = /^[A-Za-z0-9_-]{43}$/;

describe('generateRealityKeys', () => {
  test('gives an x25519 pair whose public key derives from the private one', () => {
    const keys = generateRealityKeys();
    assert.equal(publicKeyOf(keys.privateKey), keys.publicKey);
    assert.notEqual(keys.privateKey, keys.publicKey);
  });

  test('encodes both keys as 32 bytes of unpadded base64url', () => {
    const keys = generateRealityKeys();
    for (const key of [keys.privateKey, keys.publicKey]) {
      assert.match(key, BASE64URL_32_BYTES);
      assert.equal(Buffer.from(key, 'base64url').length, 32);
    }
  });

  test('gives non-empty shortIds of even-length hex, at most 16 characters', () => {
    const { shortIds } = generateRealityKeys();
    assert.ok(shortIds.length > 0);
    for (const id of shortIds) assert.match(id, /^(?:[0-9a-f]{2}){1,8}$/);
  });

  test('gives a new identity each time', () => {
    const [a, b] = [generateRealityKeys(), generateRealityKeys()];
    assert.notEqual(a.privateKey, b.privateKey);
    assert.notDeepEqual(a.shortIds, b.shortIds);
  });
});

describe('publicKeyOf', () => {
  test('matches a known X25519 pair (RFC 7748, section 6.1)', () => {
    const alicePrivate = Buffer.from('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a', 'hex');
    const alicePublic = Buffer.from('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a', 'hex');
    assert.equal(publicKeyOf(alicePrivate.toString('base64url')), alicePublic.toString('base64url'));
  });

  test('rejects text that is not 32 bytes of canonical base64url', () => {
    const valid = generateRealityKeys().privateKey;
    const junk = [
      '',
      'not a key',
      valid.slice(0, 42),
      `${valid}A`,
      `${valid}=`,
      valid.replace(/[-_]/g, '+').replace(/^./, '+'), // base64, not base64url
      Buffer.alloc(31).toString('base64url'),
      Buffer.alloc(33).toString('base64url'),
    ];
    for (const text of junk) assert.equal(publicKeyOf(text), undefined, JSON.stringify(text));
  });
});

describe('loadOrCreateRealityKeys', () => {
  const dirs: string[] = [];
  const tempDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keyport-reality-'));
    dirs.push(dir);
    return dir;
  };
  after(async () => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

  test('creates the key file readable by its owner only on first start', async () => {
    const dir = await tempDir();
    const keys = await loadOrCreateRealityKeys(dir);
    const file = join(dir, 'reality-keys.json');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.deepEqual(JSON.parse(await readFile(file, 'utf8')), keys);
    assert.equal(publicKeyOf(keys.privateKey), keys.publicKey);
  });

  test('returns the same keys on the next start', async () => {
    const dir = await tempDir();
    const first = await loadOrCreateRealityKeys(dir);
    assert.deepEqual(await loadOrCreateRealityKeys(dir), first);
  });

  test('refuses a damaged key file instead of replacing the identity', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'reality-keys.json'), '{ not json');
    await assert.rejects(loadOrCreateRealityKeys(dir), SyntaxError);
    assert.equal(await readFile(join(dir, 'reality-keys.json'), 'utf8'), '{ not json');
  });
});
