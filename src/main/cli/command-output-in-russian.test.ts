import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type {
  ApiKey,
  ConfigSyncReport,
  KeyMonthlyReport,
  LiveTraffic,
  MonthlyReport,
  RealityCheckReport,
  ServerSettingsPatch,
  ServerSettingsUpdate,
} from '../../shared/contract/api-types.ts';
import { deployNote } from '../../shared/contract/deploy-notes.ts';
import type { MoveResult, PeopleChange, PeopleList, Person } from '../../shared/contract/people.ts';
import type { PortCheck, ServerProblem, XrayHealth } from '../../shared/contract/server-health.ts';
import type { ServerStatus } from '../../shared/contract/servers.ts';
import type { RestoreProgress, RestoreReport } from '../core/services/server-backup-service.ts';
import { SETTINGS } from '../core/services/testing/server-settings.ts';
import type { ExportReport, ImportReport } from '../core/console-state/console-state-service.ts';
import { importedText, importWarnings } from './console-state-words.ts';
import { cliWords } from './i18n/cli-i18n.ts';
import { fakeCore, type FakeCoreParts } from './testing/fake-core.ts';
import { ALICE, ALICE_CONFIG, BOB, DEPLOYED, fromCache, live, PROBE, SERVER } from './testing/fixtures.ts';
import { runInProcess, type InProcessOptions } from './testing/run-in-process.ts';

const RUSSIAN = { LANG: 'ru_RU.UTF-8' };

/**
 * Words of three or more Latin letters a Russian line may keep: product and protocol names, units,
 * column names that are terms (UUID, XRAY), the placeholders of commands' syntax.
 */
const TERMS = new Set([
  'Keyport', 'Xray', 'XRAY', 'API', 'VLESS', 'VPN', 'Reality', 'HTTP', 'HTTPS', 'UTC', 'PID', 'UUID', 'uuid', 'Node', 'root', 'sudo', 'tcp',
  'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'TOKEN', 'FILE', 'keyport', 'vless', 'Ctrl', 'SSH', 'sni', 'curl',
  'SERVER', 'NAME', 'PERSON', 'HOST', 'PORT', 'FROM', 'DATE', 'YYYY', 'KEY', 'SIZE', 'WHEN', 'TCP', 'TLS',
]);

/** The English words left in `text` once commands (`keyport ...`), flags, links, paths, uuids and the facts given are taken out. */
function englishWords(text: string, facts: readonly string[] = []): string[] {
  let rest = text
    .replace(/^keyport: /gm, ' ')
    .replace(/\b[a-z]+:\/\/\S+/g, ' ')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, ' ')
    .replace(/(?:\/[\w.-]+)+/g, ' ')
    // The JSON field a deploy's summary names.
    .replace(/\bsubscription_url\b/g, ' ')
    .replace(/keyport(?: +[\w.:@/=+*,'-]+)+/g, ' ')
    .replace(/--[\w-]+/g, ' ');
  for (const fact of [...facts].sort((a, b) => b.length - a.length)) rest = rest.split(fact).join(' ');
  return [...new Set(rest.match(/[A-Za-z]{3,}/g) ?? [])].filter((word) => !TERMS.has(word));
}

/** A run in Russian: it has Russian in it, and no English left beside the facts. */
async function inRussian(argv: string[], services: FakeCoreParts, facts: readonly string[] = [], terminal: Pick<InProcessOptions, 'stdin' | 'isTTY'> = {}) {
  const { core } = fakeCore(services);
  const result = await runInProcess(argv, { core, env: RUSSIAN, ...terminal });
  const output = result.stdout + result.stderr;
  assert.match(output, /[а-яё]/i, `${argv.join(' ')} says nothing in Russian:\n${output}`);
  assert.deepEqual(englishWords(output, [SERVER.name, ...facts]), [], `${argv.join(' ')} left English words in:\n${output}`);
  return result;
}

const NOW = new Date('2025-08-05T12:00:00Z');
const LIMITED: ApiKey = { ...ALICE, id: 'k1', name: 'anna', data_limit_bytes: 1024 ** 3, used_bytes: 1024 ** 3, data_limit_reset: 'month', status: 'limited', note: 'ноутбук' };
const EXPIRING: ApiKey = { ...BOB, id: 'k2', name: 'boris', is_active: true, status: 'active', expires_at: '2025-08-08T12:00:00', data_limit_bytes: 50 * 1024 ** 3, used_bytes: 1024 };
const EXPIRED: ApiKey = { ...ALICE, id: 'k3', name: 'vera', port: 10003, expires_at: '2025-08-05T10:00:00', status: 'expired' };
const KEY_NAMES = [ALICE.name, BOB.name, LIMITED.name, EXPIRING.name, EXPIRED.name];

describe('keys in Russian', () => {
  test('keys list: its columns, statuses, usage, reset period and expiry; an empty list; the offline line', async () => {
    const keys = { list: async () => live([ALICE, BOB, LIMITED, EXPIRING, EXPIRED]) };
    const listed = await inRussian(['keys', 'list', 'alpha'], { keys }, KEY_NAMES);
    assert.match(listed.stdout, /^ID +ИМЯ +ПОРТ +СТАТУС +РАСХОД +СБРОС +ИСТЕКАЕТ +СОЗДАН +ЗАМЕТКА\n/);
    assert.match(listed.stdout, /anna +10001 +исчерпан +1\.00 GiB \/ 1\.00 GiB \(100%\) +месяц +- .* ноутбук\n/);
    assert.match(listed.stdout, /boris .* через 3 дня /);
    assert.match(listed.stdout, /vera .* истёк 2 ч назад /);
    await inRussian(['keys', 'list', 'alpha'], { keys: { list: async () => live([]) } });
    await inRussian(['keys', 'list', 'alpha', '--status', 'expired'], { keys: { list: async () => live([ALICE]) } });
    const offline = await inRussian(['keys', 'list', 'alpha'], { keys: { list: async () => fromCache([ALICE]) } }, KEY_NAMES);
    assert.equal(offline.stderr, '(не в сети: из кэша, последняя синхронизация 2025-08-04 18:30 UTC)\n');
  });

  test('keys create, set, enable, disable, rename and qr say what they did, and why a link will not work', async () => {
    const xrayDown: ServerProblem = { code: 'xray-down', fix: 'sync-config', lastError: null } as ServerProblem;
    const status = { problems: [xrayDown] } as unknown as ServerStatus;
    const created = await inRussian(
      ['keys', 'create', 'alpha', 'anna', '--limit', '1GB', '--reset', 'month'],
      { keys: { create: async () => LIMITED }, fleet: { status: async () => status } },
      KEY_NAMES,
    );
    assert.match(created.stdout, /^Создан ключ anna \(id k1, порт 10001\) на alpha\. .*\nСтатус: исчерпан, квота 1\.00 GiB в месяц, израсходовано 1\.00 GiB, бессрочный, заметка «ноутбук»\.\n$/);
    assert.match(created.stderr, /^внимание: ссылка anna пока не будет работать: Xray установлен, но не запущен/);
    const byName = { list: async () => live([ALICE, BOB, LIMITED, EXPIRING, EXPIRED]) };
    await inRussian(['keys', 'set', 'alpha', 'boris', '--note', 'x'], { keys: { ...byName, update: async () => EXPIRING } }, KEY_NAMES);
    const enabled = await inRussian(['keys', 'enable', 'alpha', 'vera'], { keys: { ...byName, setActive: async () => EXPIRED } }, KEY_NAMES);
    assert.match(enabled.stderr, /^внимание: Срок ключа vera истёк 2 ч назад, поэтому/);
    await inRussian(['keys', 'enable', 'alpha', 'anna'], { keys: { ...byName, setActive: async () => LIMITED } }, KEY_NAMES);
    await inRussian(['keys', 'disable', 'alpha', 'bob'], { keys: { ...byName, setActive: async () => BOB } }, KEY_NAMES);
    await inRussian(['keys', 'rename', 'alpha', 'bob', 'boris'], { keys: { ...byName, rename: async () => ({ ...BOB, name: 'boris' }) } }, KEY_NAMES);
    const dir = await mkdtemp(join(tmpdir(), 'keyport-qr-'));
    try {
      const file = join(dir, 'anna.svg');
      await inRussian(['keys', 'qr', 'alpha', ALICE.id, '--svg', file], { keys: { ...byName, config: async () => live(ALICE_CONFIG) } }, [file, ...KEY_NAMES]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('keys create-many: its progress and summary, with Russian plurals', async () => {
    const createMany = async () => ({ created: [{ ...ALICE, port: 20001 }, { ...BOB, port: 20005 }], skipped: ['vera', 'anna', 'boris', 'ivan', 'petr'] });
    const result = await inRussian(['keys', 'create-many', 'alpha', '-'], { keys: { createMany } }, KEY_NAMES, { stdin: 'anna\nboris\n' });
    assert.match(result.stdout, /^На alpha создано 2 ключа \(порты 20001-20005\)\.\nПропущено 5 имён, которые на alpha уже были\.\n/);
  });
});

const XRAY_RUNNING: XrayHealth = {
  state: 'ok', binaryPath: '/usr/local/bin/xray', installed: true, running: true, pid: 4242, rssBytes: 30 * 1024 ** 2, openFds: 40, openFilesLimit: 1024,
  liveInbounds: 2, apiReachable: true, apiError: null, inSync: true, expectedInbounds: 2, missingInbounds: 0, extraInbounds: 0, changedInbounds: 0,
  lastApplyError: null, firewallInSync: true, notServing: [], strayPids: [], routingInSync: true, privateDestinationsBlocked: true, versionSupport: null,
};

function serverStatus(changes: Partial<ServerStatus>): ServerStatus {
  return {
    server: SERVER, state: 'online', reason: null, agentVersion: '2.1.3', agentOutdated: true, xrayVersion: '26.9.1',
    xrayVersionSupport: { version: '26.9.1', support: 'newer-than-checked', minimum: '1.8.12', checked: '26.7.28' },
    keyCount: 2, activeKeyCount: 2, keyLimits: { limited: 1, expired: 0, expiringSoon: 1 }, xray: XRAY_RUNNING, portCheck: null, problems: [], ...changes,
  };
}

const EVERY_PROBLEM: ServerProblem[] = [
  { code: 'xray-missing', fix: 'install-xray', binaryPath: '/usr/local/bin/xray' },
  { code: 'xray-down', fix: 'sync-config', lastError: 'exit 23' },
  { code: 'xray-api-unreachable', fix: 'sync-config', error: 'ECONNREFUSED' },
  { code: 'xray-out-of-sync', fix: 'sync-config', expectedInbounds: 5, missingInbounds: 2, extraInbounds: 1, changedInbounds: 1 },
  { code: 'firewall-out-of-sync', fix: 'sync-config' },
  { code: 'keys-not-serving', fix: 'sync-config', keys: [{ keyId: 'k1', name: 'anna', reason: 'inbound missing' }] },
  { code: 'xray-duplicate', fix: 'sync-config', pids: [77] },
  { code: 'routing-out-of-sync', fix: 'sync-config', privateDestinationsBlocked: false },
  { code: 'xray-version-unsupported', fix: 'install-xray', version: '1.8.4', support: 'too-old', reason: 'older than 1.8.12' },
  { code: 'port-unreachable', fix: 'open-port', host: '203.0.113.7', port: 10001, keyPorts: { from: 10001, to: 29999 }, failure: 'timeout' },
] as ServerProblem[];

describe('servers in Russian', () => {
  test('server list: its columns and an empty fleet', async () => {
    const listed = await inRussian(['server', 'list'], { fleet: { list: async () => [SERVER, { ...SERVER, name: 'beta', lastSyncedAt: null, agent: null }] } }, ['beta']);
    assert.match(listed.stdout, /^ИМЯ +АДРЕС +АГЕНТ +СИНХРОНИЗИРОВАН +ID\n/);
    assert.match(listed.stdout, /\nbeta +root@203\.0\.113\.7:22 +- +никогда /);
    await inRussian(['server', 'list'], { fleet: { list: async () => [] } });
  });

  test('server status: its columns, states, Xray, and every problem with the command that fixes it', async () => {
    const statuses: Record<string, ServerStatus> = {
      alpha: serverStatus({ problems: EVERY_PROBLEM }),
      beta: serverStatus({ server: { ...SERVER, name: 'beta' }, state: 'offline', reason: 'connect ETIMEDOUT', xrayVersion: null, xray: { ...XRAY_RUNNING, state: 'down', running: false } }),
    };
    const result = await inRussian(
      ['server', 'status'],
      { fleet: { list: async () => [SERVER, { ...SERVER, name: 'beta' }], status: async (name: string) => statuses[name]! } },
      ['beta', 'anna', 'connect ETIMEDOUT', 'exit 23', 'ECONNREFUSED', 'inbound missing', 'older than'],
    );
    assert.match(result.stdout, /^ИМЯ +СОСТОЯНИЕ +АГЕНТ +XRAY +КЛЮЧЕЙ +АКТИВНЫХ +ИСЧЕРПАНО +ИСТЕКЛО +ИСТЕКАЕТ ЗА 7 ДН\. +ПРИЧИНА\n/);
    assert.match(result.stdout, /\nalpha +в сети +2\.1\.3 \(устарел\) +26\.9\.1 \(новее проверенной 26\.7\.28\) /);
    assert.match(result.stdout, /\nalpha: Xray PID 4242, 2 входящих обработчика, 30\.00 MiB в памяти, открытых файлов: 40 из 1024 допустимых\n/);
    assert.equal(result.stdout.match(/^alpha: /gm)?.length, 1 + EVERY_PROBLEM.length);
  });

  test('server check-ports and sync-config', async () => {
    const check: PortCheck = {
      host: '203.0.113.7', port: 10001, keyName: 'anna', reachable: false, failure: 'refused', errorCode: null, timeoutMs: 3000, keyPorts: null, checkedAt: NOW.toISOString(),
    };
    await inRussian(['server', 'check-ports', 'alpha'], { fleet: { checkPorts: async () => check } });
    await inRussian(['server', 'check-ports', 'alpha'], { fleet: { checkPorts: async () => ({ ...check, reachable: true, failure: null }) } }, ['anna']);
    const report = (inSync: boolean) =>
      ({ firewall: { added: [10001, 10002], removed: [], repaired: [], reblocked: [] }, xray: { at_ms: 1, method: 'api', ok: inSync, detail: 'added 2 inbounds' }, in_sync: inSync, xray_status: {} }) as unknown as ConfigSyncReport;
    const synced = await inRussian(['server', 'sync-config', 'alpha'], { system: { syncConfig: async () => report(true) } }, ['added 2 inbounds']);
    assert.equal(synced.stdout, 'Брандмауэр: исправлено 2 порта. Xray: added 2 inbounds\nalpha синхронизирован.\n');
    await inRussian(['server', 'sync-config', 'alpha'], { system: { syncConfig: async () => report(false) } }, ['added 2 inbounds']);
  });

  test('server deploy, uninstall and install-xray: the summary after the steps', async () => {
    // The [step] lines are the deploy's own; this fake deploy reports none.
    const found = deployNote('firewallFound', { found: [deployNote('nftablesChainDrops', { family: 'inet', table: 'admin', chain: 'input' })] });
    const deployed = {
      ...DEPLOYED,
      facts: { ...DEPLOYED.facts, asRoot: false },
      runtimeUploaded: true,
      hostFirewall: { found, opened: null, todo: ['nft add rule inet admin input tcp dport 10001-29999 accept'] },
      subscriptions: { port: 8080, urlBase: 'http://vpn.example.com:8080', certificate: null },
      subscriptionFirewall: { found, opened: null, todo: ['nft add rule inet admin input tcp dport 8080 accept'] },
    };
    const facts = ['Debian', 'systemd', 'nftables inet admin input', ...deployed.hostFirewall.todo, ...deployed.subscriptionFirewall.todo];
    const result = await inRussian(['server', 'deploy', 'alpha'], { deploy: { deploy: async () => deployed } }, facts);
    assert.match(result.stdout, /^Агент 2\.1\.3 \(выпуск 20250805-120000\) установлен на alpha: Debian 12 x64, systemd через sudo; среда Node загружена\.\n/);
    await inRussian(['server', 'deploy', 'alpha'], { deploy: { deploy: async () => ({ ...DEPLOYED, rolledBack: true }) } });
    await inRussian(['server', 'uninstall', 'alpha'], { deploy: { uninstall: async () => undefined } });
    await inRussian(['server', 'uninstall', 'alpha', '--delete-data', '--yes'], { deploy: { uninstall: async () => undefined } });
    for (const support of ['ok', 'newer-than-checked', 'too-old', 'unknown'] as const) {
      const installed = { xrayVersion: '26.7.28', binaryPath: '/usr/local/bin/xray', versionSupport: { version: '26.7.28', support, minimum: '1.8.12', checked: '26.7.28' } };
      // api.listen is the field of Xray's config the agent needs.
      await inRussian(['server', 'install-xray', 'alpha'], { deploy: { installXray: async () => installed } }, ['api.listen']);
    }
  });
});

describe('traffic in Russian', () => {
  const usage = { total_bytes: 2048, rx_bytes: 1024, tx_bytes: 1024, max_connections: 3, sessions: 21, total_formatted: '', rx_formatted: '', tx_formatted: '' };
  const identity = { key_id: ALICE.id, key_uuid: ALICE.uuid, key_name: ALICE.name, port: 10001, created_at: ALICE.created_at, last_activity: null, is_active: false };
  const facts = [ALICE.name];

  test('live, history, daily and monthly: their columns, yes and no, and their totals', async () => {
    const liveReport: LiveTraffic = {
      ports: { '10001': { port: 10001, connections: 1, total_bytes: 3, rx_bytes: 1, tx_bytes: 2, total_formatted: '', rx_formatted: '', tx_formatted: '', traffic_rate: 2048, uuid: ALICE.uuid, key_id: ALICE.id, name: ALICE.name, is_active: true } },
      total_connections: 1, total_bytes: 3, timestamp: NOW.getTime() / 1000,
    };
    const shown = await inRussian(['traffic', 'live', 'alpha'], { traffic: { live: async () => live(liveReport) } }, facts);
    assert.match(shown.stdout, /^ ПОРТ +ИМЯ +АКТИВЕН +ОТКРЫТО СЕЙЧАС +RX +TX +ВСЕГО +СКОРОСТЬ\n10001 +alice@example\.com +да .* 2\.00 KiB\/с\nВсего: 3 B, сейчас 1 соединение /);
    const total = { total_bytes: 0, rx_bytes: 0, tx_bytes: 0, total_connections: 5, total_formatted: '', rx_formatted: '', tx_formatted: '' };
    const overview = { total_keys: 5, active_keys: 0, total_traffic_bytes: 0, total_rx_bytes: 0, total_tx_bytes: 0, keys: [{ ...identity, total_traffic: total }], total_traffic_formatted: '', total_rx_formatted: '', total_tx_formatted: '' };
    const history = await inRussian(['traffic', 'history', 'alpha'], { traffic: { history: async () => live(overview) } }, facts);
    assert.match(history.stdout, /нет +0 B +0 B +0 B +5 +никогда\n5 ключей \(активных: 0\): rx 0 B, tx 0 B, всего 0 B\.\n$/);
    const keyHistory = { ...identity, total_traffic: total, daily_stats: { '2025-08-01': { total_bytes: 1, rx_bytes: 1, tx_bytes: 0, max_connections: 1, sessions: 2 } } };
    const keys = { list: async () => live([ALICE]) };
    await inRussian(['traffic', 'history', 'alpha', ALICE.id], { keys, traffic: { keyHistory: async () => live(keyHistory) } }, facts);
    const daily = { date: '2025-08-05', total_bytes: 3072, rx_bytes: 1024, tx_bytes: 2048, total_connections: 4, active_keys: 1, total_sessions: 9, total_formatted: '' };
    await inRussian(['traffic', 'daily', 'alpha'], { traffic: { daily: async () => live(daily) } });
    const byKey = { date: '2025-08-05', keys: { [ALICE.id]: { total_bytes: 3, rx_bytes: 1, tx_bytes: 2, max_connections: 1, sessions: 2 }, gone: { total_bytes: 1, rx_bytes: 1, tx_bytes: 0, max_connections: 0, sessions: 1 } } };
    const dayByKey = await inRussian(['traffic', 'daily', 'alpha', '--keys'], { keys, traffic: { dailyByKey: async () => live(byKey) } }, [...facts, 'gone']);
    assert.match(dayByKey.stdout, /\n\(удалённый ключ gone\) .*\n2025-08-05 \(UTC\): 2 ключа передавали данные или открывали соединения\.\n$/);
    const monthly: MonthlyReport = {
      year_month: '2025-07', total_keys: 1, active_keys: 1, total_traffic_bytes: 2048, total_rx_bytes: 1024, total_tx_bytes: 1024,
      total_connections: 3, total_sessions: 21, keys: [{ ...identity, monthly_traffic: usage }], total_traffic_formatted: '', total_rx_formatted: '', total_tx_formatted: '',
    };
    const month = await inRussian(['traffic', 'monthly', 'alpha'], { traffic: { monthly: async () => live(monthly) } }, facts);
    assert.match(month.stdout, /\n2025-07: 1 ключ \(активных: 1\), rx 1\.00 KiB, tx 1\.00 KiB, всего 2\.00 KiB, открыто 21 соединение\.\n$/);
    const keyMonthly: KeyMonthlyReport = { ...identity, year_month: '2025-08', monthly_traffic: usage, daily_breakdown: { '2025-08-01': { total_bytes: 1, rx_bytes: 1, tx_bytes: 0, max_connections: 1, sessions: 1 } } };
    await inRussian(['traffic', 'monthly', 'alpha', '--key', ALICE.id], { keys, traffic: { keyMonthly: async () => live(keyMonthly) } }, facts);
  });
});

describe('people in Russian', () => {
  const ANNA: Person = {
    uuid: ALICE.uuid,
    name: 'anna',
    keys: [
      { serverId: 's2', server: 'beta', key: { ...LIMITED, id: 'b1' }, source: 'cache', syncedAt: '2025-08-04T18:30:00.000Z' },
      { serverId: 's1', server: 'alpha', key: { ...ALICE, name: 'anna', is_active: false, status: 'disabled' }, source: 'live', syncedAt: NOW.toISOString() },
    ],
    usedBytes: 3072,
    monthBytes: 5 * 1024 ** 2,
    subscriptionUrl: null,
    subscriptionUrls: [],
  };
  // What was done on each server is the core's words, as an error's message is.
  const done = 'created key "anna"';
  const CHANGE: PeopleChange = {
    people: [ANNA],
    outcomes: [{ server: 'alpha', done: true, what: done }, { server: 'beta', done: false, what: done, code: 'server-offline', message: 'beta does not answer' }],
  };
  const facts = ['anna', 'beta', done, 'beta does not answer', 'server-offline', 'gamma is offline'];

  test('people list: its columns, statuses, the cached mark, grace periods over and pending disables', async () => {
    const listed: PeopleList = {
      people: [ANNA],
      unavailable: [{ server: 'gamma', code: 'server-offline', message: 'gamma is offline' }],
      disabledNow: CHANGE.outcomes,
      pending: [{ serverId: 's1', server: 'alpha', keyId: 'k2', uuid: ALICE.uuid, name: 'anna', dueAt: '2025-08-12T12:00:00.000Z' }],
    };
    const result = await inRussian(['people', 'list'], { people: { list: async () => listed } }, [...facts, 'gamma']);
    assert.match(result.stdout, /\nИМЯ +UUID +СЕРВЕРЫ +РАСХОД +МЕСЯЦ +ПОДПИСКА\nanna +\S+ +beta\* \(исчерпан\), alpha \(отключён\) /);
    assert.match(result.stdout, /\nБудут отключены:\n {2}alpha: anna \(ключ k2\) будет отключён после 2025-08-12 12:00 UTC\n$/);
    await inRussian(['people', 'list'], { people: { list: async () => ({ people: [], unavailable: [], disabledNow: [], pending: [] }) } });
  });

  test('people show: the person, their keys and links', async () => {
    const detail = { person: ANNA, links: [{ server: 'alpha', keyId: ALICE.id, vlessUrl: null }, { server: 'beta', keyId: 'b1', vlessUrl: ALICE_CONFIG.vless_url }] };
    const result = await inRussian(['people', 'show', 'anna'], { people: { show: async () => detail } }, facts);
    assert.match(result.stdout, /^anna \(uuid \S+\): 3\.00 KiB израсходовано в периодах квот, 5\.00 MiB в этом месяце\nСЕРВЕР +КЛЮЧ +ИМЯ +СТАТУС +КВОТА +ИСТЕКАЕТ +ДАННЫЕ\n/);
  });

  test('people add, remove, servers, push, rotate and move: their headings and what happened where', async () => {
    const change = async () => CHANGE;
    await inRussian(['people', 'add', 'anna', 'alpha', 'beta'], { people: { add: change } }, facts);
    await inRussian(['people', 'remove', 'anna', '--yes'], { people: { remove: change } }, facts);
    await inRussian(['people', 'servers', 'add', 'anna', 'alpha'], { people: { addServer: change } }, facts);
    await inRussian(['people', 'servers', 'remove', 'anna', 'alpha', '--yes'], { people: { removeServer: change } }, facts);
    await inRussian(['people', 'push', 'anna'], { people: { pushBundles: change } }, facts);
    await inRussian(['people', 'rotate', 'anna'], { people: { rotateSubscription: change } }, facts);
    const moved: MoveResult = {
      ...CHANGE,
      plan: [1, 2, 3, 4, 5].map((index) => ({ uuid: `u${index}`, name: `p${index}`, fromKeyId: `k${index}`, action: index === 1 ? 'present' : 'create', limits: {} })),
      pending: [{ serverId: 's1', server: 'alpha', keyId: 'k1', uuid: 'u1', name: 'anna', dueAt: '2025-08-12T12:00:00.000Z' }],
    };
    const result = await inRussian(['people', 'move', '--from', 'alpha', '--to', 'beta', '--all', '--disable-after', '7d'], { people: { move: async () => moved } }, facts);
    assert.match(result.stdout, /^Переносим 5 человек с alpha на beta: новых ключей там 4, уже было 1\.\n/);
    assert.match(result.stdout, /\nБудут отключены на alpha \(первой командой keyport people после этого срока\):\n/);
  });
});

describe('server settings, reality, backups and the tunnel in Russian', () => {
  const applied = { at_ms: 0, method: 'api', ok: true, detail: 'applied through the Xray API' } as const;
  const system = {
    settings: async () => live(SETTINGS),
    updateSettings: async (_server: string, patch: ServerSettingsPatch): Promise<ServerSettingsUpdate> => ({ settings: { ...SETTINGS, ...patch }, applied }),
  };
  // The agent's words, as the core passes them on.
  const agentWords = ['applied through the Xray API', 'chrome', 'dl.google.com', 'accepts TCP connections', 'did not offer TLS', 'restarted', 'socket hang up'];

  test('server settings and reality: their labels aligned, what Xray took, and a verify', async () => {
    const shown = await inRussian(['server', 'settings', 'alpha'], { system }, agentWords);
    assert.match(shown.stdout, /^Частные адреса  закрыты: .*\nЖурнал доступа  выкл\.: .*\nReality         dl\.google\.com:443, /);
    await inRussian(['server', 'settings', 'alpha', '--access-log', 'on'], { system: { ...system, updateSettings: async (_s, patch) => ({ settings: { ...SETTINGS, ...patch }, applied: { ...applied, method: 'restart' } }) } }, agentWords);
    await inRussian(['server', 'settings', 'alpha', '--private-destinations', 'on'], { system: { ...system, updateSettings: async (_s, patch) => ({ settings: { ...SETTINGS, ...patch }, applied: null }) } }, agentWords);
    const reality = await inRussian(['server', 'reality', 'alpha'], { system }, agentWords);
    assert.match(reality.stdout, /^Цель            dl\.google\.com:443\nИмена серверов  /);
    await inRussian(['server', 'reality', 'alpha', '--server-names', 'dl.google.com'], { system }, agentWords);
    const report: RealityCheckReport = {
      valid: false,
      checks: [
        { name: 'target_connect', ok: true, level: 'error', server_name: null, detail: 'dl.google.com:443 accepts TCP connections' },
        { name: 'h2', ok: false, level: 'warning', server_name: null, detail: 'dl.google.com:443 did not offer TLS' },
        { name: 'tls_version', ok: false, level: 'error', server_name: null, detail: 'dl.google.com:443 did not offer TLS' },
      ],
      public_key: 'pk', short_ids: ['ab'], target: 'dl.google.com:443', dest: 'dl.google.com:443', server_names: ['dl.google.com'], fingerprint: 'chrome',
    };
    const verified = await inRussian(['server', 'reality', 'alpha', '--verify'], { system: { verifyReality: async () => report } }, agentWords);
    assert.match(verified.stdout, /^Цель Reality dl\.google\.com:443: не пройдена 1 проверка\nок {8}dl/);
  });

  test('server backup, restore and backups, the passphrase asked on the terminal', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keyport-backup-ru-'));
    try {
      const file = join(dir, 'a.kpbak');
      const backups = {
        backup: async () => ({ file, sizeBytes: 1234, daily: null }),
        restore: async (_server: string, _file: string, _passphrase: string, options?: { onProgress?: (progress: RestoreProgress) => void }) => {
          options?.onProgress?.({ stage: 'uploading', sentBytes: 1024, totalBytes: 2048 });
          options?.onProgress?.({ stage: 'reconnecting', attempt: 1, attempts: 6, waitMs: 2000, sentBytes: 1024, totalBytes: 2048, reason: 'socket hang up' });
          options?.onProgress?.({ stage: 'restoring', totalBytes: 2048 });
          return { keys_restored: 3, daily_rows_restored: 40, ports_moved: [{ key_id: 'k2', key_name: 'bob', old_port: 10002, new_port: 10004 }], xray: { at_ms: 0, method: 'restart', ok: false, detail: 'restarted' } } satisfies RestoreReport;
        },
        dailyBackups: async () => [{ name: 'keyport-20261201T030405Z.db', taken_at: '2026-12-01T03:04:05.000Z', size_bytes: 4096 }],
      };
      const asked = await inRussian(['server', 'backup', 'alpha', file], { backups }, [file, ...agentWords], { isTTY: true, stdin: ['pass\r', 'pass\r'] });
      assert.equal(asked.stderr, 'Парольная фраза резервной копии: \nТа же парольная фраза ещё раз: \n');
      assert.match(asked.stdout, /\(1234 байта, зашифрована парольной фразой\)\.\n$/);
      await inRussian(['server', 'restore', 'alpha', file], { backups }, [file, 'bob', 'k2', ...agentWords], { isTTY: true, stdin: ['pass\r'] });
      await inRussian(['server', 'backups', 'alpha'], { backups }, ['keyport-20261201T030405Z.db']);
      await inRussian(['server', 'backups', 'alpha'], { backups: { dailyBackups: async () => [] } });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('tunnel, and server add showing the host key', async () => {
    const tunnel = await inRussian(['tunnel', 'alpha'], { openTunnel: async () => ({ url: 'http://127.0.0.1:18000', apiKey: 'k3y', close: async () => {} }) }, ['X-API-Key', 'k3y']);
    assert.match(tunnel.stdout, /^Адрес: {4}http:\/\/127\.0\.0\.1:18000\nКлюч API: k3y\nПример: {3}curl /);
    const fleet = { probeHostKey: async () => PROBE, add: async () => SERVER };
    const added = await inRussian(['server', 'add', 'alpha', '--host', '203.0.113.7', '--accept-host-key', PROBE.fingerprint], { fleet }, [PROBE.fingerprint, PROBE.keyType, SERVER.id]);
    assert.match(added.stderr, /^Ключ хоста alpha \(203\.0\.113\.7:22\): ssh-ed25519 SHA256:/);
  });
});

describe('export and import in Russian', () => {
  test('keyport export: what the file holds, with Russian plurals', async () => {
    const exported = (changes: Partial<ExportReport>): ExportReport => ({
      file: '/tmp/state.json', sizeBytes: 2048, servers: 2, hostKeyPins: 5, pendingDisables: 1, secrets: null, secretsLeftOut: [], ...changes,
    });
    for (const report of [exported({}), exported({ secretsLeftOut: ['beta'] }), exported({ secrets: [] }), exported({ secrets: ['beta'] })]) {
      const result = await inRussian(['export', report.file], { consoleState: { export: async () => report } }, ['beta']);
      assert.match(result.stdout, /^Записан \/tmp\/state\.json \(2048 Б, права 0600\): 2 сервера, 5 доверенных ключей хоста, 1 отложенное отключение\.\n/);
    }
  });

  test('keyport import: each server, host keys, pending disables, secrets and what each server needs', async () => {
    const report: ImportReport = {
      file: '/tmp/state.json',
      servers: [
        { name: 'alpha', outcome: 'skipped', clash: 'name', existing: 'alpha' },
        { name: 'beta', outcome: 'skipped', clash: 'id', existing: 'old-beta' },
        { name: 'gamma', outcome: 'added' },
        { name: 'delta', outcome: 'replaced', replaced: ['delta', 'old-delta'] },
      ],
      hostKeyPins: { imported: 1, merged: [{ server: 'alpha', endpoints: ['hop.example:2222'] }], conflicts: [{ server: 'alpha', endpoint: '203.0.113.7:22', kept: 'SHA256:kept', inFile: 'SHA256:file' }] },
      pendingDisables: { imported: 0, dropped: 2, forgotten: 1 },
      secrets: { kept: ['gamma'], notKept: ['delta'] },
      needs: [
        { server: 'gamma', need: 'key-passphrase', path: '/home/ann/.ssh/id_ed25519' },
        { server: 'gamma', need: 'password' },
        { server: 'delta', need: 'ssh-agent', agentRunning: true },
        { server: 'delta', need: 'ssh-agent', agentRunning: false },
        { server: 'beta', need: 'key-file-missing', path: '/home/ann/.ssh/id_beta' },
      ],
    } as ImportReport;
    // The command reads and opens a real export file first; its printer is what speaks.
    const words = cliWords(RUSSIAN);
    const output = importedText(words, report) + importWarnings(words, report);
    const facts = ['beta', 'old-beta', 'gamma', 'delta', 'old-delta', 'hop.example', 'SHA256:kept', 'SHA256:file', 'ssh-agent', 'ssh-add', 'SSH_AUTH_SOCK', 'KEYPORT_SSH_SECRET', SERVER.name];
    assert.match(output, /^Импортирован \/tmp\/state\.json:\n {2}alpha {2}пропущен: в этой консоли есть другой сервер с именем alpha /);
    assert.match(output, /\nвнимание: beta: файла ключа \/home\/ann\/\.ssh\/id_beta здесь нет/);
    assert.deepEqual(englishWords(output, facts), [], output);
  });
});

test('usage errors in Russian: what does not fit, then the command\'s usage (the syntax, as typed)', async () => {
  const lines = [
    { argv: ['keys', 'list'], says: 'не хватает SERVER' },
    { argv: ['keys', 'list', 'alpha', '--sort', 'size'], says: "--sort принимает name, port, status, usage, expires, created (дано 'size')", facts: ['name', 'port', 'status', 'usage', 'expires', 'created', 'size'] },
    { argv: ['keys', 'list', 'alpha', 'extra'], says: "лишний аргумент 'extra'", facts: ['extra'] },
    { argv: ['keys', 'create', 'alpha', 'anna', '--limit', '5XB'], says: "--limit '5XB': единица — B, KiB, MiB, GiB, TiB или PiB (по 1024; KB, MB, GB, TB, PB означают то же)" },
    { argv: ['keys', 'create', 'alpha', 'anna', '--expires', 'soon'], facts: ['soon', 'never'] },
    { argv: ['keys', 'create', 'alpha', 'anna', '--reset', 'hourly'], facts: ['hourly', 'no_reset', 'day', 'week', 'month', 'year'] },
    { argv: ['keys', 'set', 'alpha', 'anna'], facts: ['name', 'limit', 'reset', 'expires', 'note', 'enable', 'disable'] },
    { argv: ['server', 'add', 'alpha'] },
    { argv: ['server', 'deploy', 'alpha', '--key-ports', '1-x'], facts: ['1-x'] },
    { argv: ['server', 'settings', 'alpha', '--access-log', 'yes'], facts: ['yes', 'off'] },
    { argv: ['traffic', 'daily', 'alpha', '2025-13-01'] },
    { argv: ['people', 'move', '--from', 'alpha'] },
    { argv: ['people', 'move', '--from', 'alpha', '--to', 'beta', '--all', '--disable-after', 'soon'], facts: ['soon', 'beta'] },
  ];
  for (const { argv, says, facts = [] } of lines) {
    const result = await runInProcess(argv, { env: RUSSIAN });
    assert.equal(result.code, 2, `${argv.join(' ')}: ${result.stderr}`);
    const [first, next] = result.stderr.split('\n');
    if (says) assert.equal(first, `keyport: ${says}`);
    assert.match(first!, /[а-яё]/i, first);
    assert.deepEqual(englishWords(first!, [SERVER.name, ...facts]), [], first);
    assert.equal(next, 'синтаксис:');
  }
});

test('the check finds English: an English run of the same command fails it', () => {
  assert.deepEqual(englishWords('No keys on alpha yet: keyport keys create alpha NAME\n', ['alpha']), ['keys', 'yet']);
  assert.deepEqual(englishWords('Status limited, quota 1.00 GiB a month', []), ['Status', 'limited', 'quota', 'month']);
  assert.deepEqual(englishWords('Ключ anna отключён: keyport keys set alpha anna --limit SIZE', ['anna']), []);
});
