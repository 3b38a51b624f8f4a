import assert from 'node:assert/strict';
import type { Server } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { AgentProcess } from '../support/agent-process.ts';
import { removeAgentChains } from '../support/firewall.ts';
import { closeServer, startTlsSite, TestCertificates } from '../../../test-support/test-tls-sites.ts';

describe('verify-reality probes the target from the server: a good TLS site on loopback, trusted through NODE_EXTRA_CA_CERTS', () => {
  const names = ['www.good.test', 'login.microsoft.test'];
  let certs: TestCertificates;
  let site: { server: Server; target: string };
  let agent: AgentProcess;

  before(async () => {
    removeAgentChains();
    certs = new TestCertificates();
    site = await startTlsSite({ ...certs.leaf('site', names), ALPNProtocols: ['h2', 'http/1.1'] });
    agent = await AgentProcess.start({
      extraFlags: ['--reality-target', site.target, '--reality-server-names', names.join(',')],
      env: { NODE_EXTRA_CA_CERTS: certs.caFile },
    });
  });
  after(async () => {
    await agent?.dispose();
    if (site) await closeServer(site.server);
    certs?.dispose();
  });

  test('every probe step passes for every name; Xray\'s name warning is reported and leaves the settings valid', async () => {
    const { status, body } = await agent.post('/api/system/verify-reality');
    assert.equal(status, 200);
    const report = body.data;
    const failed = report.checks.filter((check: { ok: boolean }) => !check.ok);
    assert.deepEqual(failed, [
      {
        name: 'xray_warning',
        ok: false,
        level: 'warning',
        server_name: 'login.microsoft.test',
        detail:
          "Xray warns that the server name login.microsoft.test makes your server's IP likelier to be blocked (it names microsoft, apple or icloud, or ends in .ru, .ir or .cn): choose another target",
      },
    ]);
    assert.equal(report.valid, true);
    for (const name of names) {
      assert.deepEqual(
        report.checks.filter((check: { server_name: string | null; level: string }) => check.server_name === name && check.level === 'error').map((check: { name: string }) => check.name),
        ['tls_version', 'x25519', 'alpn_h2', 'certificate'],
      );
    }
    assert.equal(report.target, site.target);
  });

  test('the target going away turns verify-reality invalid, naming the target', async () => {
    await closeServer(site.server);
    const report = (await agent.post('/api/system/verify-reality')).body.data;
    assert.equal(report.valid, false);
    const connect = report.checks.find((check: { name: string }) => check.name === 'target_connect');
    assert.match(connect.detail, new RegExp(`^${site.target} did not accept a TCP connection from this server \\(connection refused: nothing listens there\\)`));
  });
});
