import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { SubscriptionCertificate, SubscriptionTlsFiles } from '../../../shared/contract/deploy.ts';
import { KeyportError } from '../../../shared/contract/errors.ts';

/** A checked certificate and key, as they go to the server, and what the console remembers of them. */
export interface CheckedSubscriptionTls {
  certPem: string;
  keyPem: string;
  certificate: SubscriptionCertificate;
  /** Whether the certificate names `host` (apps refuse one that does not); undefined when no host was asked about. */
  namesHost?: boolean;
}

/** Far beyond any certificate chain or key: a bigger file is not one. */
const MAX_FILE_BYTES = 256 * 1024;

/**
 * Reads and checks the subscription listener's PEM certificate (a chain may follow it) and key on
 * this machine, before anything on the server changes: both parse, the key is the certificate's
 * and needs no passphrase, and the certificate is valid at `now`. Refusals are
 * `certificate-refused` with the problem and the file as facts.
 */
export async function checkSubscriptionTls(files: SubscriptionTlsFiles, options: { now?: Date; host?: string } = {}): Promise<CheckedSubscriptionTls> {
  const now = options.now ?? new Date();
  const certPem = await readPem(files.certFile, 'certificate');
  const keyPem = await readPem(files.keyFile, 'key');
  if (!certPem.includes('-----BEGIN CERTIFICATE-----')) {
    throw refused('not-a-certificate', files.certFile, `${files.certFile} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  }
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(certPem);
  } catch (error) {
    throw refused('not-a-certificate', files.certFile, `${files.certFile} is not a certificate that can be read (${(error as Error).message})`);
  }
  const key = privateKey(keyPem, files.keyFile);
  if (!certificate.checkPrivateKey(key)) {
    throw refused('key-mismatch', files.keyFile, `${files.keyFile} is not the key of the certificate ${files.certFile} (${certificate.subject.replace(/\n/g, ', ')})`);
  }
  const notBefore = new Date(certificate.validFrom);
  const notAfter = new Date(certificate.validTo);
  const dates = { notBefore: notBefore.toISOString(), notAfter: notAfter.toISOString() };
  if (now.getTime() > notAfter.getTime()) {
    throw refused('expired', files.certFile, `the certificate ${files.certFile} expired on ${dates.notAfter}: renew it and deploy again`, dates);
  }
  if (now.getTime() < notBefore.getTime()) {
    throw refused('not-yet-valid', files.certFile, `the certificate ${files.certFile} is valid only from ${dates.notBefore} (this machine's clock says ${now.toISOString()})`, dates);
  }
  const checked: CheckedSubscriptionTls = {
    certPem,
    keyPem,
    certificate: { subject: certificate.subject.replace(/\n/g, ', '), notAfter: dates.notAfter, fingerprint256: certificate.fingerprint256 },
  };
  if (options.host !== undefined) checked.namesHost = namesHost(certificate, options.host);
  return checked;
}

/** The certificate's name for the host links are written with: a DNS name, or an address in its IP SANs. */
/** Whether a PEM certificate (its first, when a chain follows) names `host`: false for one that does not parse. */
export function certificateNamesHost(certPem: string, host: string): boolean {
  try {
    return namesHost(new X509Certificate(certPem), host);
  } catch {
    return false;
  }
}

function namesHost(certificate: X509Certificate, host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  return /^[0-9.]+$|:/.test(bare) ? certificate.checkIP(bare) !== undefined : certificate.checkHost(bare) !== undefined;
}

async function readPem(file: string, what: 'certificate' | 'key'): Promise<string> {
  let bytes: Buffer;
  try {
    if ((await stat(file)).size > MAX_FILE_BYTES) throw refused('not-pem', file, `${file} is larger than a PEM ${what} can be (${MAX_FILE_BYTES / 1024} KiB)`);
    bytes = await readFile(file);
  } catch (error) {
    if (error instanceof KeyportError) throw error;
    throw refused('unreadable', file, `cannot read the ${what} file ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const text = bytes.toString('utf8');
  if (!/-----BEGIN [A-Z0-9 ]+-----/.test(text)) throw refused('not-pem', file, `${file} is not PEM (the agent reads a PEM ${what}: text starting with -----BEGIN)`);
  return text;
}

function privateKey(pem: string, file: string): KeyObject {
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(pem)) {
    throw refused('key-encrypted', file, `${file} is encrypted with a passphrase, which the agent cannot be given: decrypt it (openssl pkey -in KEY -out PLAIN)`);
  }
  try {
    return createPrivateKey(pem);
  } catch (error) {
    throw refused('not-a-key', file, `${file} is not a private key that can be read (${(error as Error).message})`);
  }
}

function refused(problem: string, file: string, message: string, dates: Record<string, string> = {}): KeyportError {
  return new KeyportError('certificate-refused', message, { problem, file, ...dates });
}
