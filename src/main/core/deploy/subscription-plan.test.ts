import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { DeployedSubscriptions } from '../../../shared/contract/deploy.ts';
import { isKeyportError } from '../../../shared/contract/errors.ts';
import { runScript } from './run-script.ts';
import { planSubscriptions, type SubscriptionPlanContext } from './subscription-plan.ts';

const dir = mkdtempSync(join(tmpdir(), 'keyport-sub-plan-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const certFile = join(dir, 'sub.crt');
const keyFile = join(dir, 'sub.key');
execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '5', '-subj', '/CN=vpn.example.com'], { stdio: 'ignore' });

const context: SubscriptionPlanContext = { publicHost: 'vpn.example.com', keyPorts: { from: 10001, to: 29999 }, apiPort: 8000, remembered: undefined };
const certificate = { subject: 'CN=vpn.example.com', notAfter: '2027-01-01T00:00:00.000Z', fingerprint256: 'AA:BB' };
const rememberedTls: DeployedSubscriptions = { port: 8443, urlBase: 'https://vpn.example.com:8443', certificate };

async function badInput(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isKeyportError(error) && error.code === 'bad-input', String(error));
    return error.message;
  }
  assert.fail('the plan was made');
}

describe('what a deploy does about the subscription listener', () => {
  test('off unless asked, or the last deploy left it on', async () => {
    assert.equal(await planSubscriptions(undefined, context), null);
    assert.equal(await planSubscriptions(false, { ...context, remembered: rememberedTls }), null);
  });

  test('a port alone is plain HTTP on every IPv4 address, its URL from the links’ host', async () => {
    const plan = await planSubscriptions({ port: 8080 }, context);
    assert.deepEqual(plan, { port: 8080, listenHost: '0.0.0.0', urlBase: 'http://vpn.example.com:8080', tls: null });
  });

  test('a server reached over IPv6 listens on every address, its host in brackets', async () => {
    const plan = await planSubscriptions({ port: 8080 }, { ...context, publicHost: '2001:db8::7' });
    assert.deepEqual([plan?.listenHost, plan?.urlBase], ['[::]', 'http://[2001:db8::7]:8080']);
  });

  test('certificate files make it HTTPS, with their PEM to upload', async () => {
    const plan = await planSubscriptions({ port: 443, tls: { certFile, keyFile } }, context);
    assert.equal(plan?.urlBase, 'https://vpn.example.com:443');
    assert.equal(plan?.tls?.certificate.subject, 'CN=vpn.example.com');
    assert.match(plan?.tls?.upload?.keyPem ?? '', /-----BEGIN PRIVATE KEY-----/);
    assert.equal(plan?.tls?.namesHost, true);
  });

  test('a redeploy keeps port and certificate; a new port keeps the certificate; tls false drops it', async () => {
    assert.deepEqual(await planSubscriptions(undefined, { ...context, remembered: rememberedTls }), {
      port: 8443,
      listenHost: '0.0.0.0',
      urlBase: 'https://vpn.example.com:8443',
      tls: { certificate, upload: null },
    });
    assert.equal((await planSubscriptions({ port: 9443 }, { ...context, remembered: rememberedTls }))?.urlBase, 'https://vpn.example.com:9443');
    assert.deepEqual(await planSubscriptions({ port: 8443, tls: false }, { ...context, remembered: rememberedTls }), {
      port: 8443,
      listenHost: '0.0.0.0',
      urlBase: 'http://vpn.example.com:8443',
      tls: null,
    });
  });

  test('a port among the key ports, the API’s or Xray’s API’s is refused, as is a redeploy onto a key range that now holds it', async () => {
    assert.match(await badInput(planSubscriptions({ port: 10001 }, context)), /one of the key ports \(10001-29999\)/);
    assert.match(await badInput(planSubscriptions({ port: 29999 }, context)), /one of the key ports/);
    assert.match(await badInput(planSubscriptions({ port: 8000 }, context)), /the agent's API port/);
    assert.match(await badInput(planSubscriptions({ port: 10085 }, { ...context, keyPorts: { from: 20000, to: 20999 } })), /Xray's API port/);
    assert.match(await badInput(planSubscriptions({ port: 0 }, context)), /not a TCP port/);
    assert.match(await badInput(planSubscriptions(undefined, { ...context, keyPorts: { from: 8000 + 1, to: 9000 }, remembered: rememberedTls })), /one of the key ports/);
  });

  test('the port is checked before the certificate files are read', async () => {
    await badInput(planSubscriptions({ port: 10001, tls: { certFile: join(dir, 'missing.pem'), keyFile } }, context));
  });

  test("the release's run script gets the listener's flags, and none while off", async () => {
    const base = { release: 'r1', runtimeSha256: 'a'.repeat(64), apiPort: 8000, publicHost: 'vpn.example.com', keyPorts: context.keyPorts };
    assert.doesNotMatch(runScript({ ...base, subscriptions: null }), /subscription/);
    const https = runScript({ ...base, subscriptions: await planSubscriptions(undefined, { ...context, remembered: rememberedTls }) });
    assert.match(
      https,
      / --subscription-listen 0\.0\.0\.0:8443 --subscription-tls-cert \/var\/lib\/keyport\/subscription-tls-cert\.pem --subscription-tls-key \/var\/lib\/keyport\/subscription-tls-key\.pem --subscription-url-base https:\/\/vpn\.example\.com:8443 "\$@"$/m,
    );
    const v6 = runScript({ ...base, publicHost: '2001:db8::7', subscriptions: await planSubscriptions({ port: 8080 }, { ...context, publicHost: '2001:db8::7' }) });
    assert.match(v6, / --subscription-listen '\[::\]:8080' --subscription-url-base 'http:\/\/\[2001:db8::7\]:8080' "\$@"$/m);
  });
});
