import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { HostFigures, TrafficSummaryReport } from '../../../../shared/contract/api-types.ts';
import type { ServerInfo, ServerStatus } from '../../../../shared/contract/servers.ts';

const HERE = import.meta.dirname;
const MiB = 1024 ** 2;

/** What the test renders with: the view, its store and the window's i18n, bundled together (one React). */
interface Rendering {
  renderFleetView(): string;
  i18n: typeof import('../../i18n/i18n.ts').i18n;
  useFleetStore: typeof import('../../state/fleet-store.ts').useFleetStore;
}

let scratch: string;
let rendering: Rendering;

// Node runs .ts but not .tsx: esbuild bundles the view as the window's build does, and React renders it to HTML.
before(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'keyport-render-'));
  const entry = `
    import { createElement } from 'react';
    import { renderToStaticMarkup } from 'react-dom/server';
    import { I18nextProvider } from 'react-i18next';
    import { i18n } from './src/i18n/i18n.ts';
    import { FleetView } from './src/views/fleet/fleet-view.tsx';
    export { i18n };
    export { useFleetStore } from './src/state/fleet-store.ts';
    export const renderFleetView = () => renderToStaticMarkup(createElement(I18nextProvider, { i18n }, createElement(FleetView)));
  `;
  const bundled = await build({
    stdin: { contents: entry, resolveDir: join(HERE, '../../..'), loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    jsx: 'automatic',
    write: false,
    logLevel: 'silent',
    // The CommonJS packages inside (React's server renderer) require Node's modules.
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  });
  const file = join(scratch, 'fleet-view.mjs');
  await writeFile(file, bundled.outputFiles[0]!.text);
  // The bridge is made at import: a window whose preload bridge answers nothing (the view only reads the stores).
  Object.assign(globalThis, { window: { keyportBridge: { invoke: () => new Promise(() => {}) } } });
  rendering = (await import(pathToFileURL(file).href)) as Rendering;
});

after(() => rm(scratch, { recursive: true, force: true }));

const SERVER: ServerInfo = {
  id: 's1',
  name: 'alpha',
  target: { host: '203.0.113.7', port: 22, user: 'root', auth: { method: 'agent' }, proxyJump: [] },
  sshAlias: null,
  hostKeyFingerprint: 'SHA256:abc',
  addedAt: '2026-12-01T10:00:00Z',
  agent: { version: '0.1.0', release: 'r1', deployedAt: '2026-12-01T10:05:00Z', apiPort: 8000 },
  lastSyncedAt: '2026-12-02T11:00:00Z',
};

const STATUS: ServerStatus = {
  server: SERVER,
  state: 'online',
  reason: null,
  agentVersion: '0.1.0',
  agentOutdated: false,
  xrayVersion: null,
  xrayVersionSupport: null,
  keyCount: 25,
  activeKeyCount: 21,
  keyLimits: { limited: 2, expired: 0, expiringSoon: 5 },
  xray: null,
  portCheck: null,
  problems: [{ code: 'xray-missing', fix: 'install-xray', binaryPath: '/usr/local/bin/xray' }],
};

const totals = (bytes: number) => ({ rx_bytes: bytes / 2, tx_bytes: bytes / 2, total_bytes: bytes, total_formatted: '', sessions: 3 });
const SUMMARY: TrafficSummaryReport = {
  keys: { total: 25, active: 21, disabled: 4 },
  live: { connections: 0, traffic_rate: 0 },
  today: { date: '2026-12-02', ...totals(36.69 * MiB) },
  month: { year_month: '2026-12', ...totals(1536 * MiB) },
  lifetime: { rx_bytes: 0, tx_bytes: 0, total_bytes: 0, total_formatted: '', total_connections: 0 },
  sampler: { running: true, interval_seconds: 60, last_cycle: null },
};

const GiB = 1024 ** 3;
const HOST: HostFigures = {
  uptime_seconds: 3 * 86_400 + 4 * 3_600 + 17 * 60,
  load_average: { one_minute: 0.42, five_minutes: 0.3, fifteen_minutes: 0.25 },
  cpu_count: 2,
  memory: { total_bytes: 3.8 * GiB, available_bytes: 2.6 * GiB },
  disk: { path: '/var/lib/keyport', total_bytes: 40 * GiB, free_bytes: 30 * GiB, available_bytes: 28 * GiB },
  xray_version: '26.7.28',
};

function fleetOfOneServer(status: ServerStatus = STATUS, server: ServerInfo = SERVER, host: { source: 'live' | 'cache' } = { source: 'live' }) {
  // Rendered on a server, a zustand store shows its initial state: here, the one the test sets.
  Object.assign(rendering.useFleetStore.getInitialState(), {
    servers: [server],
    list: { loading: false, error: null, value: true },
    statuses: { s1: { loading: false, error: null, value: status } },
    summaries: { s1: { loading: false, error: null, value: { data: SUMMARY, source: 'live', syncedAt: '2026-12-02T11:00:00Z' } } },
    hosts: { s1: { loading: false, error: null, value: { data: HOST, source: host.source, syncedAt: '2026-12-02T11:00:00Z' } } },
  });
}

/** The text a person reads: tags gone, with the labels screen readers say and the tooltips. */
function visibleText(html: string): string {
  const attributes = [...html.matchAll(/(?:aria-label|title|placeholder|alt)="([^"]*)"/g)].map((match) => match[1]);
  return `${html.replace(/<[^>]+>/g, ' ')} ${attributes.join(' ')}`.replace(/&#x27;/g, "'").replace(/&amp;/g, '&').replace(/\s+/g, ' ');
}

test('the fleet view reads in Russian: headings, state, problem, plurals, sizes and numbers', async () => {
  fleetOfOneServer();
  await rendering.i18n.changeLanguage('ru');
  try {
    const text = visibleText(rendering.renderFleetView());
    for (const shown of ['Все серверы', 'Обновить', 'Ключи (активные / все)', 'Сегодня (UTC)', 'Нет Xray', 'Xray не установлен на этом сервере', 'Установить Xray…']) {
      assert.ok(text.includes(shown), `"${shown}" in: ${text}`);
    }
    assert.ok(text.includes('2 ключа исчерпаны'), text);
    assert.ok(text.includes('5 ключей истекают в ближайшие 7 дн.'), text);
    assert.ok(text.includes('36,69 МиБ') && text.includes('1,50 ГиБ'), text);
    assert.ok(text.includes('21 / 25'), text);
    for (const shown of ['Xray 26.7.28', 'работает 3 дня 4 ч', 'нагрузка 0,42 / 2 ядра', 'память 1,20 ГиБ / 3,80 ГиБ', 'диск: свободно 28,00 ГиБ']) {
      assert.ok(text.includes(shown), `"${shown}" in: ${text}`);
    }
    // Names (the server's, Xray, Keyport, UTC), paths and addresses may stay Latin; words may not.
    const latinWords = text
      .replace(/\S*[/@:.]\S*/g, ' ')
      .match(/\b[A-Za-z]{2,}\b/g)
      ?.filter((word) => !['alpha', 'Xray', 'Keyport', 'UTC', 'root', 'MemAvailable'].includes(word));
    assert.deepEqual(latinWords ?? [], [], text);
  } finally {
    await rendering.i18n.changeLanguage('en');
  }
});

test('the same view reads in English, as before', async () => {
  fleetOfOneServer();
  const text = visibleText(rendering.renderFleetView());
  for (const shown of ['Fleet', 'Keys (active / all)', 'No Xray', '2 keys limited', '5 keys expire within 7 days', '36.69 MiB', '1.50 GiB']) {
    assert.ok(text.includes(shown), `"${shown}" in: ${text}`);
  }
});

test('Redeploy is a plain button; a first deploy and an upgrade are the primary one', () => {
  const deployButton = () => /<button[^>]*data-testid="deploy-button"[^>]*>([^<]*)<\/button>/.exec(rendering.renderFleetView());
  fleetOfOneServer();
  const redeploy = deployButton();
  assert.equal(redeploy?.[1], 'Redeploy');
  assert.doesNotMatch(redeploy?.[0] ?? '', /class="primary"/);
  fleetOfOneServer({ ...STATUS, agentOutdated: true });
  assert.equal(deployButton()?.[1], 'Upgrade');
  assert.match(deployButton()?.[0] ?? '', /class="primary"/);
  fleetOfOneServer({ ...STATUS, state: 'not-deployed', agentVersion: null }, { ...SERVER, agent: null });
  assert.equal(deployButton()?.[1], 'Deploy');
  assert.match(deployButton()?.[0] ?? '', /class="primary"/);
});

test('the host figures read as the agent gave them; offline, from the cache and as of when', async () => {
  fleetOfOneServer(STATUS, SERVER, { source: 'cache' });
  const text = visibleText(rendering.renderFleetView());
  for (const shown of ['Xray 26.7.28', 'up 3 days 4 h', 'load 0.42 / 2 CPUs', 'memory 1.20 GiB / 3.80 GiB', 'disk 28.00 GiB free']) {
    assert.ok(text.includes(shown), `"${shown}" in: ${text}`);
  }
  assert.ok(text.includes('Load average over 1, 5 and 15 minutes: 0.42, 0.30, 0.25'), text);
  assert.ok(text.includes('28.00 GiB free of 40.00 GiB on the disk that holds /var/lib/keyport'), text);
  assert.match(text, /Running since Nov 29, 2026, 6:43 AM UTC/);
  assert.match(text, /from cache, Dec 2, 2026, 11:00 AM UTC/);
});

test('an agent older than the host figures says so under the address; a server never read shows none', async () => {
  fleetOfOneServer();
  Object.assign(rendering.useFleetStore.getInitialState(), { hosts: { s1: { loading: false, error: 'GET /api/system/host: not found', errorCode: 'not-found' } } });
  const older = visibleText(rendering.renderFleetView());
  assert.ok(older.includes('host figures need a newer agent'), older);
  assert.ok(older.includes('deploy to upgrade it'), older);
  Object.assign(rendering.useFleetStore.getInitialState(), { hosts: { s1: { loading: false, error: 'alpha is offline', errorCode: 'server-offline' } } });
  const unread = visibleText(rendering.renderFleetView());
  assert.ok(!unread.includes('host figures') && !unread.includes('Xray 26.7.28'), unread);
});

test('fleet totals add today and this month over the servers, saying how many, how many from cache, and as of when', async () => {
  const now = new Date();
  const today = now.toISOString().slice(0, 10);
  const sampledAt = `${today}T08:30:00.000000`;
  const summaryOf = (todayBytes: number, monthBytes: number, lastCycleAt: string | null): TrafficSummaryReport => ({
    ...SUMMARY,
    today: { date: today, ...totals(todayBytes) },
    month: { year_month: today.slice(0, 7), ...totals(monthBytes) },
    sampler: { running: true, interval_seconds: 10, last_cycle: lastCycleAt === null ? null : { at: lastCycleAt, duration_ms: 2, ok: true, error: null, keys: 25, keys_with_traffic: 3 } },
  });
  const beta: ServerInfo = { ...SERVER, id: 's2', name: 'beta' };
  const idle: ServerInfo = { ...SERVER, id: 's3', name: 'gamma', agent: null };
  Object.assign(rendering.useFleetStore.getInitialState(), {
    servers: [SERVER, beta, idle],
    list: { loading: false, error: null, value: true },
    statuses: {},
    summaries: {
      s1: { loading: false, error: null, value: { data: summaryOf(1 * MiB, 10 * MiB, `${today}T11:59:50.000000`), source: 'live', syncedAt: now.toISOString() } },
      s2: { loading: false, error: null, value: { data: summaryOf(0.5 * MiB, 5 * MiB, sampledAt), source: 'cache', syncedAt: `${today}T08:30:05.000Z` } },
    },
  });
  const html = rendering.renderFleetView();
  const cards = visibleText(/data-testid="fleet-totals".*?<\/div><\/div><\/div>/s.exec(html)?.[0] ?? '');
  assert.match(cards, /Today, all servers \(.+, UTC\) 1\.50 MiB 2 of 2 servers · 1 from cache · as of .*8:30.* UTC/);
  assert.match(cards, /This month, all servers \(.+, UTC\) 15\.00 MiB 2 of 2 servers/);
  await rendering.i18n.changeLanguage('ru');
  try {
    const russian = visibleText(rendering.renderFleetView());
    assert.match(russian, /Сегодня, все серверы \(.+, UTC\) 1,50 МиБ 2 из 2 серверов · из кэша: 1 · на .*8:30 UTC/);
  } finally {
    await rendering.i18n.changeLanguage('en');
  }
});
