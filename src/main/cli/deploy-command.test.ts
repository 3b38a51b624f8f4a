import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';
import type { DeployOptions, DeployResult } from '../../shared/contract/deploy.ts';
import { deployNote } from '../../shared/contract/deploy-notes.ts';
import { KeyportError } from '../../shared/contract/errors.ts';
import { fakeCore } from './testing/fake-core.ts';
import { DEPLOYED } from './testing/fixtures.ts';
import { runInProcess } from './testing/run-in-process.ts';

function deployCore(outcome: DeployResult | Error = DEPLOYED) {
  const given: DeployOptions[] = [];
  const { core } = fakeCore({
    deploy: {
      deploy: async (_server, options) => {
        given.push(options ?? {});
        if (outcome instanceof Error) throw outcome;
        return outcome;
      },
    },
  });
  return { core, given };
}

const deploy = (args: string[], outcome?: DeployResult | Error) => {
  const fake = deployCore(outcome);
  return runInProcess(['server', 'deploy', 'alpha', ...args], { core: fake.core }).then((run) => ({ ...run, given: fake.given }));
};

describe('server deploy: subscriptions', () => {
  test('--subscriptions PORT turns the listener on; the TLS files are handed over as absolute paths', async () => {
    assert.deepEqual((await deploy(['--subscriptions', '8443'])).given, [{ subscriptions: { port: 8443 } }]);
    const tls = await deploy(['--subscriptions', '443', '--subscription-tls-cert', 'certs/sub.pem', '--subscription-tls-key', '/etc/keys/sub.key']);
    assert.equal(tls.code, 0, tls.stderr);
    assert.deepEqual(tls.given, [{ subscriptions: { port: 443, tls: { certFile: resolve('certs/sub.pem'), keyFile: '/etc/keys/sub.key' } } }]);
    assert.deepEqual((await deploy(['--subscriptions', '8443', '--no-subscription-tls'])).given, [{ subscriptions: { port: 8443, tls: false } }]);
  });

  test('--no-subscriptions turns it off; no flag leaves it as the last deploy did', async () => {
    assert.deepEqual((await deploy(['--no-subscriptions'])).given, [{ subscriptions: false }]);
    assert.deepEqual((await deploy([])).given, [{}]);
  });

  test('flags that do not fit together are usage errors (exit 2), and nothing is deployed', async () => {
    const cases: [string[], RegExp][] = [
      [['--subscriptions', '0'], /--subscriptions must be a TCP port/],
      [['--subscriptions', '70000'], /--subscriptions must be a TCP port/],
      [['--subscriptions', 'https'], /--subscriptions must be a TCP port/],
      [['--subscriptions', '8443', '--subscription-tls-cert', 'c.pem'], /give both --subscription-tls-cert FILE and --subscription-tls-key FILE/],
      [['--subscriptions', '8443', '--subscription-tls-key', 'k.pem'], /give both/],
      [['--subscriptions', '8443', '--subscription-tls-cert', '', '--subscription-tls-key', 'k.pem'], /need a file each/],
      [['--subscription-tls-cert', 'c.pem', '--subscription-tls-key', 'k.pem'], /go with --subscriptions PORT/],
      [['--no-subscription-tls'], /go with --subscriptions PORT/],
      [['--subscriptions', '8443', '--no-subscriptions'], /give it alone/],
      [['--no-subscriptions', '--subscription-tls-cert', 'c.pem', '--subscription-tls-key', 'k.pem'], /give it alone/],
      [['--subscriptions', '8443', '--no-subscription-tls', '--subscription-tls-cert', 'c.pem', '--subscription-tls-key', 'k.pem'], /--no-subscription-tls serves plain HTTP/],
    ];
    for (const [args, message] of cases) {
      const run = await deploy(args);
      assert.equal(run.code, 2, args.join(' '));
      assert.match(run.stderr, message, args.join(' '));
      assert.deepEqual(run.given, [], args.join(' '));
    }
  });

  test('after a deploy with subscriptions, says where they are served; plain HTTP gets a warning on stderr', async () => {
    const certificate = { subject: 'CN=vpn.example.com', notAfter: '2027-03-01T00:00:00.000Z', fingerprint256: 'AB:CD' };
    const https = await deploy([], { ...DEPLOYED, subscriptions: { port: 8443, urlBase: 'https://vpn.example.com:8443', certificate } });
    assert.match(https.stdout, /^Subscriptions: https:\/\/vpn\.example\.com:8443\/sub\/TOKEN over HTTPS \(certificate valid until 2027-03-01T00:00:00\.000Z\)/m);
    assert.equal(https.stderr, '');
    const plain = await deploy([], {
      ...DEPLOYED,
      subscriptions: { port: 8080, urlBase: 'http://vpn.example.com:8080', certificate: null },
      subscriptionFirewall: {
        found: deployNote('firewallFound', { found: [deployNote('nftablesChainDrops', { family: 'inet', table: 'filter', chain: 'input' })] }),
        opened: null, todo: ['nft insert rule inet filter input tcp dport 8080 accept'] },
    });
    assert.match(plain.stdout, /over plain HTTP/);
    assert.match(plain.stderr, /subscriptions on alpha are plain HTTP: anyone on the way sees each fetch, the token and every link with its uuid/);
    assert.match(plain.stderr, /the subscription port of alpha will not answer until this is run as root on it \(nftables inet filter input drops\):\n {2}nft insert rule inet filter input tcp dport 8080 accept\n/);
  });

  test('a refused certificate says what is wrong with it and what helps (exit 1)', async () => {
    const refused = new KeyportError('certificate-refused', 'the certificate /etc/sub.pem expired on 2025-01-01T00:00:00.000Z: renew it and deploy again', {
      problem: 'expired',
      file: '/etc/sub.pem',
      notBefore: '2024-10-01T00:00:00.000Z',
      notAfter: '2025-01-01T00:00:00.000Z',
    });
    const run = await deploy(['--subscriptions', '8443', '--subscription-tls-cert', '/etc/sub.pem', '--subscription-tls-key', '/etc/sub.key', '--json'], refused);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^keyport: the certificate \/etc\/sub\.pem expired on 2025-01-01/);
    assert.match(run.stderr, /\(renew the certificate, then deploy again with --subscription-tls-cert FILE --subscription-tls-key FILE\)/);
    assert.equal(JSON.parse(run.stdout).error.code, 'certificate-refused');
  });
});
