import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../../test-support/tcp-traffic.ts';
import { TestServer } from '../harness/test-server.ts';
import { addAndDeploy, keyport, keyportJson } from '../support/keyport-cli.ts';
import { buildAgent } from '../support/build-for-tests.ts';
import { agentGet } from '../support/inside-server.ts';
import { scratchHome, type ScratchHome } from '../support/scratch-home.ts';

interface PersonJson {
  uuid: string;
  name: string;
  keys: { server: string; key: { id: string; uuid: string; name: string; is_active: boolean; data_limit_bytes: number | null; data_limit_reset: string } }[];
}
interface ChangeJson {
  people: PersonJson[];
  outcomes: { server: string; done: boolean; what: string; code?: string }[];
}

/**
 * People through the `keyport` CLI against two test servers: a person added on both has one uuid
 * there and each key's bundle holds the other's link; a server added and removed; people moved
 * from alpha to beta with their uuids and limits, disabled on alpha; a push to an offline server
 * reported while the other goes on. Needs the agent side of issue 14 (uuid on create, bundles):
 * it passes once h/subs-agent is merged.
 */
describe('keyport CLI: people across two servers', { timeout: 600_000 }, () => {
  let alpha: TestServer;
  let beta: TestServer;
  let home: ScratchHome;
  let env: Record<string, string>;

  const bundleOf = (server: TestServer, keyId: string): string[] => agentGet(server, `/api/keys/${keyId}/bundle`).links;
  const linkOf = (server: TestServer, keyId: string): string => agentGet(server, `/api/keys/${keyId}/config`).vless_url;
  const keyOn = (person: PersonJson, server: string) => person.keys.find((entry) => entry.server === server)?.key;

  before(async () => {
    buildAgent();
    alpha = await TestServer.create(await freePort());
    beta = await TestServer.create(await freePort());
    home = scratchHome('keyport-e2e-people-');
    env = home.env;
    await addAndDeploy(env, 'alpha', alpha);
    await addAndDeploy(env, 'beta', beta);
  });

  after(async () => {
    await alpha?.destroy();
    await beta?.destroy();
    home?.remove();
  });

  test('a person added on both servers has one uuid there, and each key’s bundle is the other’s link', async () => {
    const change = await keyportJson<ChangeJson>(['people', 'add', 'Анна 📱', 'alpha', 'beta', '--limit', '5GB', '--reset', 'month'], env);
    assert.ok(change.outcomes.every((outcome) => outcome.done), JSON.stringify(change.outcomes));
    const [anna] = change.people;
    const onAlpha = keyOn(anna!, 'alpha')!;
    const onBeta = keyOn(anna!, 'beta')!;
    assert.equal(onAlpha.uuid, onBeta.uuid);
    assert.equal(onAlpha.uuid, anna!.uuid);
    assert.deepEqual([onBeta.data_limit_bytes, onBeta.data_limit_reset], [5 * 1024 ** 3, 'month']);
    assert.deepEqual(bundleOf(alpha, onAlpha.id), [linkOf(beta, onBeta.id)]);
    assert.deepEqual(bundleOf(beta, onBeta.id), [linkOf(alpha, onAlpha.id)]);
    const listed = await keyportJson<{ people: PersonJson[] }>(['people', 'list'], env);
    assert.deepEqual(listed.people.map((person) => [person.name, person.keys.map((entry) => entry.server)]), [['Анна 📱', ['alpha', 'beta']]]);
  });

  test('new Reality names on alpha reach the bundle of its people on beta at once', async () => {
    const anna = (await keyportJson<{ people: PersonJson[] }>(['people', 'list'], env)).people[0]!;
    const onAlpha = keyOn(anna, 'alpha')!;
    const changed = await keyport(['server', 'reality', 'alpha', '--server-names', 'www.example.org'], env);
    assert.equal(changed.code, 0, changed.stderr);
    const link = linkOf(alpha, onAlpha.id);
    assert.equal(new URL(link).searchParams.get('sni'), 'www.example.org');
    assert.deepEqual(bundleOf(beta, keyOn(anna, 'beta')!.id), [link], "beta's bundle offers alpha's link with the new name");
  });

  test('servers remove deletes the key on one server and empties the other’s bundle; servers add brings it back with the uuid', async () => {
    const removed = await keyportJson<ChangeJson>(['people', 'servers', 'remove', 'Анна 📱', 'beta', '--yes'], env);
    const [anna] = removed.people;
    assert.deepEqual(anna!.keys.map((entry) => entry.server), ['alpha']);
    assert.deepEqual(bundleOf(alpha, keyOn(anna!, 'alpha')!.id), []);
    const added = await keyportJson<ChangeJson>(['people', 'servers', 'add', anna!.uuid, 'beta'], env);
    assert.equal(keyOn(added.people[0]!, 'beta')!.uuid, anna!.uuid);
    assert.deepEqual(bundleOf(alpha, keyOn(anna!, 'alpha')!.id), [linkOf(beta, keyOn(added.people[0]!, 'beta')!.id)]);
  });

  test('move gives alpha’s people keys on beta with their uuids and limits, then disables them on alpha', async () => {
    const bob = await keyportJson<ChangeJson>(['people', 'add', 'bob', 'alpha', '--limit', '1GB'], env);
    const bobUuid = bob.people[0]!.uuid;
    const moved = await keyportJson<ChangeJson & { plan: { name: string; action: string }[] }>(['people', 'move', '--from', 'alpha', '--to', 'beta', '--all', '--disable-now'], env);
    assert.deepEqual(moved.plan.map((entry) => [entry.name, entry.action]).sort(), [['bob', 'create'], ['Анна 📱', 'present']]);
    const bobNow = moved.people.find((person) => person.uuid === bobUuid)!;
    assert.equal(keyOn(bobNow, 'beta')!.uuid, bobUuid);
    assert.equal(keyOn(bobNow, 'beta')!.data_limit_bytes, 1024 ** 3);
    assert.equal(keyOn(bobNow, 'alpha')!.is_active, false);
    // Beta's bundle no longer offers the disabled key on alpha; alpha's points its apps at beta.
    assert.deepEqual(bundleOf(beta, keyOn(bobNow, 'beta')!.id), []);
    assert.deepEqual(bundleOf(alpha, keyOn(bobNow, 'alpha')!.id), [linkOf(beta, keyOn(bobNow, 'beta')!.id)]);
  });

  test('with a server offline its people come from the cache, and a push there is reported, not fatal', async () => {
    await beta.stopSshd();
    const listed = await keyport(['people', 'list'], env);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /beta\*/);
    const pushed = await keyport(['people', 'push', 'bob', '--json'], env);
    assert.equal(pushed.code, 1);
    const change = JSON.parse(pushed.stdout) as ChangeJson;
    assert.deepEqual(change.outcomes.map((outcome) => [outcome.server, outcome.done, outcome.code ?? null]).sort(), [['alpha', true, null], ['beta', false, 'server-offline']]);
    beta.startSshd();
  });

  test('remove with --yes deletes the person on every server', async () => {
    const removed = await keyport(['people', 'remove', 'bob', '--yes'], env);
    assert.equal(removed.code, 0, removed.stdout + removed.stderr);
    const listed = await keyportJson<{ people: PersonJson[] }>(['people', 'list'], env);
    assert.deepEqual(listed.people.map((person) => person.name), ['Анна 📱']);
  });
});
