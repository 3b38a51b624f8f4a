import type { ApiKey, KeyConfig } from '../../../shared/contract/api-types.ts';
import type { DeployResult } from '../../../shared/contract/deploy.ts';
import type { HostKeyProbe, ServerInfo } from '../../../shared/contract/servers.ts';
import type { Cached } from '../../../shared/contract/services.ts';

export const PROBE: HostKeyProbe = { keyType: 'ssh-ed25519', fingerprint: 'SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s' };

export const SERVER: ServerInfo = {
  id: '0b7c6a52-6d1f-4c1e-9f0e-3c2a1b4d5e6f',
  name: 'alpha',
  target: { host: '203.0.113.7', port: 22, user: 'root', auth: { method: 'key', keyPath: '/home/ann/.ssh/id_ed25519' }, proxyJump: [] },
  sshAlias: null,
  hostKeyFingerprint: PROBE.fingerprint,
  addedAt: '2025-08-01T09:00:00.000Z',
  agent: { version: '2.1.3', release: '20250801-090000', deployedAt: '2025-08-01T09:05:00.000Z', apiPort: 8000 },
  lastSyncedAt: '2025-08-05T11:58:00.000Z',
};

export const ALICE: ApiKey = {
  id: '5f8c1a2e-4b1d-4c39-9a57-0e2f3b6d8c11',
  name: 'alice@example.com',
  uuid: 'c0ffee00-1111-4222-8333-444455556666',
  created_at: '2025-08-02T10:00:00.000000',
  is_active: true,
  port: 10001,
  status: 'active',
  data_limit_bytes: null, data_limit_reset: 'no_reset', expires_at: null, note: '', used_bytes: 0, period_started_at: null, subscription_url: null,
};

export const BOB: ApiKey = { ...ALICE, id: '7a1d9e44-2c3b-4d5e-8f60-718293a4b5c6', name: 'bob', uuid: 'c0ffee00-7777-4888-9999-aaaabbbbcccc', port: 10002, is_active: false, status: 'disabled' };

export const ALICE_CONFIG: KeyConfig = {
  key: ALICE,
  vless_url: `vless://${ALICE.uuid}@203.0.113.7:10001?encryption=none&flow=xtls-rprx-vision&security=reality&type=tcp#alice%40example.com`,
  qr_code_data: `vless://${ALICE.uuid}@203.0.113.7:10001?encryption=none&flow=xtls-rprx-vision&security=reality&type=tcp#alice%40example.com`,
};

export function live<T>(data: T): Cached<T> {
  return { data, source: 'live', syncedAt: '2025-08-05T12:00:00.000Z' };
}

export function fromCache<T>(data: T): Cached<T> {
  return { data, source: 'cache', syncedAt: '2025-08-04T18:30:00.000Z' };
}

/** A deploy that went through on a Debian systemd server as root, the runtime already there. */
export const DEPLOYED: DeployResult = {
  release: '20250805-120000',
  agentVersion: '2.1.3',
  facts: { os: 'Debian 12', arch: 'x64', init: 'systemd', asRoot: true, xrayVersion: '25.8.3' },
  runtimeUploaded: false,
  rolledBack: false,
};
