import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { test } from 'node:test';
import type { CliIo } from './command.ts';
import { secretAsker } from './secret-asker.ts';

function io(overrides: Partial<CliIo>): CliIo & { said: string[] } {
  const said: string[] = [];
  return {
    stdout: { write: () => true },
    stderr: { write: (text: string) => said.push(text) },
    stdin: Readable.from([]),
    isTTY: false,
    env: {},
    now: () => new Date(),
    untilStopped: async () => {},
    ...overrides,
    said,
  };
}

test('KEYPORT_SSH_SECRET answers when set', async () => {
  assert.equal(await secretAsker(io({ env: { KEYPORT_SSH_SECRET: 'pass phrase' } }))('The passphrase of ~/.ssh/id_ed25519'), 'pass phrase');
});

test('without a terminal or KEYPORT_SSH_SECRET it fails clearly instead of waiting on stdin', async () => {
  await assert.rejects(secretAsker(io({}))('The SSH password of root@h'), /The SSH password of root@h is needed .*set KEYPORT_SSH_SECRET/);
});

test('on a terminal it asks with echo off: raw mode on while typing, off after, the answer never written', async () => {
  const stdin = Object.assign(new PassThrough(), { modes: [] as boolean[], setRawMode(raw: boolean) { this.modes.push(raw); } });
  const terminal = io({ stdin, isTTY: true });
  const answer = secretAsker(terminal)('The SSH password of root@h');
  stdin.write('hunter3\u007fx');
  stdin.write('\r');
  assert.equal(await answer, 'hunterx');
  assert.deepEqual(stdin.modes, [true, false]);
  assert.equal(terminal.said.join(''), 'The SSH password of root@h: \n');
});

test('Ctrl-C at the prompt cancels', async () => {
  const stdin = Object.assign(new PassThrough(), { setRawMode() {} });
  const answer = secretAsker(io({ stdin, isTTY: true }))('The SSH password of root@h');
  stdin.write('abc\u0003');
  await assert.rejects(answer, /cancelled/);
});
