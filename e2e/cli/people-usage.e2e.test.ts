import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../../test-support/tcp-traffic.ts';
import { waitFor } from '../../test-support/wait.ts';
import { TestServer } from '../harness/test-server.ts';
import { buildAgent } from '../support/build-for-tests.ts';
import { agentGet, getInside } from '../support/inside-server.ts';
import { moveBytesThenHistory, settledHistoryBytes } from '../support/key-traffic.ts';
import { addAndDeploy, keyport, keyportJson } from '../support/keyport-cli.ts';
import { scratchHome, type ScratchHome } from '../support/scratch-home.ts';
import { decodedLinks } from '../support/subscription-body.ts';

const GB = 1024 ** 3;
/** The subscription listener's port on alpha: outside the key ports (10001-29999), the API (8000) and Xray's (10085). */
const SUB_PORT = 8443;
const EXPIRES = '2031-01-02';

interface ChangeJson {
  people: { uuid: string; keys: { server: string; key: { id: string; port: number } }[] }[];
  outcomes: { server: string; done: boolean }[];
}

/**
 * subscription-userinfo over two servers, alpha deployed with `--subscriptions`: a person with a
 * monthly quota and an expiry on alpha and beta moves bytes through both; after a sync of both, the
 * subscription fetched from alpha adds beta's period (as synced) to alpha's own, both quotas, and
 * gives the expiry. A person whose quota those bytes use up gets the headers and no links.
 */
describe('keyport CLI: a person’s usage summed over their servers in the subscription', { timeout: 600_000 }, () => {
  let alpha: TestServer;
  let beta: TestServer;
  let home: ScratchHome;

  /** Adds a person on both servers; their key on each. */
  const addPerson = async (name: string, limits: string[]) => {
    const change = await keyportJson<ChangeJson>(['people', 'add', name, 'alpha', 'beta', ...limits], home.env);
    assert.ok(change.outcomes.every((outcome) => outcome.done), JSON.stringify(change.outcomes));
    const keyOn = (server: string) => change.people[0]!.keys.find((entry) => entry.server === server)!.key;
    return { onAlpha: keyOn('alpha'), onBeta: keyOn('beta') };
  };
  /** Bytes through the key on each server, counted; then both synced. The bytes each counted. */
  const trafficThenSync = async (onAlpha: { id: string; port: number }, onBeta: { id: string; port: number }) => {
    await moveBytesThenHistory(alpha, 'alpha', onAlpha, home.env);
    await moveBytesThenHistory(beta, 'beta', onBeta, home.env);
    const counted = { alpha: await settledHistoryBytes(alpha, onAlpha.id), beta: await settledHistoryBytes(beta, onBeta.id) };
    for (const name of ['alpha', 'beta']) {
      const synced = await keyport(['server', 'sync', name], home.env);
      assert.equal(synced.code, 0, synced.stdout + synced.stderr);
    }
    return counted;
  };
  /** The key's subscription on alpha, fetched at its subscription_url as the deploy set it. */
  const subscriptionOnAlpha = (keyId: string) => {
    const url = agentGet(alpha, `/api/keys/${keyId}`).subscription_url as string;
    assert.match(url, new RegExp(`^http://127\\.0\\.0\\.1:${SUB_PORT}/sub/`));
    return getInside(alpha, url);
  };

  before(async () => {
    buildAgent();
    alpha = await TestServer.create(await freePort());
    beta = await TestServer.create(await freePort());
    home = scratchHome('keyport-e2e-people-usage-');
    await addAndDeploy(home.env, 'alpha', alpha, { subscriptionsPort: SUB_PORT });
    await addAndDeploy(home.env, 'beta', beta);
  });

  after(async () => {
    await alpha?.destroy();
    await beta?.destroy();
    home?.remove();
  });

  test('download is alpha’s period plus beta’s as synced, total both quotas, expire the expiry', async () => {
    const { onAlpha, onBeta } = await addPerson('anna', ['--limit', '5GB', '--reset', 'month', '--expires', EXPIRES]);
    const counted = await trafficThenSync(onAlpha, onBeta);
    const bundle = agentGet(alpha, `/api/keys/${onAlpha.id}/bundle`);
    assert.deepEqual([bundle.usage.used_bytes, bundle.usage.limit_bytes], [counted.beta, 5 * GB], 'alpha holds beta’s figures as synced');
    assert.equal(bundle.links.length, 1);

    const answer = subscriptionOnAlpha(onAlpha.id);
    assert.equal(answer.status, 200, answer.body);
    const expire = Date.parse(`${EXPIRES}T00:00:00Z`) / 1000;
    assert.equal(answer.headers['subscription-userinfo'], `upload=0; download=${counted.alpha + counted.beta}; total=${10 * GB}; expire=${expire}`);
    assert.deepEqual(decodedLinks(answer.body), [agentGet(alpha, `/api/keys/${onAlpha.id}/config`).vless_url, agentGet(beta, `/api/keys/${onBeta.id}/config`).vless_url]);
  });

  test('a person whose quota the traffic used up on both servers gets 200 with the headers and no links', async () => {
    const { onAlpha, onBeta } = await addPerson('boris', ['--limit', '64KB']);
    const counted = await trafficThenSync(onAlpha, onBeta);
    for (const [server, key] of [[alpha, onAlpha], [beta, onBeta]] as const) {
      await waitFor(`boris's key on ${server.namespace} to be limited`, () => (agentGet(server, `/api/keys/${key.id}`).status === 'limited' ? true : undefined), 30_000);
    }
    const answer = subscriptionOnAlpha(onAlpha.id);
    assert.equal(answer.status, 200, answer.body);
    assert.equal(answer.headers['subscription-userinfo'], `upload=0; download=${counted.alpha + counted.beta}; total=${2 * 64 * 1024}; expire=0`);
    assert.equal(answer.headers['profile-title'], 'boris');
    assert.deepEqual(decodedLinks(answer.body), []);
  });
});
