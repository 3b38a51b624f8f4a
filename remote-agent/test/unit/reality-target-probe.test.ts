import assert from 'node:assert/strict';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import type { Server } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { probeRealityTarget, type ProbeFinding } from '../../src/services/checks/reality-target-probe.ts';
import { closeServer, startTlsSite, TestCertificates } from '../../../test-support/test-tls-sites.ts';

const NAMES = ['good.test', 'www.good.test'];

describe('probeRealityTarget, against TLS sites on 127.0.0.1 signed by a test CA', () => {
  let certs: TestCertificates;
  const servers: Server[] = [];
  const sites: Record<string, string> = {};

  before(async () => {
    certs = new TestCertificates();
    const good = certs.leaf('good', NAMES);
    const selfSigned = certs.leaf('self', NAMES, true);
    const start = async (label: string, options: Parameters<typeof startTlsSite>[0]) => {
      const site = await startTlsSite(options);
      servers.push(site.server);
      sites[label] = site.target;
    };
    await start('good', { ...good, ALPNProtocols: ['h2', 'http/1.1'] });
    await start('tls12', { ...good, ALPNProtocols: ['h2', 'http/1.1'], maxVersion: 'TLSv1.2' });
    await start('noH2', { ...good, ALPNProtocols: ['http/1.1'] });
    await start('noX25519', { ...good, ALPNProtocols: ['h2', 'http/1.1'], ecdhCurve: 'P-256' });
    await start('untrusted', { ...selfSigned, ALPNProtocols: ['h2', 'http/1.1'] });
  });
  after(async () => {
    await Promise.all(servers.map(closeServer));
    certs?.dispose();
  });

  const probe = (target: string, names = NAMES.slice(0, 1)) => probeRealityTarget(target, names, { extraCa: [certs.caPem], stepTimeoutMs: 2_000 });
  const failed = (findings: ProbeFinding[]) => findings.filter((entry) => !entry.ok);

  test('a good site passes every step for every server name', async () => {
    const findings = await probe(sites.good!, NAMES);
    assert.deepEqual(failed(findings), []);
    assert.deepEqual(
      findings.map((entry) => [entry.name, entry.serverName]),
      [
        ['target_connect', null],
        ...NAMES.flatMap((name) => [['tls_version', name], ['x25519', name], ['alpn_h2', name], ['certificate', name]]),
      ],
    );
    assert.match(findings[0]!.detail, new RegExp(`^${sites.good} accepts TCP connections from this server`));
  });

  test('a site with TLS 1.2 only is named as not offering TLS 1.3', async () => {
    const [only] = failed(await probe(sites.tls12!));
    assert.deepEqual(only, {
      name: 'tls_version',
      ok: false,
      serverName: 'good.test',
      detail: `${sites.tls12} did not offer TLS 1.3 for good.test (it answered TLSv1.2): Reality needs it; choose another target`,
    });
  });

  test('a site without h2 is named as not offering HTTP/2', async () => {
    const [only, ...rest] = failed(await probe(sites.noH2!));
    assert.deepEqual(rest, []);
    assert.equal(only!.name, 'alpn_h2');
    assert.match(only!.detail, new RegExp(`^${sites.noH2} did not offer HTTP/2 \\(ALPN h2\\) for good.test \\(it chose http/1.1\\)`));
  });

  test('a site that refuses X25519 (P-256 only) is named as such', async () => {
    const [only, ...rest] = failed(await probe(sites.noX25519!));
    assert.deepEqual(rest, []);
    assert.equal(only!.name, 'x25519');
    assert.match(only!.detail, new RegExp(`^${sites.noX25519} did not accept X25519 key exchange for good.test \\(.+\\): Reality needs it; choose another target$`));
  });

  test('a server name the certificate does not cover is named, with the names it does cover', async () => {
    const [only, ...rest] = failed(await probe(sites.good!, ['good.test', 'other.test']));
    assert.deepEqual(rest, []);
    assert.deepEqual(only, {
      name: 'certificate',
      ok: false,
      serverName: 'other.test',
      detail: `${sites.good}'s certificate is not valid for other.test (it covers good.test, www.good.test): list only names the target's certificate covers as server names`,
    });
  });

  test('a certificate no trusted authority signed is named as untrusted', async () => {
    const [only, ...rest] = failed(await probe(sites.untrusted!));
    assert.deepEqual(rest, []);
    assert.equal(only!.name, 'certificate');
    assert.match(only!.detail, new RegExp(`^${sites.untrusted}'s certificate for good.test is not signed by an authority this server trusts \\(DEPTH_ZERO_SELF_SIGNED_CERT\\)`));
  });

  test('the test CA is trusted only when given: the good site is untrusted with the runtime store alone', async () => {
    const findings = await probeRealityTarget(sites.good!, ['good.test'], { stepTimeoutMs: 2_000 });
    assert.deepEqual(failed(findings).map((entry) => entry.name), ['certificate']);
  });

  test('a port nothing listens on stops the probe at the TCP step', async () => {
    const closed = await freeLoopbackPort();
    const findings = await probe(`127.0.0.1:${closed}`);
    assert.deepEqual(findings, [
      {
        name: 'target_connect',
        ok: false,
        serverName: null,
        detail: `127.0.0.1:${closed} did not accept a TCP connection from this server (connection refused: nothing listens there): Reality forwards every probe of your keys' ports there, so choose another target or check this server's outbound network`,
      },
    ]);
  });

  test('a site that accepts TCP but never speaks TLS is bounded by the step timeout', async () => {
    // Reads (so it sees the probe hang up) and never answers.
    const silent = createTcpServer((socket) => socket.resume());
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    try {
      const startedAt = Date.now();
      const findings = await probeRealityTarget(`127.0.0.1:${port}`, ['good.test'], { stepTimeoutMs: 300 });
      assert.ok(Date.now() - startedAt < 2_000);
      assert.deepEqual(failed(findings).map((entry) => [entry.name, entry.detail]), [
        ['tls_handshake', `127.0.0.1:${port} did not complete a TLS handshake for good.test (no handshake within 0.3 s): Reality needs a TLS 1.3 site there; choose another target`],
      ]);
    } finally {
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

async function freeLoopbackPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
