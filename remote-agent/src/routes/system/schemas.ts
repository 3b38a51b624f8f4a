import { Type } from '@sinclair/typebox';
import { ByteCount, Envelope } from '../../schemas/common.ts';

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

const SocketHolder = Type.Object({ pid: Type.Integer(), command: Type.String() });

export const XrayStatus = Type.Object({
  in_sync: Type.Boolean({ description: 'the file and the running Xray both serve exactly the active keys' }),
  expected_inbounds: Type.Integer(),
  binary: Type.Object({ path: Type.String(), installed: Type.Boolean(), version: Type.Union([Type.String(), Type.Null()]) }),
  process: Type.Object({ running: Type.Boolean(), pid: Type.Union([Type.Integer(), Type.Null()]) }),
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
});

const FirewallSync = Type.Object({
  added: Type.Array(Type.Integer()),
  removed: Type.Array(Type.Integer()),
  repaired: Type.Array(Type.Integer()),
  reblocked: Type.Array(Type.Integer()),
});

export const ConfigStatus = Envelope(Type.Object({ in_sync: Type.Boolean(), xray: XrayStatus, firewall: FirewallStatus }));

export const SyncConfigResult = Envelope(
  Type.Object({ firewall: FirewallSync, xray: ApplyOutcome, in_sync: Type.Boolean(), xray_status: XrayStatus }),
);

export const XrayConfigStatus = Envelope(XrayStatus);

export const XraySyncResult = Envelope(Type.Object({ applied: ApplyOutcome, status: XrayStatus }));

export const Validation = Envelope(Type.Object({ valid: Type.Boolean(), checks: Type.Array(Check) }));

export const RealityReport = Envelope(
  Type.Object({
    valid: Type.Boolean(),
    checks: Type.Array(Check),
    public_key: Type.String(),
    short_ids: Type.Array(Type.String()),
    dest: Type.String(),
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
