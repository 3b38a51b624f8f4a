import { Type, type TSchema } from '@sinclair/typebox';
import { ByteCount, commonErrors, Envelope } from './common.ts';
import { endpoint, type HttpMethod } from './endpoint.ts';

const Check = Type.Object({ name: Type.String(), ok: Type.Boolean(), detail: Type.String() });

const InboundDiff = {
  in_sync: Type.Boolean(),
  missing_inbounds: Type.Array(Type.String()),
  extra_inbounds: Type.Array(Type.String()),
  changed_inbounds: Type.Array(Type.String()),
};

export const ApplyOutcome = Type.Object({
  at_ms: Type.Integer(),
  method: Type.Union([Type.Literal('api'), Type.Literal('restart'), Type.Literal('start'), Type.Literal('none')]),
  ok: Type.Boolean(),
  detail: Type.String(),
});

const XrayVersionSupport = Type.Object(
  {
    version: Type.Union([Type.String(), Type.Null()], { description: 'the version number, null when the binary is not Xray or did not answer' }),
    support: Type.Union([Type.Literal('ok'), Type.Literal('too-old'), Type.Literal('newer-than-checked'), Type.Literal('unknown')]),
    minimum: Type.String({ description: 'the oldest Xray that takes the agent\'s config' }),
    checked: Type.String({ description: 'the Xray release Keyport was checked against' }),
  },
  { description: 'whether the agent can rely on this Xray' },
);

const SocketHolder = Type.Object({ pid: Type.Integer(), command: Type.String() });

export const XrayStatus = Type.Object({
  in_sync: Type.Boolean({ description: 'the file and the running Xray both serve exactly the active keys' }),
  expected_inbounds: Type.Integer(),
  binary: Type.Object({
    path: Type.String(),
    installed: Type.Boolean(),
    version: Type.Union([Type.String(), Type.Null()]),
    version_support: XrayVersionSupport,
  }),
  process: Type.Object({
    running: Type.Boolean(),
    pid: Type.Union([Type.Integer(), Type.Null()]),
    rss_bytes: Type.Union([Type.Integer(), Type.Null()], { description: "Xray's resident memory (VmRSS); null when it is not running" }),
    open_fds: Type.Union([Type.Integer(), Type.Null()], { description: 'file descriptors Xray holds: one per listening inbound, two per proxied connection' }),
    open_files_limit: Type.Union([Type.Integer(), Type.Null()], { description: "Xray's soft open-files limit (RLIMIT_NOFILE); null when not running or unlimited" }),
  }),
  api: Type.Object({ address: Type.String(), reachable: Type.Boolean(), error: Type.Union([Type.String(), Type.Null()]) }),
  config_file: Type.Object({
    path: Type.String(),
    exists: Type.Boolean(),
    ...InboundDiff,
    routing: Type.Object(
      { in_sync: Type.Boolean(), private_destinations_blocked: Type.Boolean(), detail: Type.String() },
      { description: 'whether the file keeps VPN users off the server and private networks, as the settings say' },
    ),
  }),
  live: Type.Union([Type.Object({ inbounds: Type.Integer(), ...InboundDiff }), Type.Null()]),
  not_serving: Type.Array(
    Type.Object({
      key_id: Type.String(),
      port: Type.Integer(),
      problem: Type.Union([Type.Literal('inbound-failed'), Type.Literal('not-listening'), Type.Literal('port-taken')]),
      detail: Type.String(),
      holders: Type.Array(SocketHolder),
    }),
    { description: 'active keys whose inbound does not serve (read from the socket table), and why' },
  ),
  stray_processes: Type.Array(SocketHolder, {
    description: 'other Xray processes on our config that share our ports (SO_REUSEPORT); sync-config stops them',
  }),
  last_apply: Type.Union([ApplyOutcome, Type.Null()]),
});

export const FirewallStatus = Type.Object({
  available: Type.Boolean(),
  in_sync: Type.Boolean(),
  missing_ports: Type.Array(Type.Integer()),
  extra_ports: Type.Array(Type.Integer()),
  incomplete_ports: Type.Array(Type.Integer()),
  wrong_block_state_ports: Type.Array(Type.Integer()),
  // Optional: agents from before the nftables table do not send it.
  unavailable_reason: Type.Optional(
    Type.Union([Type.String(), Type.Null()], { description: 'why traffic is not counted (say, the ipset command or the kernel module ip_set is missing); null while it is' }),
  ),
});

const FirewallSync = Type.Object({
  added: Type.Array(Type.Integer()),
  removed: Type.Array(Type.Integer()),
  repaired: Type.Array(Type.Integer()),
  reblocked: Type.Array(Type.Integer()),
});

const ReconcileChange = Type.Object({
  at: Type.String(),
  kind: Type.Union([Type.Literal('inbound'), Type.Literal('firewall_rules')]),
  tag: Type.Union([Type.String(), Type.Null()], { description: 'the inbound\'s tag (kind inbound)' }),
  port: Type.Union([Type.Integer(), Type.Null()], { description: 'the port whose rules these were (kind firewall_rules)' }),
  detail: Type.String(),
});

export const ReconcileStatus = Type.Object(
  {
    every_cycles: Type.Integer({ description: 'runs every this many sampling cycles; 0: never' }),
    last_run_at: Type.Union([Type.String(), Type.Null()]),
    last_run_ok: Type.Union([Type.Boolean(), Type.Null()]),
    last_error: Type.Union([Type.String(), Type.Null()]),
    xray_skipped: Type.Union([Type.String(), Type.Null()], { description: 'why the last run did not check the live inbounds (Xray or its API down)' }),
    removed: Type.Array(ReconcileChange, { description: 'the latest inbounds and rules no key owned, removed; oldest first, at most 50' }),
    restored: Type.Array(ReconcileChange, { description: 'the latest inbounds and rules a key lacked, added back; oldest first, at most 50' }),
  },
  { description: 'the periodic reconcile (beyond the spec): what it found that no key owns, and removed' },
);

export const ConfigStatus = Envelope(
  // Optional: agents from before the reconcile do not send it.
  Type.Object({ in_sync: Type.Boolean(), xray: XrayStatus, firewall: FirewallStatus, reconcile: Type.Optional(ReconcileStatus) }),
);

export const SyncConfigResult = Envelope(
  Type.Object({ firewall: FirewallSync, xray: ApplyOutcome, in_sync: Type.Boolean(), xray_status: XrayStatus }),
);

export const XrayConfigStatus = Envelope(XrayStatus);

export const XraySyncResult = Envelope(Type.Object({ applied: ApplyOutcome, status: XrayStatus }));

export const Validation = Envelope(Type.Object({ valid: Type.Boolean(), checks: Type.Array(Check) }));

const RealityCheck = Type.Object({
  name: Type.String(),
  ok: Type.Boolean(),
  level: Type.Union([Type.Literal('error'), Type.Literal('warning')], { description: 'an error makes the settings invalid; a warning (Xray\'s own) does not' }),
  server_name: Type.Union([Type.String(), Type.Null()]),
  detail: Type.String({ description: 'what was found, said for an admin' }),
});

export const RealityReport = Envelope(
  Type.Object({
    valid: Type.Boolean({ description: 'no check at level error failed' }),
    checks: Type.Array(RealityCheck),
    public_key: Type.String(),
    short_ids: Type.Array(Type.String()),
    target: Type.String({ description: 'host:port that Reality hands other clients to, probed from the server' }),
    dest: Type.String({ description: 'the same as target (Xray\'s old name)' }),
    server_names: Type.Array(Type.String()),
    fingerprint: Type.String(),
  }),
);

const Assignment = Type.Object({ port: Type.Integer(), key_id: Type.String(), key_name: Type.String(), is_active: Type.Boolean() });

export const PortsReport = Envelope(
  Type.Object({
    range: Type.Object({ from: Type.Integer(), to: Type.Integer() }),
    total_ports: Type.Integer(),
    used_ports: Type.Integer(),
    free_ports: Type.Integer(),
    assignments: Type.Array(Assignment),
  }),
);

export const PortsResetResult = Envelope(
  Type.Object({
    message: Type.String(),
    moved: Type.Array(Type.Object({ key_id: Type.String(), old_port: Type.Integer(), new_port: Type.Integer() })),
  }),
);

export const PortsValidation = Envelope(
  Type.Object({
    valid: Type.Boolean(),
    checked_keys: Type.Integer(),
    issues: Type.Array(Type.Object({ port: Type.Integer(), key_id: Type.String(), problem: Type.String() })),
  }),
);

const KeyTrafficStatus = Type.Object({
  key_id: Type.String(),
  key_name: Type.String(),
  port: Type.Integer(),
  is_active: Type.Boolean(),
  rules_installed: Type.Boolean(),
  blocked: Type.Boolean(),
  connections: Type.Integer(),
  rx_bytes: ByteCount,
  tx_bytes: ByteCount,
  traffic_rate: Type.Number(),
  last_activity: Type.Union([Type.String(), Type.Null()]),
});

const SamplerStatus = Type.Object({
  running: Type.Boolean(),
  interval_seconds: Type.Number(),
  last_cycle: Type.Union([
    Type.Object({
      at: Type.String(),
      duration_ms: Type.Number(),
      ok: Type.Boolean(),
      error: Type.Union([Type.String(), Type.Null()]),
      keys: Type.Integer(),
      keys_with_traffic: Type.Integer(),
    }),
    Type.Null(),
  ]),
});

export const TrafficStatus = Envelope(
  Type.Object({ sampler: SamplerStatus, firewall_available: Type.Boolean(), keys: Type.Array(KeyTrafficStatus) }),
);

const PeriodTotals = Type.Object({
  rx_bytes: ByteCount,
  tx_bytes: ByteCount,
  total_bytes: ByteCount,
  total_formatted: Type.String(),
  sessions: Type.Integer(),
});

export const TrafficSummary = Envelope(
  Type.Object({
    keys: Type.Object({ total: Type.Integer(), active: Type.Integer(), disabled: Type.Integer() }),
    live: Type.Object({ connections: Type.Integer(), traffic_rate: Type.Number() }),
    today: Type.Object({ date: Type.String(), ...PeriodTotals.properties }),
    month: Type.Object({ year_month: Type.String(), ...PeriodTotals.properties }),
    lifetime: Type.Object({
      rx_bytes: ByteCount,
      tx_bytes: ByteCount,
      total_bytes: ByteCount,
      total_formatted: Type.String(),
      total_connections: Type.Integer(),
    }),
    sampler: SamplerStatus,
  }),
);

// Every system endpoint takes no input and gives the common errors: method, path, answer, summary.
const system = <const M extends HttpMethod, const P extends string, const R extends TSchema>(method: M, path: P, response: R, summary: string) =>
  endpoint({ method, path, tag: 'system', summary, response, errors: commonErrors });

export const getTrafficStatus = system('GET', '/api/traffic/status', TrafficStatus, 'Traffic accounting state of every key');
export const syncConfig = system('POST', '/api/system/sync-config', SyncConfigResult, 'Bring the firewall rules and Xray in step with the keys');
export const getConfigStatus = system('GET', '/api/system/config-status', ConfigStatus, 'What is out of step between the keys, the firewall and Xray');
export const verifyReality = system('POST', '/api/system/verify-reality', RealityReport,
  'Check the Reality settings, and probe the target from this server (TCP, TLS 1.3, X25519, h2, certificate per server name)');
export const getPorts = system('GET', '/api/system/ports', PortsReport, 'Port assignments');
export const resetPorts = system('POST', '/api/system/ports/reset', PortsResetResult,
  'Reassign every key a port from the start of the range, oldest first (moved keys need new links)');
export const validatePorts = system('GET', '/api/system/ports/status', PortsValidation, 'Validate every key’s port');
export const getTrafficSummary = system('GET', '/api/system/traffic/summary', TrafficSummary, 'Server-wide traffic: live, today, this month, lifetime');
export const getXrayConfigStatus = system('GET', '/api/system/xray/config-status', XrayConfigStatus,
  'Xray: binary, process, API, and how the file and live inbounds differ from the keys');
export const syncXrayConfig = system('POST', '/api/system/xray/sync-config', XraySyncResult,
  'Rewrite the Xray config and apply it live (restart only if the API is down)');
export const validateXraySync = system('GET', '/api/system/xray/validate-sync', Validation,
  'Validate the Xray config file and that it and the live Xray match the keys');
