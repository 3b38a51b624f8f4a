import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { isKeyportError } from '../../../shared/contract/errors.ts';
import { checkSubscriptionTls } from './subscription-tls.ts';

const dir = mkdtempSync(join(tmpdir(), 'keyport-sub-tls-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A self-signed certificate and its key from openssl, valid for `days` from now. */
function selfSigned(name: string, options: { days?: number; san?: string; keyArgs?: string[] } = {}) {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', key, '-out', cert, '-days', String(options.days ?? 30), '-subj', `/CN=${name}.example.com`,
    '-addext', `subjectAltName=${options.san ?? `DNS:${name}.example.com`}`,
  ], { stdio: 'ignore' });
  return { certFile: cert, keyFile: key };
}

async function refusal(promise: Promise<unknown>): Promise<{ problem: unknown; file: unknown; message: string; facts: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isKeyportError(error), String(error));
    assert.equal(error.code, 'certificate-refused');
    return { problem: error.facts.problem, file: error.facts.file, message: error.message, facts: error.facts };
  }
  assert.fail('the certificate was taken');
}

describe('the subscription certificate and key, checked before the server is touched', () => {
  const good = selfSigned('vpn', { san: 'DNS:vpn.example.com,IP:127.0.0.1' });

  test('a certificate and its own key pass, with what the console remembers of them', async () => {
    const checked = await checkSubscriptionTls(good, { host: 'vpn.example.com' });
    assert.equal(checked.certPem, readFileSync(good.certFile, 'utf8'));
    assert.equal(checked.keyPem, readFileSync(good.keyFile, 'utf8'));
    assert.equal(checked.certificate.subject, 'CN=vpn.example.com');
    const der = Buffer.from(checked.certPem.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');
    assert.equal(checked.certificate.fingerprint256, createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':'));
    assert.ok(Date.parse(checked.certificate.notAfter) > Date.now() + 29 * 86_400_000);
    assert.equal(checked.namesHost, true);
  });

  test("whether it names the links' host: a DNS name, or an address among its IP names", async () => {
    assert.equal((await checkSubscriptionTls(good, { host: '127.0.0.1' })).namesHost, true);
    assert.equal((await checkSubscriptionTls(good, { host: '203.0.113.7' })).namesHost, false);
    assert.equal((await checkSubscriptionTls(good, { host: 'other.example.com' })).namesHost, false);
  });

  test('a key that is not the certificate’s is refused, naming both files', async () => {
    const other = selfSigned('other');
    const { problem, file, message } = await refusal(checkSubscriptionTls({ certFile: good.certFile, keyFile: other.keyFile }));
    assert.equal(problem, 'key-mismatch');
    assert.equal(file, other.keyFile);
    assert.ok(message.includes(good.certFile) && message.includes(other.keyFile), message);
  });

  test('expired and not yet valid are refused, with the dates', async () => {
    const later = new Date(Date.now() + 31 * 86_400_000);
    const expired = await refusal(checkSubscriptionTls(good, { now: later }));
    assert.equal(expired.problem, 'expired');
    assert.equal(expired.file, good.certFile);
    assert.match(expired.message, /expired on \d{4}-\d\d-\d\dT/);
    assert.ok(typeof expired.facts.notAfter === 'string' && Date.parse(expired.facts.notAfter) < later.getTime());
    const early = await refusal(checkSubscriptionTls(good, { now: new Date(Date.now() - 86_400_000) }));
    assert.equal(early.problem, 'not-yet-valid');
  });

  test('files that are not PEM, not a certificate, not a key, missing or encrypted are each refused by name', async () => {
    const der = join(dir, 'vpn.der');
    execFileSync('openssl', ['x509', '-in', good.certFile, '-outform', 'DER', '-out', der]);
    const garbage = join(dir, 'garbage.pem');
    writeFileSync(garbage, '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n');
    const encrypted = join(dir, 'encrypted.key');
    execFileSync('openssl', ['pkey', '-in', good.keyFile, '-aes256', '-passout', 'pass:secret', '-out', encrypted]);
    const cases: [{ certFile: string; keyFile: string }, string, string][] = [
      [{ certFile: der, keyFile: good.keyFile }, 'not-pem', der],
      [{ certFile: good.keyFile, keyFile: good.keyFile }, 'not-a-certificate', good.keyFile],
      [{ certFile: garbage, keyFile: good.keyFile }, 'not-a-certificate', garbage],
      [{ certFile: good.certFile, keyFile: good.certFile }, 'not-a-key', good.certFile],
      [{ certFile: join(dir, 'missing.pem'), keyFile: good.keyFile }, 'unreadable', join(dir, 'missing.pem')],
      [{ certFile: good.certFile, keyFile: join(dir, 'missing.key') }, 'unreadable', join(dir, 'missing.key')],
      [{ certFile: good.certFile, keyFile: encrypted }, 'key-encrypted', encrypted],
    ];
    for (const [files, problem, file] of cases) {
      const refused = await refusal(checkSubscriptionTls(files));
      assert.deepEqual([refused.problem, refused.file], [problem, file], refused.message);
    }
  });

  test('a chain after the certificate is kept as it is; the first certificate is the one checked', async () => {
    const chain = join(dir, 'chain.pem');
    writeFileSync(chain, readFileSync(good.certFile, 'utf8') + readFileSync(selfSigned('ca').certFile, 'utf8'));
    const checked = await checkSubscriptionTls({ certFile: chain, keyFile: good.keyFile });
    assert.equal(checked.certPem, readFileSync(chain, 'utf8'));
    assert.equal(checked.certificate.subject, 'CN=vpn.example.com');
  });
});
