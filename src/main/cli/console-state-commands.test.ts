import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ExportOptions, ExportReport, ImportReport } from '../core/console-state/console-state-service.ts';
import { importedText } from './console-state-words.ts';
import { cliWords } from './i18n/cli-i18n.ts';
import { runInProcess } from './testing/run-in-process.ts';

const written = (passphrase: string): ExportReport => ({
  file: '/tmp/state.json',
  sizeBytes: 2048,
  servers: 2,
  hostKeyPins: 3,
  pendingDisables: 0,
  secrets: passphrase ? ['beta'] : null,
  secretsLeftOut: [],
});

describe('keyport export: the passphrase', () => {
  const exportAsking = (seen: string[]) => ({
    consoleState: {
      export: async (_file: string, options: ExportOptions) => {
        const passphrase = await options.askPassphrase();
        seen.push(passphrase);
        return written(passphrase);
      },
    },
  });

  test('is asked twice with echo off, and the same twice seals the file', async () => {
    const seen: string[] = [];
    const result = await runInProcess(['export', 'state.json', '--with-secrets'], { isTTY: true, stdin: ['a long passphrase\r', 'a long passphrase\r'], services: exportAsking(seen) });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(seen, ['a long passphrase']);
    assert.equal(result.stderr, 'Export passphrase: \nThe same passphrase again: \n', 'the prompts, and nothing typed echoed');
    assert.match(result.stdout, /Secrets: the SSH password or passphrase of beta, encrypted with the passphrase\./);
  });

  test('two that differ write nothing', async () => {
    const seen: string[] = [];
    const result = await runInProcess(['export', 'state.json', '--with-secrets'], { isTTY: true, stdin: ['a long passphrase\r', 'another one\r'], services: exportAsking(seen) });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /the two passphrases differ; nothing was written/);
    assert.deepEqual(seen, []);
  });

  test('without a terminal or --passphrase-file it is refused, not waited for', async () => {
    const result = await runInProcess(['export', 'state.json', '--with-secrets'], { services: exportAsking([]) });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /the export passphrase is needed and there is no terminal to ask on: give --passphrase-file FILE/);
  });
});

test('keyport import never opens the core for a file it cannot read', async () => {
  const result = await runInProcess(['import', '/nonexistent/state.json'], { services: {} });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /cannot read \/nonexistent\/state\.json \(ENOENT\)/);
  assert.equal(result.coreOpened, false);
});

test('the import summary names each outcome, the kept host key beside the one in the file, and what each server needs', () => {
  const report: ImportReport = {
    file: '/tmp/state.json',
    servers: [
      { name: 'alpha', outcome: 'skipped', clash: 'name', existing: 'alpha' },
      { name: 'beta', outcome: 'skipped', clash: 'id', existing: 'old-beta' },
      { name: 'gamma', outcome: 'added' },
    ],
    hostKeyPins: { imported: 1, merged: [{ server: 'alpha', endpoints: ['hop.example:2222'] }], conflicts: [{ server: 'alpha', endpoint: '203.0.113.7:22', kept: 'SHA256:kept', inFile: 'SHA256:file' }] },
    pendingDisables: { imported: 0, dropped: 2, forgotten: 0 },
    secrets: null,
    needs: [{ server: 'gamma', need: 'key-passphrase', path: '/home/ann/.ssh/id_ed25519' }],
  };
  const text = importedText(cliWords({}), report);
  assert.match(text, /\n {2}alpha {2}skipped: this console has another server named alpha \(--replace puts the file's in its place\)\n/);
  assert.match(text, /\n {2}beta {3}skipped: this console has it already, named old-beta/);
  assert.match(text, /Trusted host keys: 1 imported; added to alpha \(hop\.example:2222\)\.\n {2}alpha 203\.0\.113\.7:22: kept SHA256:kept; the file trusts SHA256:file/);
  assert.match(text, /Pending disables: 0 imported, 2 left out \(their server was skipped\)\./);
  assert.match(text, /Before logging in from here:\n {2}gamma: the passphrase of \/home\/ann\/\.ssh\/id_ed25519 is asked for on first connect/);
});
