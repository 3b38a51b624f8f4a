import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IPC_PROGRESS } from '../../shared/bridge/ipc-channels.ts';
import type { DeployProgress } from '../../shared/contract/deploy.ts';
import type { KeyportServices } from '../../shared/contract/services.ts';
import { ipcBridgeHandler, type InvokeEvent } from './ipc-bridge-handler.ts';

const CONSOLE_PAGE = 'file:///opt/Keyport/resources/app.asar/out/renderer/index.html';
const deployed: string[] = [];
const services = {
  deploy: {
    deploy: async (server: string, _options: unknown, onProgress: (progress: DeployProgress) => void) => {
      deployed.push(server);
      onProgress({ step: 'upload-agent', state: 'done', notes: [{ id: 'bundleUploaded', facts: { dir: '/opt/keyport/releases/r1' } }] });
      return { release: 'r1' };
    },
  },
} as unknown as KeyportServices;

function event(url: string | null): InvokeEvent & { sent: unknown[][] } {
  const sent: unknown[][] = [];
  return { senderFrame: url === null ? null : { url }, sender: { send: (...args) => void sent.push(args), isDestroyed: () => false }, sent };
}

const handler = ipcBridgeHandler(services, (url) => url === CONSOLE_PAGE);

test('the console page’s calls run, and their progress goes back tagged with the call id', async () => {
  const from = event(CONSOLE_PAGE);
  const outcome = await handler(from, { callId: 7, call: { service: 'deploy', method: 'deploy', args: ['alpha'] } });
  assert.deepEqual(outcome, { ok: true, value: { release: 'r1' } });
  assert.deepEqual(from.sent, [[IPC_PROGRESS, 7, { step: 'upload-agent', state: 'done', notes: [{ id: 'bundleUploaded', facts: { dir: '/opt/keyport/releases/r1' } }] }]]);
});

test('a frame that is not the console page is refused and nothing runs', async () => {
  deployed.length = 0;
  for (const url of ['https://example.com/', 'file:///tmp/evil.html', null]) {
    const outcome = await handler(event(url), { callId: 1, call: { service: 'deploy', method: 'deploy', args: ['alpha'] } });
    assert.equal(outcome.ok, false);
    if (!outcome.ok) assert.match(outcome.error.message, /only the console's own page/);
  }
  assert.deepEqual(deployed, []);
});

test('a malformed message is bad input', async () => {
  const outcome = await handler(event(CONSOLE_PAGE), 'deploy everything');
  assert.equal(outcome.ok, false);
  if (!outcome.ok) assert.equal(outcome.error.code, 'bad-input');
});

test('a call whose arguments do not match the contract is bad-input naming the argument, and nothing runs', async () => {
  deployed.length = 0;
  const outcome = await handler(event(CONSOLE_PAGE), { callId: 2, call: { service: 'deploy', method: 'deploy', args: [{ not: 'a name' }, 12345] } });
  assert.equal(outcome.ok, false);
  if (!outcome.ok) {
    assert.equal(outcome.error.code, 'bad-input');
    assert.equal(outcome.error.facts.argument, 0);
    assert.equal(outcome.error.facts.argumentName, 'server');
  }
  assert.deepEqual(deployed, []);
});
