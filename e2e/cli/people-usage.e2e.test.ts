import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../../test-support/tcp-traffic.ts';
import { waitFor } from '../../test-support/wait.ts';
import { TestServer } from '../harness/test-server.ts';
import { agentGet, getInside } from '../support/inside-server.ts';
import { moveBytesThenHistory } from '../support/key-traffic.ts';
import { addAndDeploy, keyport, keyportJson } from '../support/keyport-cli.ts';

const REPO = resolve(import.meta.dirname, '../..');
const GB = 1024 ** 3;
/** The subscription listener's port inside alpha's namespace (its own loopback: nothing else there). */
const SUB_PORT = 18443;

interface ChangeJson {
  people: { uuid: string; keys: { server: string; key: { id: string; port: number } }[] }[];
  outcomes: { server: string; done: boolean }[];
}

/**
 * The console deploys no subscription listener yet: the test turns alpha's on as an admin would by
 * hand, in the release's run script, and lets the supervisor start the agent again with it.
 */
async function openSubscriptions(server: TestServer): Promise<void> {
  server.exec('sed', ['-i', `s| --port-range | --subscription-listen 127.0.0.1:${SUB_PORT} --port-range |`, '/opt/keyport/current/run']);
  const pid = readFileSync(server.hostPath('/var/lib/keyport/agent.pid'), 'utf8').trim();
  server.exec('kill', [pid]);
  await waitFor('the agent to serve subscriptions', () => (getInside(server, `http://127.0.0.1:${SUB_PORT}/`).status === 404 ? true : undefined), 30_000);
  await waitFor('the agent’s API', () => agentGet(server, '/api/keys'), 30_000);
}

/** rx + tx of the key's history, once its used_bytes has caught up with it and all 100 000 bytes are counted. */
async function settledHistoryBytes(server: TestServer, keyId: string): Promise<number> {
  return waitFor(`key ${keyId}'s bytes to settle`, () => {
    const { rx_bytes: rx, tx_bytes: tx } = agentGet(server, `/api/keys/${keyId}/traffic/history`).data.total_traffic;
    const used = agentGet(server, `/api/keys/${keyId}`).used_bytes as number;
    return rx >= 30_000 && tx >= 70_000 && used === rx + tx ? used : undefined;
  }, 30_000);
}

/**
 * subscription-userinfo over two servers: a person with a monthly quota on alpha and beta moves
 * bytes through both; after a sync of both, the subscription fetched from alpha adds beta's
 * period (as synced) to alpha's own, and both quotas.
 */
describe('keyport CLI: a person’s usage summed over their servers in the subscription', { timeout: 600_000 }, () => {
  let alpha: TestServer;
  let beta: TestServer;
  let scratch: string;
  let env: Record<string, string>;

  before(async () => {
    execFileSync(process.execPath, ['scripts/build-agent.mjs'], { cwd: REPO, stdio: 'ignore' });
    alpha = await TestServer.create(await freePort());
    beta = await TestServer.create(await freePort());
    scratch = mkdtempSync(join(tmpdir(), 'keyport-e2e-people-usage-'));
    env = { HOME: scratch, KEYPORT_HOME: join(scratch, 'keyport'), SSH_AUTH_SOCK: '' };
    await addAndDeploy(env, 'alpha', alpha);
    await addAndDeploy(env, 'beta', beta);
    await openSubscriptions(alpha);
  });

  after(async () => {
    await alpha?.destroy();
    await beta?.destroy();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  test('download is alpha’s period plus beta’s as synced, total both quotas', async () => {
    const change = await keyportJson<ChangeJson>(['people', 'add', 'anna', 'alpha', 'beta', '--limit', '5GB', '--reset', 'month'], env);
    assert.ok(change.outcomes.every((outcome) => outcome.done), JSON.stringify(change.outcomes));
    const keyOn = (server: string) => change.people[0]!.keys.find((entry) => entry.server === server)!.key;
    const [onAlpha, onBeta] = [keyOn('alpha'), keyOn('beta')];

    await moveBytesThenHistory(alpha, 'alpha', onAlpha, env);
    await moveBytesThenHistory(beta, 'beta', onBeta, env);
    const alphaBytes = await settledHistoryBytes(alpha, onAlpha.id);
    const betaBytes = await settledHistoryBytes(beta, onBeta.id);

    for (const name of ['alpha', 'beta']) {
      const synced = await keyport(['server', 'sync', name], env);
      assert.equal(synced.code, 0, synced.stdout + synced.stderr);
    }
    const bundle = agentGet(alpha, `/api/keys/${onAlpha.id}/bundle`);
    assert.deepEqual([bundle.usage.used_bytes, bundle.usage.limit_bytes], [betaBytes, 5 * GB], 'alpha holds beta’s figures as synced');
    assert.equal(bundle.links.length, 1);

    const url = new URL(agentGet(alpha, `/api/keys/${onAlpha.id}`).subscription_url);
    const answer = getInside(alpha, `http://127.0.0.1:${SUB_PORT}${url.pathname}`);
    assert.equal(answer.status, 200, answer.body);
    assert.equal(answer.headers['subscription-userinfo'], `upload=0; download=${alphaBytes + betaBytes}; total=${10 * GB}; expire=0`);
    const links = Buffer.from(answer.body, 'base64').toString('utf8').split('\n');
    assert.deepEqual(links, [agentGet(alpha, `/api/keys/${onAlpha.id}/config`).vless_url, agentGet(beta, `/api/keys/${onBeta.id}/config`).vless_url]);
  });
});
