import { parseArgs } from 'node:util';
import { hostInUrl } from '../api/link-host.ts';
import type { FamilyLabel } from '../services/firewall/port-firewall.ts';
import { RECONCILE_EVERY_CYCLES } from '../services/reconciler.ts';
import type { PortRange } from '../services/store/key-store.ts';

export interface AgentFlags {
  listenHost: string;
  listenPort: number;
  dataDir: string;
  apiKeyFile: string;
  publicHost: string;
  portRange: PortRange;
  /** Families whose INPUT drops by default: the agent accepts the key port range (and the subscription port) there too. */
  openKeyPorts: FamilyLabel[];
  sampleIntervalMs: number;
  xrayBin: string;
  xrayConfig: string;
  xrayApi: string;
  /** Reality `target` (Xray's old name for it: `dest`), host:port. */
  realityTarget: string;
  realityServerNames: string[];
  realityFingerprint: string;
  /** How long a request's head and body may take to arrive before a 408 closes the socket. */
  requestTimeoutMs: number;
  /** The periodic reconcile runs every this many sampling cycles; 0: never. */
  reconcileEveryCycles: number;
  /** Start on a missing or empty database although the data dir shows it held keys. */
  startEmpty: boolean;
  /** A backup to put in place of the database before starting. */
  restoreBackup: string | undefined;
  /** The public subscription listener; undefined while subscriptions are off. */
  subscriptions: SubscriptionFlags | undefined;
}

export interface SubscriptionFlags {
  host: string;
  port: number;
  /** PEM files: HTTPS when given. */
  tls: { certFile: string; keyFile: string } | undefined;
  /** What subscription links start with (scheme, host, port, maybe a path), no trailing slash. */
  urlBase: string;
  /**
   * The URL base is the one derived from --public-host (left out, or given as exactly that, as a
   * console's deploy does): a link host setting then replaces its host. One of the admin's own (a
   * proxy in front, a path) stays as given.
   */
  urlBaseFollowsHost: boolean;
}

export class FlagError extends Error {}

/** --help: not an error, the usage text on stdout. */
export class HelpRequested extends FlagError {}

/**
 * Not on Xray's list of names that make blocking likelier (infra/conf/transport_security.go:165 at
 * v26.7.28), and named by REALITY's own README as a good target; the README says why.
 */
export const DEFAULT_REALITY_TARGET = 'dl.google.com:443';
export const DEFAULT_REALITY_SERVER_NAMES = 'dl.google.com';

export const USAGE = `Usage: keyport-agent [flags]
  --listen HOST:PORT             where the HTTP API listens (default 127.0.0.1:8000)
  --data-dir DIR                 database, Reality keys, Xray pid and log (default /var/lib/keyport)
  --api-key-file FILE            API key; created with a random key, mode 0600, when missing
                                 (default DATA_DIR/api-key; env KEYPORT_API_KEY overrides)
  --public-host HOST             host written into vless:// links (default: the machine's hostname)
  --port-range FROM-TO           key ports (default 10001-10999)
  --open-key-ports v4,v6         also accept the key ports (and the subscription port) in INPUT (chain
                                 KEYPORT_OPEN) for these address families, on hosts whose firewall drops
                                 by default (default none)
  --sample-interval SECONDS      traffic sampling interval (default 10)
  --xray-bin PATH                Xray executable (default /usr/local/bin/xray)
  --xray-config PATH             Xray config file the agent owns (default DATA_DIR/xray-config.json)
  --xray-api HOST:PORT           Xray API address (default 127.0.0.1:10085)
  --reality-target HOST:PORT     Reality target: the site probes are handed to (default ${DEFAULT_REALITY_TARGET};
                                 --reality-dest is its old name)
  --reality-server-names A,B     Reality server names; the first goes into links (default ${DEFAULT_REALITY_SERVER_NAMES})
  --reality-fingerprint NAME     uTLS fingerprint written into links (default chrome)
  --request-timeout SECONDS      a request's head and body must arrive within this (default 30)
  --reconcile-cycles N           remove inbounds and rules no key owns every N sampling cycles
                                 (default ${RECONCILE_EVERY_CYCLES}; 0: never)
  --restore-backup FILE          put FILE (a backup from DATA_DIR/backups/) in place of the database, then
                                 start; the database it replaces is kept beside it as keyport.db.replaced-TIME
  --start-empty                  start on a missing or empty database even though the data dir shows it held
                                 keys (every key's inbound then leaves Xray's config)
  --subscription-listen HOST:PORT  serve GET /sub/TOKEN (and nothing else) to client apps there (default: off)
  --subscription-tls-cert FILE   PEM certificate for that listener: HTTPS (give --subscription-tls-key too;
                                 without both it is plain HTTP, which shows each link to an observer)
  --subscription-tls-key FILE    PEM private key of that certificate
  --subscription-url-base URL    what subscription links start with (default http(s)://PUBLIC_HOST:PORT of
                                 --subscription-listen); a path is kept, for a proxy in front
  --help                         this text

Data the agent refuses to lose: at start it runs PRAGMA quick_check and stops (exit 3) on a damaged
database. It also stops, changing nothing, when the database is missing or empty (0 bytes, no tables)
while the data dir shows it held keys: the marker DATA_DIR/database-created (written once a database
exists), a backup in DATA_DIR/backups/, or keyport inbounds in the Xray config. Then restore a backup
with --restore-backup FILE, or give --start-empty to start afresh on purpose. A backup of the database
(SQLite's online backup) is taken daily into DATA_DIR/backups/; the newest 3 are kept.`;

const HOST_PORT = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):([0-9]{1,5})$/;

export function parseAgentFlags(argv: readonly string[], defaultPublicHost: string): AgentFlags {
  try {
    return readFlags(argv, defaultPublicHost);
  } catch (error) {
    if (error instanceof FlagError) throw error;
    throw new FlagError(`${(error as Error).message}\n\n${USAGE}`);
  }
}

function readFlags(argv: readonly string[], defaultPublicHost: string): AgentFlags {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      listen: { type: 'string', default: '127.0.0.1:8000' },
      'data-dir': { type: 'string', default: '/var/lib/keyport' },
      'api-key-file': { type: 'string' },
      'public-host': { type: 'string' },
      'port-range': { type: 'string', default: '10001-10999' },
      'open-key-ports': { type: 'string', default: '' },
      'sample-interval': { type: 'string', default: '10' },
      'xray-bin': { type: 'string', default: '/usr/local/bin/xray' },
      'xray-config': { type: 'string' },
      'xray-api': { type: 'string', default: '127.0.0.1:10085' },
      'reality-target': { type: 'string' },
      'reality-dest': { type: 'string' },
      'reality-server-names': { type: 'string', default: DEFAULT_REALITY_SERVER_NAMES },
      'reality-fingerprint': { type: 'string', default: 'chrome' },
      'request-timeout': { type: 'string', default: '30' },
      'reconcile-cycles': { type: 'string', default: String(RECONCILE_EVERY_CYCLES) },
      'restore-backup': { type: 'string' },
      'start-empty': { type: 'boolean', default: false },
      'subscription-listen': { type: 'string' },
      'subscription-tls-cert': { type: 'string' },
      'subscription-tls-key': { type: 'string' },
      'subscription-url-base': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) throw new HelpRequested(USAGE);
  const [listenHost, listenPort] = hostPort('--listen', values.listen);
  hostPort('--xray-api', values['xray-api']);
  if (values['reality-target'] !== undefined && values['reality-dest'] !== undefined) {
    throw new FlagError('give --reality-target only: --reality-dest is its old name');
  }
  if (values['restore-backup'] !== undefined && values['start-empty']) {
    throw new FlagError('give --restore-backup FILE or --start-empty, not both');
  }
  if (values['restore-backup'] === '') throw new FlagError('--restore-backup needs the backup file');
  const dataDir = values['data-dir'];
  const seconds = Number(values['sample-interval']);
  if (!Number.isFinite(seconds) || seconds < 0.1 || seconds > 3600) {
    throw new FlagError('--sample-interval must be a number of seconds from 0.1 to 3600');
  }
  const requestTimeout = values['request-timeout'];
  if (!/^[1-9][0-9]{0,2}$/.test(requestTimeout)) {
    throw new FlagError('--request-timeout must be a whole number of seconds from 1 to 999');
  }
  const reconcileText = values['reconcile-cycles'];
  if (!/^[0-9]{1,6}$/.test(reconcileText)) throw new FlagError(`--reconcile-cycles must be a whole number of cycles (0: never), got "${reconcileText}"`);
  const publicHost = values['public-host'] ?? defaultPublicHost;
  return {
    listenHost,
    listenPort,
    dataDir,
    apiKeyFile: values['api-key-file'] ?? `${dataDir}/api-key`,
    publicHost,
    portRange: portRange(values['port-range']),
    openKeyPorts: families(values['open-key-ports']),
    sampleIntervalMs: Math.round(seconds * 1000),
    xrayBin: values['xray-bin'],
    xrayConfig: values['xray-config'] ?? `${dataDir}/xray-config.json`,
    xrayApi: values['xray-api'],
    realityTarget: values['reality-target'] ?? values['reality-dest'] ?? DEFAULT_REALITY_TARGET,
    realityServerNames: values['reality-server-names'].split(',').map((name) => name.trim()).filter(Boolean),
    realityFingerprint: values['reality-fingerprint'],
    requestTimeoutMs: Number(requestTimeout) * 1000,
    reconcileEveryCycles: Number(reconcileText),
    startEmpty: values['start-empty'],
    restoreBackup: values['restore-backup'],
    subscriptions: subscriptionFlags(values, publicHost),
  };
}

type SubscriptionValues = Partial<Record<'subscription-listen' | 'subscription-tls-cert' | 'subscription-tls-key' | 'subscription-url-base', string>>;

function subscriptionFlags(values: SubscriptionValues, publicHost: string): SubscriptionFlags | undefined {
  const listen = values['subscription-listen'];
  const certFile = values['subscription-tls-cert'];
  const keyFile = values['subscription-tls-key'];
  if (listen === undefined) {
    const stray = (['subscription-tls-cert', 'subscription-tls-key', 'subscription-url-base'] as const).find((name) => values[name] !== undefined);
    if (stray !== undefined) throw new FlagError(`--${stray} needs --subscription-listen HOST:PORT`);
    return undefined;
  }
  const [host, port] = hostPort('--subscription-listen', listen);
  if (port === 0) throw new FlagError('--subscription-listen needs a port from 1 to 65535: links name it');
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new FlagError('give both --subscription-tls-cert FILE and --subscription-tls-key FILE (HTTPS), or neither (plain HTTP)');
  }
  if (certFile === '' || keyFile === '') throw new FlagError('--subscription-tls-cert and --subscription-tls-key need a file each');
  const tls = certFile === undefined || keyFile === undefined ? undefined : { certFile, keyFile };
  const given = values['subscription-url-base'];
  const derived = `${tls ? 'https' : 'http'}://${hostInUrl(publicHost)}:${port}`;
  const urlBase = given === undefined ? derived : checkedUrlBase(given);
  return { host, port, tls, urlBase, urlBaseFollowsHost: given === undefined || urlBase === checkedUrlBase(derived) };
}

function checkedUrlBase(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new FlagError(`--subscription-url-base must be a URL such as https://vpn.example.com:8443, got "${text}"`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new FlagError(`--subscription-url-base must be an http:// or https:// URL without user, query or fragment, got "${text}"`);
  }
  return url.href.replace(/\/+$/, '');
}

function hostPort(flag: string, text: string): [string, number] {
  const match = HOST_PORT.exec(text);
  const port = Number(match?.[2]);
  if (!match || port < 0 || port > 65535) throw new FlagError(`${flag} must be HOST:PORT, got "${text}"`);
  return [match[1]!.replace(/^\[|\]$/g, ''), port];
}

function portRange(text: string): PortRange {
  const match = /^([0-9]{1,5})-([0-9]{1,5})$/.exec(text);
  const from = Number(match?.[1]);
  const to = Number(match?.[2]);
  if (!match || from < 1 || to > 65535 || from > to) {
    throw new FlagError(`--port-range must be FROM-TO within 1-65535, got "${text}"`);
  }
  return { from, to };
}

function families(text: string): FamilyLabel[] {
  const listed = text.split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = listed.find((name) => name !== 'v4' && name !== 'v6');
  if (unknown !== undefined) throw new FlagError(`--open-key-ports takes v4, v6 or v4,v6, got "${text}"`);
  return [...new Set(listed as FamilyLabel[])];
}
