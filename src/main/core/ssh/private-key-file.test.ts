import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isKeyportError } from '../../../shared/contract/errors.ts';
import { checkPassphrase, keyNeedsPassphrase, readPrivateKeyFile } from './private-key-file.ts';

const PASSPHRASE = 'right horse battery';

function unusable(problem: string, file?: string) {
  return (error: unknown) => {
    assert.ok(isKeyportError(error), String(error));
    assert.equal(error.code, 'ssh-key-unusable');
    assert.equal(error.facts.problem, problem);
    if (file !== undefined) {
      assert.equal(error.facts.file, file);
      assert.ok(error.message.includes(file), error.message);
    }
    assert.ok(!/tries again/.test(error.message), error.message);
    assert.ok(!error.message.includes(PASSPHRASE) && !error.message.includes('wrong staple'), 'no passphrase in the message');
    return true;
  };
}

describe('private key files', () => {
  let dir: string;
  let plain: string;
  let locked: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'keyport-key-file-'));
    plain = join(dir, 'id_ed25519');
    locked = join(dir, 'locked_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', plain]);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', PASSPHRASE, '-f', locked]);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a private key file is read as it is', () => {
    assert.deepEqual(readPrivateKeyFile(plain), readFileSync(plain));
    assert.equal(keyNeedsPassphrase(readPrivateKeyFile(plain)), false);
  });

  test('a file that is not there is "missing", naming it', () => {
    const file = join(dir, 'id_gone');
    assert.throws(() => readPrivateKeyFile(file), unusable('missing', file));
  });

  test('a path that cannot be read as a file is "unreadable"', () => {
    const file = join(dir, 'a-directory');
    mkdirSync(file);
    assert.throws(() => readPrivateKeyFile(file), unusable('unreadable', file));
  });

  test('a public key or any other text is "not-a-private-key"', () => {
    assert.throws(() => readPrivateKeyFile(`${plain}.pub`), unusable('not-a-private-key', `${plain}.pub`));
    const notes = join(dir, 'notes.txt');
    writeFileSync(notes, 'hello\n');
    assert.throws(() => readPrivateKeyFile(notes), unusable('not-a-private-key', notes));
  });

  test('a passphrase-protected key reads, and then needs its own passphrase', () => {
    const contents = readPrivateKeyFile(locked);
    assert.equal(keyNeedsPassphrase(contents), true);
    assert.throws(() => checkPassphrase(contents, undefined, locked), unusable('passphrase-needed', locked));
    assert.throws(() => checkPassphrase(contents, 'wrong staple', locked, { server: 'alpha' }), (error: unknown) => {
      unusable('passphrase-wrong', locked)(error);
      assert.equal(isKeyportError(error) && error.facts.server, 'alpha');
      return true;
    });
    checkPassphrase(contents, PASSPHRASE, locked);
    checkPassphrase(readPrivateKeyFile(plain), undefined, plain);
  });
});
