import { connect as connectTcp } from 'node:net';
import { connect as connectTls, rootCertificates, type ConnectionOptions, type TLSSocket } from 'node:tls';

/** One thing the probe found out about the Reality target, said for an admin. */
export interface ProbeFinding {
  /** A stable name for scripts; people read `detail`. */
  name: 'target_connect' | 'tls_handshake' | 'tls_version' | 'x25519' | 'alpn_h2' | 'certificate';
  ok: boolean;
  /** The server name (SNI) the finding is about; null for the target as a whole. */
  serverName: string | null;
  detail: string;
}

export interface ProbeOptions {
  /** Bound of each step: the TCP connect, and each TLS handshake (default 4 s). */
  stepTimeoutMs?: number;
  /**
   * CA certificates (PEM) trusted besides Node's bundled root store (tests; a running agent may also
   * be given NODE_EXTRA_CA_CERTS, which extends the default store used without this option).
   */
  extraCa?: readonly string[];
}

const DEFAULT_STEP_TIMEOUT_MS = 4_000;
const CHOOSE_ANOTHER = 'choose another target';

interface Handshake {
  protocol: string | null;
  alpn: string | false;
  authorizationError: string | null;
  certNames: string[];
  validTo: string | null;
}

type Attempt = { ok: true; handshake: Handshake } | { ok: false; reason: string };

/**
 * Checks from this server what Reality needs of its target: that it answers TCP, and, for each
 * server name as SNI, a TLS 1.3 handshake with X25519 key exchange, HTTP/2 by ALPN, and a
 * certificate that a client would accept for that name. Reality hands every client that is not
 * ours to the target, and copies the target's handshake, so a target failing any of these makes
 * the keys' servers stand out or fail. Each step is bounded by `stepTimeoutMs`; names are probed in
 * parallel, so the whole probe takes at most about three steps.
 */
export async function probeRealityTarget(
  target: string,
  serverNames: readonly string[],
  options: ProbeOptions = {},
): Promise<ProbeFinding[]> {
  const timeoutMs = options.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
  const { host, port } = splitTarget(target);
  const ca = options.extraCa?.length ? [...rootCertificates, ...options.extraCa] : undefined;

  const tcp = await tcpConnect(host, port, timeoutMs);
  if (!tcp.ok) {
    return [finding('target_connect', false, null, `${target} did not accept a TCP connection from this server (${tcp.reason}): Reality forwards every probe of your keys' ports there, so ${CHOOSE_ANOTHER} or check this server's outbound network`)];
  }
  const findings: ProbeFinding[] = [finding('target_connect', true, null, `${target} accepts TCP connections from this server (${tcp.elapsedMs} ms)`)];
  const perName = await Promise.all(serverNames.map((name) => probeName(target, host, port, name, timeoutMs, ca)));
  return findings.concat(...perName);
}

async function probeName(
  target: string,
  host: string,
  port: number,
  name: string,
  timeoutMs: number,
  ca: string[] | undefined,
): Promise<ProbeFinding[]> {
  const first = await tlsHandshake({ host, port, servername: name, ALPNProtocols: ['h2', 'http/1.1'], ...(ca && { ca }) }, timeoutMs);
  if (!first.ok) {
    return [finding('tls_handshake', false, name, `${target} did not complete a TLS handshake for ${name} (${first.reason}): Reality needs a TLS 1.3 site there; ${CHOOSE_ANOTHER}`)];
  }
  const { protocol, alpn } = first.handshake;
  const findings: ProbeFinding[] = [];
  if (protocol === 'TLSv1.3') {
    findings.push(finding('tls_version', true, name, `${target} speaks TLS 1.3 for ${name}`));
    // Offered alone, X25519 either is taken or the handshake fails: that is what the target supports.
    const x25519 = await tlsHandshake(
      { host, port, servername: name, minVersion: 'TLSv1.3', ecdhCurve: 'X25519', ALPNProtocols: ['h2', 'http/1.1'], ...(ca && { ca }) },
      timeoutMs,
    );
    findings.push(
      x25519.ok
        ? finding('x25519', true, name, `${target} accepts X25519 key exchange for ${name}`)
        : finding('x25519', false, name, `${target} did not accept X25519 key exchange for ${name} (${x25519.reason}): Reality needs it; ${CHOOSE_ANOTHER}`),
    );
  } else {
    findings.push(finding('tls_version', false, name, `${target} did not offer TLS 1.3 for ${name} (it answered ${protocol ?? 'an unknown version'}): Reality needs it; ${CHOOSE_ANOTHER}`));
  }
  findings.push(
    alpn === 'h2'
      ? finding('alpn_h2', true, name, `${target} serves HTTP/2 (ALPN h2) for ${name}`)
      : finding('alpn_h2', false, name, `${target} did not offer HTTP/2 (ALPN h2) for ${name} (${alpn ? `it chose ${alpn}` : 'it chose no protocol'}): clients' fingerprints ask for h2, so a target without it stands out; ${CHOOSE_ANOTHER}`),
  );
  findings.push(certificateFinding(target, name, first.handshake));
  return findings;
}

function certificateFinding(target: string, name: string, handshake: Handshake): ProbeFinding {
  const error = handshake.authorizationError;
  if (error === null) return finding('certificate', true, name, `${target}'s certificate is valid for ${name}`);
  const covers = handshake.certNames.length > 0 ? handshake.certNames.join(', ') : 'no names';
  let why: string;
  if (error === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    why = `is not valid for ${name} (it covers ${covers}): list only names the target's certificate covers as server names`;
  } else if (error === 'CERT_HAS_EXPIRED') {
    why = `for ${name} expired (${handshake.validTo ?? 'date unknown'}): ${CHOOSE_ANOTHER}`;
  } else if (error === 'CERT_NOT_YET_VALID') {
    why = `for ${name} is not valid yet: check this server's clock, or ${CHOOSE_ANOTHER}`;
  } else if (UNTRUSTED.has(error)) {
    why = `for ${name} is not signed by an authority this server trusts (${error}): clients would see an untrusted site; ${CHOOSE_ANOTHER}`;
  } else {
    why = `for ${name} was not accepted (${error}): ${CHOOSE_ANOTHER}`;
  }
  return finding('certificate', false, name, `${target}'s certificate ${why}`);
}

const UNTRUSTED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);

function finding(name: ProbeFinding['name'], ok: boolean, serverName: string | null, detail: string): ProbeFinding {
  return { name, ok, serverName, detail };
}

/** `host:port` or `[v6]:port`; the caller has checked the form. */
function splitTarget(target: string): { host: string; port: number } {
  const separator = target.lastIndexOf(':');
  return { host: target.slice(0, separator).replace(/^\[|\]$/g, ''), port: Number(target.slice(separator + 1)) };
}

function tcpConnect(host: string, port: number, timeoutMs: number): Promise<{ ok: true; elapsedMs: number } | { ok: false; reason: string }> {
  const startedAt = performance.now();
  return new Promise((resolve) => {
    const socket = connectTcp({ host, port });
    const timer = setTimeout(() => finish({ ok: false, reason: `no answer within ${timeoutMs / 1000} s` }), timeoutMs);
    const finish = (result: { ok: true; elapsedMs: number } | { ok: false; reason: string }) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    socket.once('connect', () => finish({ ok: true, elapsedMs: Math.round(performance.now() - startedAt) }));
    socket.once('error', (error) => finish({ ok: false, reason: describeSocketError(error, host) }));
  });
}

function tlsHandshake(options: ConnectionOptions, timeoutMs: number): Promise<Attempt> {
  return new Promise((resolve) => {
    // Unverified on purpose: the certificate's faults are read from the socket and reported, not thrown.
    const socket: TLSSocket = connectTls({ ...options, rejectUnauthorized: false });
    const timer = setTimeout(() => finish({ ok: false, reason: `no handshake within ${timeoutMs / 1000} s` }), timeoutMs);
    const finish = (attempt: Attempt) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(attempt);
    };
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      finish({
        ok: true,
        handshake: {
          protocol: socket.getProtocol(),
          alpn: socket.alpnProtocol ?? false,
          authorizationError: socket.authorized ? null : String(socket.authorizationError ?? 'not verified'),
          certNames: certificateNames(cert?.subjectaltname, cert?.subject?.CN),
          validTo: cert?.valid_to ?? null,
        },
      });
    });
    socket.once('error', (error) => finish({ ok: false, reason: describeSocketError(error, String(options.host)) }));
  });
}

function certificateNames(altNames: string | undefined, commonName: string | string[] | undefined): string[] {
  const dnsNames = (altNames ?? '')
    .split(', ')
    .filter((entry) => entry.startsWith('DNS:'))
    .map((entry) => entry.slice(4));
  if (dnsNames.length > 0) return dnsNames;
  return commonName === undefined ? [] : [commonName].flat();
}

function describeSocketError(error: NodeJS.ErrnoException, host: string): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'connection refused: nothing listens there';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return `the name ${host} does not resolve on this server`;
    case 'ETIMEDOUT':
      return 'the connection timed out';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'no route to it from this server';
    case 'ECONNRESET':
      return 'the connection was reset';
    default:
      // OpenSSL's own words, e.g. "sslv3 alert handshake failure".
      return (error as { reason?: string }).reason ?? error.message;
  }
}
