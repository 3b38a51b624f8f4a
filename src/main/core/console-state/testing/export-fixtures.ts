import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import type { ApiKey } from '../../../../shared/contract/api-types.ts';
import type { PendingDisable } from '../../../../shared/contract/people.ts';
import type { ServerInfo } from '../../../../shared/contract/servers.ts';
import type { ExportBody } from '../console-export-format.ts';
import { exportChecksum } from '../export-digest.ts';
import type { ConsoleHome } from './console-home.ts';

export const PASSWORD = 'correct horse battery staple';
export const PASSPHRASE = 'the export passphrase';
const pin = (last: string) => `SHA256:${'uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2'}${last}`;
export const PINS = { alpha: pin('s'), hop: pin('t'), beta: pin('u'), gamma: pin('v'), other: pin('w') };

/** A key in the cache that no export may carry. */
export const CACHED_KEY: ApiKey = {
  id: 'key-1',
  name: 'cache-only-key-name',
  uuid: 'c0ffee00-1111-4222-8333-444455556666',
  created_at: '2025-08-02T10:00:00.000000',
  is_active: true,
  port: 10001,
  status: 'active',
  data_limit_bytes: null,
  data_limit_reset: 'no_reset',
  expires_at: null,
  note: '',
  used_bytes: 0,
  period_started_at: null,
  subscription_url: null,
};

/**
 * A fleet of three in `home`: alpha (a key file in `keyDir`, a jump host, a deployed agent whose
 * record and target carry fields this Keyport does not know), beta (a password, sealed when the
 * home has a keychain) and gamma (ssh-agent); a pending disable on alpha and one left for a server
 * removed since; a cached key and sync time that are the cache's alone.
 */
export function seedFleet(home: ConsoleHome, keyDir: string, options: { sealPassword?: (plain: string) => string } = {}): { alpha: ServerInfo; beta: ServerInfo; gamma: ServerInfo; pending: PendingDisable } {
  const keyPath = join(keyDir, 'id_ed25519');
  writeFileSync(keyPath, ssh2.utils.generateKeyPairSync('ed25519').private, { mode: 0o600 });
  const alpha = {
    id: '0b7c6a52-6d1f-4c1e-9f0e-3c2a1b4d5e6f',
    name: 'alpha',
    target: { host: '203.0.113.7', port: 22, user: 'root', auth: { method: 'key', keyPath }, proxyJump: ['hop.example:2222'], futureTargetField: 'kept' },
    sshAlias: 'alpha-vps',
    hostKeyFingerprint: PINS.alpha,
    addedAt: '2025-08-01T09:00:00.000Z',
    agent: { version: '2.1.3', release: 'r1', deployedAt: '2025-08-01T09:05:00.000Z', apiPort: 8000, keyPorts: { from: 10001, to: 29999 }, subscriptions: { port: 8443, urlBase: 'http://203.0.113.7:8443', certificate: null }, futureAgentField: 'kept' },
    lastSyncedAt: null,
  } as ServerInfo;
  const beta: ServerInfo = {
    id: '1c8d7b63-7e2f-4d2f-8f1f-4d3b2c5e6f70',
    name: 'beta',
    target: { host: 'beta.example', port: 2222, user: 'admin', auth: { method: 'password' }, proxyJump: [] },
    sshAlias: null,
    hostKeyFingerprint: PINS.beta,
    addedAt: '2025-08-02T09:00:00.000Z',
    agent: null,
    lastSyncedAt: null,
  };
  const gamma: ServerInfo = {
    id: '2d9e8c74-8f30-4e30-9020-5e4c3d6f7081',
    name: 'gamma',
    target: { host: '2001:db8::7', port: 22, user: 'root', auth: { method: 'agent' }, proxyJump: [] },
    sshAlias: null,
    hostKeyFingerprint: PINS.gamma,
    addedAt: '2025-08-03T09:00:00.000Z',
    agent: { version: '2.1.3', release: 'r1', deployedAt: '2025-08-03T09:05:00.000Z', apiPort: 8000 },
    lastSyncedAt: null,
  };
  home.cache.saveServer(alpha, { trustedKeys: { '203.0.113.7:22': PINS.alpha, 'hop.example:2222': PINS.hop } });
  home.cache.saveServer(beta, { trustedKeys: { 'beta.example:2222': PINS.beta }, sealedSecret: options.sealPassword?.(PASSWORD) ?? null });
  home.cache.saveServer(gamma, { trustedKeys: { '2001:db8::7:22': PINS.gamma } });
  home.cache.markSynced(alpha.id, '2025-08-05T11:58:00.000Z');
  home.cache.replaceKeys(alpha.id, [CACHED_KEY], '2025-08-05T11:58:00.000Z');
  const pending: PendingDisable = { serverId: alpha.id, server: 'alpha', keyId: 'key-1', uuid: CACHED_KEY.uuid, name: 'Анна 📱', dueAt: '2025-08-12T12:00:00.000Z' };
  home.pending.add([pending, { ...pending, serverId: 'a-server-removed-since', server: 'gone' }]);
  return { alpha, beta, gamma, pending };
}

/** The file's document changed by `change`, written back with its checksum made right again (so only the change is judged). */
export function rewriteExport(file: string, change: (document: Record<string, unknown> & ExportBody) => void, target = file): void {
  const document = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown> & ExportBody;
  change(document);
  const { sha256: _old, ...body } = document;
  writeFileSync(target, JSON.stringify({ ...body, sha256: exportChecksum(body as unknown as ExportBody) }, null, 2));
}
