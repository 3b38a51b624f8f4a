import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { ServerInfo } from '../../../shared/contract/servers.ts';
import { EXPORT_FORMAT, EXPORT_VERSION, type ExportBody, type ExportedServer } from './console-export-format.ts';
import { exportChecksum } from './export-digest.ts';
import { planConsoleImport, type HomeServer } from './plan-console-import.ts';
import { readConsoleExport, type OpenedConsoleExport } from './read-console-export.ts';

const dir = mkdtempSync(join(tmpdir(), 'keyport-plan-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const FINGERPRINT = 'SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s';

const server = (id: string, name: string, host = `${name}.example`): ServerInfo => ({
  id,
  name,
  target: { host, port: 22, user: 'root', auth: { method: 'agent' }, proxyJump: [] },
  sshAlias: null,
  hostKeyFingerprint: FINGERPRINT,
  addedAt: '2025-08-01T09:00:00.000Z',
  agent: null,
  lastSyncedAt: null,
});
const exported = ({ lastSyncedAt: _cacheOnly, ...record }: ServerInfo, extra: Record<string, unknown> = {}): ExportedServer => ({
  ...record,
  hostKeyPins: { [`${record.target.host}:22`]: FINGERPRINT },
  ...extra,
});
const opened = (servers: ExportedServer[]): OpenedConsoleExport => ({
  file: 'export.json',
  document: { format: EXPORT_FORMAT, version: EXPORT_VERSION, exportedAt: '2025-08-05T12:00:00.000Z', servers, pendingDisables: [], secrets: null, sha256: '' },
  secrets: null,
});
const home = (...servers: ServerInfo[]): HomeServer[] => servers.map((entry) => ({ server: entry, trustedKeys: {} }));

test("a record's fields this Keyport does not know pass the checks and reach the cache's save as they are", async () => {
  const body: ExportBody = {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: '2025-08-05T12:00:00.000Z',
    servers: [exported(server('s1', 'alpha'), { subscriptionDeploy: { port: 8443, tls: { cert: '/etc/ssl/a.pem' } } })],
    pendingDisables: [],
    secrets: null,
  };
  const file = join(dir, 'future.json');
  writeFileSync(file, JSON.stringify({ ...body, sha256: exportChecksum(body) }));
  const plan = planConsoleImport([], await readConsoleExport(file, async () => assert.fail('no secrets')), false);
  assert.deepEqual((plan.saves[0]!.server as ServerInfo & { subscriptionDeploy?: unknown }).subscriptionDeploy, { port: 8443, tls: { cert: '/etc/ssl/a.pem' } });
  assert.equal(plan.saves[0]!.server.lastSyncedAt, null);
  assert.ok(!('hostKeyPins' in plan.saves[0]!.server), 'the pins go to the trusted keys, not the record');
});

test('the same id under another name here is the same server: skipped, named as it is here', () => {
  const plan = planConsoleImport(home(server('s1', 'renamed')), opened([exported(server('s1', 'alpha'))]), false);
  assert.deepEqual(plan.outcomes, [{ name: 'alpha', outcome: 'skipped', clash: 'id', existing: 'renamed' }]);
  assert.deepEqual(plan.saves, []);
});

test('--replace over a name and an id held by two servers here removes the one of another id and overwrites the other', () => {
  const plan = planConsoleImport(home(server('s1', 'beta'), server('s2', 'alpha')), opened([exported(server('s1', 'alpha'))]), true);
  assert.deepEqual(plan.outcomes, [{ name: 'alpha', outcome: 'replaced', replaced: ['beta', 'alpha'] }]);
  assert.deepEqual(plan.removals, [{ id: 's2', name: 'alpha' }]);
  assert.deepEqual(plan.saves.map((save) => save.server.id), ['s1']);
});

test("pins are merged only for endpoints on the route of the server here: a jump host's too", () => {
  const mine = { ...server('s9', 'alpha', 'a.example'), target: { ...server('s9', 'alpha', 'a.example').target, proxyJump: ['hop.example:2222'] } };
  const theirs = exported(server('s1', 'alpha', 'a.example'));
  const theirKey = FINGERPRINT.replace(/s$/, 't');
  theirs.hostKeyPins = { 'a.example:22': theirKey, 'hop.example:2222': FINGERPRINT, 'elsewhere.example:22': FINGERPRINT };
  const plan = planConsoleImport(home(mine), opened([theirs]), false);
  assert.deepEqual(plan.pinMerges.map((merge) => merge.trustedKeys), [{ 'a.example:22': theirKey, 'hop.example:2222': FINGERPRINT }]);
  assert.equal(plan.pinMerges[0]!.server.hostKeyFingerprint, theirKey, 'a target trusted by no key here takes the one the file trusts');
});
