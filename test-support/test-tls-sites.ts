import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server, type TlsOptions } from 'node:tls';

/** A test CA and certificates made with openssl, in a temp dir removed by `dispose`. */
export class TestCertificates {
  readonly dir = mkdtempSync(join(tmpdir(), 'keyport-tls-'));
  readonly caPem: string;
  readonly caFile: string;

  constructor() {
    this.caFile = join(this.dir, 'ca.pem');
    this.#openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', join(this.dir, 'ca.key')]);
    this.#openssl([
      'req', '-x509', '-new', '-key', join(this.dir, 'ca.key'), '-sha256', '-days', '2', '-subj', '/CN=Keyport Test CA',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', this.caFile,
    ]);
    this.caPem = readFileSync(this.caFile, 'utf8');
  }

  /** A leaf for `names` signed by the test CA, or self-signed when `selfSigned`. */
  leaf(label: string, names: readonly string[], selfSigned = false): { key: string; cert: string } {
    const key = join(this.dir, `${label}.key`);
    const cert = join(this.dir, `${label}.pem`);
    const san = `subjectAltName=${names.map((name) => `DNS:${name}`).join(',')}`;
    this.#openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', key]);
    if (selfSigned) {
      this.#openssl(['req', '-x509', '-new', '-key', key, '-sha256', '-days', '2', '-subj', `/CN=${names[0]}`, '-addext', san, '-out', cert]);
    } else {
      const csr = join(this.dir, `${label}.csr`);
      const ext = join(this.dir, `${label}.ext`);
      writeFileSync(ext, `${san}\n`);
      this.#openssl(['req', '-new', '-key', key, '-subj', `/CN=${names[0]}`, '-out', csr]);
      this.#openssl([
        'x509', '-req', '-in', csr, '-CA', this.caFile, '-CAkey', join(this.dir, 'ca.key'), '-CAcreateserial',
        '-days', '2', '-sha256', '-extfile', ext, '-out', cert,
      ]);
    }
    return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  #openssl(args: string[]): void {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  }
}

/** A TLS server on 127.0.0.1 that completes handshakes and closes; resolves to it and its `host:port`. */
export async function startTlsSite(options: TlsOptions): Promise<{ server: Server; target: string }> {
  const server = createServer(options, (socket) => socket.end());
  // Failed handshakes are what some tests are about; they must not crash the test process.
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, target: `127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
