import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { KeyportError } from '../../shared/contract/errors.ts';
import type { LinkSettings, LinkSettingsChange, LinkSettingsResult } from '../../shared/contract/link-settings.ts';
import { fakeCore } from './testing/fake-core.ts';
import { runInProcess } from './testing/run-in-process.ts';

const BEFORE: LinkSettings = {
  linkHost: '10.0.0.5',
  linkHostSet: false,
  realityTarget: 'dl.google.com:443',
  realityServerNames: ['dl.google.com'],
  keyPorts: { from: 10001, to: 29999 },
};

/** A core whose changeLinkSettings takes every change as asked, and records it. */
function linkCore(answer?: (change: LinkSettingsChange) => LinkSettingsResult) {
  const changes: LinkSettingsChange[] = [];
  const fake = fakeCore({
    deploy: {
      changeLinkSettings: async (_server, change) => {
        changes.push(change);
        if (answer) return answer(change);
        const after: LinkSettings = {
          linkHost: change.linkHost ?? BEFORE.linkHost,
          linkHostSet: typeof change.linkHost === 'string',
          realityTarget: change.realityTarget ?? BEFORE.realityTarget,
          realityServerNames: change.realityServerNames ?? BEFORE.realityServerNames,
          keyPorts: change.keyPorts ?? BEFORE.keyPorts,
        };
        const changed = (['linkHost', 'realityTarget', 'realityServerNames', 'keyPorts'] as const).filter((field) => change[field] !== undefined);
        return { changed, before: BEFORE, after, applied: null, deploy: null, bundles: [] };
      },
    },
  });
  return { ...fake, changes };
}

describe('server set', () => {
  test('--link-host changes the host links name, says what changed and warns that every link changed', async () => {
    const { core, changes } = linkCore();
    const run = await runInProcess(['server', 'set', 'alpha', '--link-host', 'VPN.Example.com'], { core });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(changes, [{ linkHost: 'vpn.example.com' }]);
    assert.match(run.stdout, /^Changed on alpha:\n  Link host: 10\.0\.0\.5 \(the SSH host\) -> vpn\.example\.com\n  Reality target: dl\.google\.com:443\n/);
    assert.match(run.stdout, /Warning: every key's link and QR code on alpha has changed/);
    assert.match(run.stdout, /unless they use subscription links/);
  });

  test('a link host the HTTPS subscription certificate does not name is warned about, with the deploy that fixes it', async () => {
    const certified = (namesLinkHost: boolean | null) =>
      linkCore((change) => ({
        changed: ['linkHost'],
        before: BEFORE,
        after: { ...BEFORE, linkHost: change.linkHost!, linkHostSet: true },
        applied: null,
        deploy: null,
        bundles: [],
        subscriptionCertificate: { subject: 'CN=old.example.com', namesLinkHost },
      })).core;
    const mismatch = await runInProcess(['server', 'set', 'alpha', '--link-host', 'vpn.example.com'], { core: certified(false) });
    assert.equal(mismatch.code, 0, 'the change is made');
    assert.match(mismatch.stderr, /^keyport: the subscription certificate \(CN=old\.example\.com\) does not name vpn\.example\.com: .*keyport server deploy alpha --subscription-tls-cert FILE/m);
    const unread = await runInProcess(['server', 'set', 'alpha', '--link-host', 'vpn.example.com'], { core: certified(null), env: { LANG: 'ru_RU.UTF-8' } });
    assert.match(unread.stderr, /^keyport: не удалось прочитать сертификат подписок \(CN=old\.example\.com\), чтобы проверить, называет ли он vpn\.example\.com/m);
    const named = await runInProcess(['server', 'set', 'alpha', '--link-host', 'vpn.example.com'], { core: certified(true) });
    assert.equal(named.stderr, '');
  });

  test('--no-link-host, Reality flags and --key-ports go in one change', async () => {
    const { core, changes } = linkCore();
    const run = await runInProcess(['server', 'set', 'alpha', '--no-link-host', '--reality-target', 'www.example.org:443', '--server-names', 'www.example.org, example.org', '--key-ports', '20001-20999'], { core });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(changes, [{ linkHost: null, realityTarget: 'www.example.org:443', realityServerNames: ['www.example.org', 'example.org'], keyPorts: { from: 20001, to: 20999 } }]);
    assert.match(run.stdout, /Key ports: 10001-29999 -> 20001-20999/);
    assert.match(run.stdout, /new keys get theirs from 20001-20999/);
  });

  test('key ports alone leave links as they are: no warning about links', async () => {
    const { core } = linkCore();
    const run = await runInProcess(['server', 'set', 'alpha', '--key-ports', '10001-39999'], { core });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Keys keep their ports; new keys get theirs from 10001-39999/);
    assert.doesNotMatch(run.stdout, /Warning/);
  });

  test('a change the server has already says nothing changed', async () => {
    const { core } = linkCore(() => ({ changed: [], before: BEFORE, after: BEFORE, applied: null, deploy: null, bundles: [] }));
    const run = await runInProcess(['server', 'set', 'alpha', '--reality-target', 'dl.google.com:443'], { core });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Nothing changed on alpha: it has these link settings already\.\n/);
    assert.doesNotMatch(run.stdout, /Warning/);
  });

  test('in Russian, what changed and the warning', async () => {
    const { core } = linkCore();
    const run = await runInProcess(['server', 'set', 'alpha', '--link-host', 'vpn.example.com'], { core, env: { LANG: 'ru_RU.UTF-8' } });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Изменено на alpha:\n  Хост в ссылках: 10\.0\.0\.5 \(хост SSH\) -> vpn\.example\.com\n/);
    assert.match(run.stdout, /Внимание: ссылка и QR-код каждого ключа на alpha изменились/);
  });

  test('the new links pushed into subscriptions on other servers are said; a server that failed is named on stderr', async () => {
    const { core } = linkCore((change) => ({
      changed: ['linkHost'],
      before: BEFORE,
      after: { ...BEFORE, linkHost: change.linkHost as string, linkHostSet: true },
      applied: null,
      deploy: null,
      bundles: [
        { server: 'alpha', done: true, what: 'bundles of 2 key(s)' },
        { server: 'beta', done: true, what: 'bundles of 2 key(s)' },
        { server: 'gamma', done: false, what: 'bundles of 1 key(s)', code: 'server-offline', message: 'gamma does not answer' },
      ],
    }));
    const run = await runInProcess(['server', 'set', 'alpha', '--link-host', 'vpn.example.com'], { core });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /The subscriptions of people who also have keys on beta list the new links there too\.\n$/);
    assert.match(run.stderr, /gamma: the new links could not go into subscriptions there \(gamma does not answer\); once it answers: keyport people push PERSON/);
  });

  test('--json answers the result', async () => {
    const { core } = linkCore();
    const run = await runInProcess(['server', 'set', 'alpha', '--link-host', '2001:db8::7', '--json'], { core });
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout) as LinkSettingsResult;
    assert.deepEqual(result.changed, ['linkHost']);
    assert.equal(result.after.linkHost, '2001:db8::7');
  });

  for (const [args, message] of [
    [[], /give at least one of --link-host HOST/],
    [['--link-host', 'vpn.example.com', '--no-link-host'], /--link-host HOST or --no-link-host, not both/],
    [['--link-host', 'vpn.example.com:443'], /--link-host: "vpn\.example\.com:443" is not an IPv6 address/],
    [['--link-host', 'vpn example.com'], /--link-host: "vpn example\.com" is not a host name or an IP address/],
    [['--key-ports', '20001'], /--key-ports must be FROM-TO/],
    [['--key-ports', '20001-70000'], /--key-ports must be a TCP port/],
    [['--reality-target', 'www.example.org'], /--reality-target: must be HOST:PORT/],
    [['--server-names', '*.example.org'], /--server-names: must be exact host names/],
  ] as const) {
    test(`${args.join(' ') || 'no flag'} is a usage error before anything is opened`, async () => {
      const run = await runInProcess(['server', 'set', 'alpha', ...args]);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, message);
      assert.equal(run.coreOpened, false);
    });
  }

  test('a range that leaves out keys is refused with how many and a range that holds them', async () => {
    const { core } = linkCore(() => {
      throw new KeyportError('key-ports-exclude-keys', "3 of alpha's 5 key(s) have ports outside 20001-20999 (its keys use 10001-10005): choose a range that holds 10001-10005, or delete those keys first; nothing was changed", {
        server: 'alpha', from: 20001, to: 20999, outside: 3, lowestPort: 10001, highestPort: 10005,
      });
    });
    const run = await runInProcess(['server', 'set', 'alpha', '--key-ports', '20001-20999'], { core });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /3 of alpha's 5 key\(s\) have ports outside 20001-20999/);
    assert.match(run.stderr, /keyport server set alpha --key-ports 10001-20999/);
    assert.equal(run.stdout, '');
    const russian = await runInProcess(['server', 'set', 'alpha', '--key-ports', '20001-20999'], { core, env: { LANG: 'ru_RU.UTF-8' } });
    assert.match(russian.stderr, /новый диапазон портов не включает порты существующих ключей/);
  });

  test('a deploy that rolled back exits 1, saying nothing was changed', async () => {
    const rolledBack = { release: 'r', agentVersion: '2.1.3', facts: { os: 'debian', arch: 'x64', init: 'systemd', asRoot: true }, runtimeUploaded: false, rolledBack: true } as unknown as LinkSettingsResult['deploy'];
    const { core } = linkCore(() => ({ changed: [], before: BEFORE, after: BEFORE, applied: null, deploy: rolledBack, bundles: [] }));
    const run = await runInProcess(['server', 'set', 'alpha', '--key-ports', '20001-20999'], { core });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /rolled back to the previous release, and nothing was changed/);
  });
});
