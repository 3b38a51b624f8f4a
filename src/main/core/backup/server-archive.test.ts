import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { KeyportError } from '../../../shared/contract/errors.ts';
import { ARCHIVE_HEADER_BYTES, readServerArchive, writeServerArchive } from './server-archive.ts';

const dir = mkdtempSync(join(tmpdir(), 'keyport-archive-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const file = (name: string) => join(dir, `${(files += 1)}-${name}`);
const PASSPHRASE = 'correct horse battery staple';
const MAGIC_LENGTH = 'KPSRVBAK'.length;
const coded = (code: string, where?: string) => (error: unknown) =>
  error instanceof KeyportError && error.code === code && (where === undefined || String(error.facts.where).includes(where));

async function archiveOf(contents: Buffer): Promise<string> {
  const plain = file('snapshot.db');
  writeFileSync(plain, contents);
  const archive = file('server.kpbak');
  // The cheapest cost a reader takes, to keep the suite quick; the first test writes at the default.
  await writeServerArchive(plain, archive, PASSPHRASE, { log2N: 15, r: 8, p: 1 });
  return archive;
}

const flipByte = (path: string, at: number) => {
  const bytes = readFileSync(path);
  bytes[at]! ^= 0x01;
  writeFileSync(path, bytes);
};

describe('server backup archives', () => {
  const contents = Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(300_000, 7), Buffer.from('the end')]);

  test('what is written reads back the same, and holds none of the plain bytes', async () => {
    const plain = file('snapshot.db');
    writeFileSync(plain, contents);
    const archive = file('server.kpbak');
    await writeServerArchive(plain, archive, PASSPHRASE);
    assert.equal(readFileSync(archive)[MAGIC_LENGTH + 2], 17, 'scrypt N = 2^17 by default');
    assert.equal(statSync(archive).mode & 0o777, 0o600);
    assert.equal(statSync(archive).size, ARCHIVE_HEADER_BYTES + contents.length + 16);
    assert.ok(!readFileSync(archive).includes(Buffer.from('SQLite format 3')));
    const out = file('restored.db');
    await readServerArchive(archive, out, PASSPHRASE);
    assert.ok(readFileSync(out).equals(contents));
  });

  test('a wrong passphrase is told apart from damage, and writes nothing', async () => {
    const archive = await archiveOf(contents);
    const out = file('restored.db');
    await assert.rejects(readServerArchive(archive, out, 'not the passphrase'), coded('backup-passphrase-wrong'));
    assert.ok(!existsSync(out));
  });

  test('a byte flipped in the contents, the tag or the header is damage, and leaves no output', async () => {
    for (const at of [ARCHIVE_HEADER_BYTES + 10, -1, 20, ARCHIVE_HEADER_BYTES - 1]) {
      const archive = await archiveOf(contents);
      flipByte(archive, at < 0 ? statSync(archive).size + at : at);
      const out = file('restored.db');
      await assert.rejects(readServerArchive(archive, out, PASSPHRASE), coded('backup-damaged'), `byte ${at}`);
      assert.ok(!existsSync(out), `byte ${at}`);
    }
  });

  test('a file cut short anywhere, or not an archive at all, is damage', async () => {
    for (const length of [0, 5, ARCHIVE_HEADER_BYTES - 1, ARCHIVE_HEADER_BYTES + 3, ARCHIVE_HEADER_BYTES + 1000]) {
      const archive = await archiveOf(contents);
      truncateSync(archive, length);
      await assert.rejects(readServerArchive(archive, file('restored.db'), PASSPHRASE), coded('backup-damaged'), `cut at ${length}`);
    }
    const plain = file('snapshot.db');
    writeFileSync(plain, contents);
    await assert.rejects(readServerArchive(plain, file('restored.db'), PASSPHRASE), coded('backup-damaged', 'not a Keyport server backup'));
  });

  test('a short passphrase is refused before anything is written', async () => {
    const plain = file('snapshot.db');
    writeFileSync(plain, contents);
    const archive = file('server.kpbak');
    await assert.rejects(writeServerArchive(plain, archive, 'short'), coded('bad-input'));
    assert.ok(!existsSync(archive));
  });
});
