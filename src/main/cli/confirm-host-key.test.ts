import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { isKeyportError } from '../../shared/contract/errors.ts';
import type { HostKeyProbe } from '../../shared/contract/servers.ts';
import { confirmHostKey, type HostKeyQuestion } from './confirm-host-key.ts';
import { PROBE } from './testing/fixtures.ts';

const WRONG = 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

function ask(question: Partial<HostKeyQuestion>, terminal?: { answer: string }) {
  const said: string[] = [];
  const io = {
    stdin: Readable.from(terminal ? [terminal.answer] : []),
    stderr: { write: (text: string) => said.push(text) },
    isTTY: terminal !== undefined,
  };
  const outcome = confirmHostKey(io, { serverName: 'alpha', where: '203.0.113.7:22', probe: PROBE, accepted: [], ...question });
  return { outcome, said };
}

describe('confirmHostKey', () => {
  test('shows the host key as OpenSSH does, then accepts the fingerprint given with --accept-host-key', async () => {
    const { outcome, said } = ask({ accepted: [PROBE.fingerprint] });
    assert.deepEqual(await outcome, {});
    assert.equal(said.join(''), `The host key of alpha (203.0.113.7:22) is ssh-ed25519 ${PROBE.fingerprint}\n`);
  });

  test('refuses a different --accept-host-key, naming both fingerprints', async () => {
    const { outcome } = ask({ accepted: [WRONG] });
    await assert.rejects(outcome, (error) => {
      assert.ok(isKeyportError(error));
      assert.equal(error.code, 'host-key-changed');
      assert.ok(error.message.includes(PROBE.fingerprint), error.message);
      assert.ok(error.message.includes(WRONG), error.message);
      return true;
    });
  });

  test('without the flag and without a terminal, refuses and says which flag to pass', async () => {
    const { outcome } = ask({});
    await assert.rejects(outcome, (error) => {
      assert.ok(isKeyportError(error));
      assert.equal(error.code, 'host-key-unknown');
      assert.ok(error.message.includes(`--accept-host-key ${PROBE.fingerprint}`), error.message);
      return true;
    });
  });

  test('on a terminal, a y accepts', async () => {
    const { outcome, said } = ask({}, { answer: 'y\n' });
    assert.deepEqual(await outcome, {});
    assert.match(said.join(''), /Accept and add\? \[y\/N\] $/);
  });

  test('on a terminal, anything but yes refuses, and so does an empty answer', async () => {
    for (const answer of ['n\n', '\n', 'sure\n', '']) {
      await assert.rejects(ask({}, { answer }).outcome, (error) => isKeyportError(error) && error.code === 'host-key-unknown');
    }
  });

  test('with jump hosts, every key is shown and each must be accepted', async () => {
    const probe: HostKeyProbe = { ...PROBE, jumps: [{ endpoint: 'bastion:22', keyType: 'ssh-rsa', fingerprint: 'SHA256:bastionbastionbastionbastionbastionbastion0' }] };
    const both = ask({ probe, accepted: [PROBE.fingerprint, 'SHA256:bastionbastionbastionbastionbastionbastion0'] });
    assert.deepEqual(await both.outcome, { 'bastion:22': 'SHA256:bastionbastionbastionbastionbastionbastion0' });
    assert.match(both.said.join(''), /The host key of the jump host bastion:22 is ssh-rsa SHA256:bastion/);
    const targetOnly = ask({ probe, accepted: [PROBE.fingerprint] });
    await assert.rejects(targetOnly.outcome, /jump host bastion:22/);
  });
});
