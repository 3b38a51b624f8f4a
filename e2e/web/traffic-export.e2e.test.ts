import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { formatByteSize } from '../../src/shared/format/byte-size.ts';
import { freePort } from '../../test-support/tcp-traffic.ts';
import { TestServer } from '../harness/test-server.ts';
import { buildAgentAndWindow } from '../support/build-for-tests.ts';
import { agentGet } from '../support/inside-server.ts';
import { moveBytesThenHistory, settledHistoryBytes } from '../support/key-traffic.ts';
import { addAndDeploy, keyportJson } from '../support/keyport-cli.ts';
import { scratchHome, type ScratchHome } from '../support/scratch-home.ts';
import { byTestId, openWebConsole, type WebConsoleSession } from '../support/web-console-session.ts';

interface KeyJson {
  id: string;
  name: string;
  port: number;
  used_bytes: number;
  data_limit_bytes: number | null;
}

/** RFC 4180 read back, as a spreadsheet would: quoted fields may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index]!;
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') (field += '"'), (index += 1);
      else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') record.push(field), (field = '');
    else if (char === '\r' && text[index + 1] === '\n') {
      record.push(field);
      records.push(record);
      (record = []), (field = ''), (index += 1);
    } else field += char;
  }
  assert.equal(record.length + field.length, 0, 'every record ends with CRLF');
  return records;
}

/**
 * Traffic as the window words it, against two test servers with real bytes through their key
 * ports: the keys table downloaded as CSV holds the keys and the agent's own byte figures (names
 * that look like formulas kept as text), the server's daily chart spans the whole month, and the
 * fleet view sums today and this month over both servers, saying as of when, and from the cache
 * once one is offline.
 */
describe('web console: traffic figures, CSV export and fleet totals', { timeout: 600_000 }, () => {
  let alpha: TestServer;
  let beta: TestServer;
  let home: ScratchHome;
  let session: WebConsoleSession;
  let page: Page;
  let keys: KeyJson[];

  const today = () => new Date().toISOString().slice(0, 10);
  const summaryOf = (server: TestServer) => agentGet(server, '/api/system/traffic/summary').data as { today: { total_bytes: number }; month: { total_bytes: number } };

  before(async () => {
    buildAgentAndWindow();
    alpha = await TestServer.create(await freePort());
    beta = await TestServer.create(await freePort());
    home = scratchHome('keyport-web-traffic-');
    await addAndDeploy(home.env, 'alpha', alpha);
    await addAndDeploy(home.env, 'beta', beta);
    const create = (server: string, name: string, ...flags: string[]) => keyportJson<KeyJson>(['keys', 'create', server, name, ...flags], home.env);
    const alice = await create('alpha', 'alice', '--limit', '1GB');
    await create('alpha', '=HYPERLINK("http://evil.example","x")');
    await create('alpha', 'bob, "the" builder', '--note', 'two\nlines');
    const carol = await create('beta', 'carol', '--limit', '1GB');
    for (const [server, name, key] of [[alpha, 'alpha', alice], [beta, 'beta', carol]] as const) {
      await moveBytesThenHistory(server, name, key, home.env);
      await settledHistoryBytes(server, key.id);
    }
    keys = agentGet(alpha, '/api/keys') as KeyJson[];
    session = await openWebConsole(home.env);
    page = session.page;
    await page.goto(session.web.url);
    await page.locator(byTestId('fleet-view')).waitFor();
  });

  after(async () => {
    await session?.close();
    await alpha?.destroy();
    await beta?.destroy();
    home?.remove();
  });

  test('the keys table downloads as CSV: a header, every key with the agent’s bytes, ISO times, formula-like names as text', async () => {
    const alice = keys.find((key) => key.name === 'alice')!;
    await page.click(byTestId('server-link-alpha'));
    await page.click(byTestId('tab-keys'));
    // Today's bytes are in once the row shows them: the CSV is made of the same rows.
    await page.locator(byTestId(`key-today-${alice.id}`)).filter({ hasText: /KiB|MiB/ }).waitFor();
    await page.locator(byTestId('keys-usage-as-of')).filter({ hasText: /as of .+ UTC, its last sample/ }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(byTestId('keys-csv'))]);
    assert.equal(download.suggestedFilename(), `alpha-keys-${today()}.csv`);
    const bytes = readFileSync((await download.path())!);
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a UTF-8 byte-order mark, for spreadsheets');
    const [header, ...rows] = parseCsv(bytes.subarray(3).toString('utf8'));
    assert.deepEqual(header, [
      'key_id', 'name', 'port', 'status', 'is_active', 'used_bytes', 'data_limit_bytes', 'data_limit_reset', 'expires_at', 'note', 'created_at', 'day', 'day_bytes', 'month', 'month_bytes',
    ]);
    const column = (name: string) => header!.indexOf(name);
    const day = agentGet(alpha, `/api/traffic/daily/${today()}/keys`).data.keys as Record<string, { total_bytes: number }>;
    const month = agentGet(alpha, '/api/traffic/monthly').data.keys as { key_id: string; monthly_traffic: { total_bytes: number } }[];
    assert.deepEqual(
      rows.map((row) => [row[column('key_id')], row[column('name')], row[column('port')], row[column('used_bytes')], row[column('data_limit_bytes')], row[column('day_bytes')], row[column('month_bytes')]]),
      keys
        .sort((a, b) => a.port - b.port)
        .map((key) => [
          key.id,
          key.name.startsWith('=') ? `'${key.name}` : key.name,
          String(key.port),
          String(key.used_bytes),
          key.data_limit_bytes === null ? '' : String(key.data_limit_bytes),
          String(day[key.id]?.total_bytes ?? 0),
          String(month.find((entry) => entry.key_id === key.id)?.monthly_traffic.total_bytes ?? 0),
        ]),
    );
    const aliceRow = rows.find((row) => row[column('key_id')] === alice.id)!;
    assert.ok(Number(aliceRow[column('day_bytes')]) >= 100_000, 'the bytes moved through alice’s port are in');
    assert.equal(aliceRow[column('data_limit_bytes')], String(1024 ** 3), '1GB is read 1024-based, as shown');
    assert.match(aliceRow[column('created_at')]!, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    assert.equal(rows.find((row) => row[column('name')]!.startsWith('bob'))![column('note')], 'two\nlines');
    await session.screenshot('keys-csv');
  });

  test('the server’s daily chart spans every day of the month; Today and the month say as of when', async () => {
    await page.click(byTestId('tab-traffic'));
    const wrapper = page.locator(`${byTestId('chart-server-daily-wrapper')}[data-ready="true"]`);
    await wrapper.waitFor();
    const now = new Date();
    const daysInMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 0)).getUTCDate();
    assert.equal(await wrapper.getAttribute('data-points'), String(daysInMonth));
    assert.match((await page.locator(byTestId('traffic-today')).textContent()) ?? '', /^Today, .+ \(UTC\)[\d.]+ (KiB|MiB)as of .+ UTC, the agent’s last sample$/);
    assert.match((await page.locator(byTestId('traffic-month-total')).textContent()) ?? '', /as of .+ UTC, the agent’s last sample$/);
    await session.screenshot('traffic-today');
  });

  test('the fleet sums today and this month over both servers as of their last samples, and marks a server’s cached figures', async () => {
    const [alphaNow, betaNow] = [summaryOf(alpha), summaryOf(beta)];
    await page.click(byTestId('nav-fleet'));
    await page.click(byTestId('fleet-refresh'));
    const todayCard = page.locator(byTestId('fleet-total-today'));
    await todayCard.filter({ hasText: formatByteSize(alphaNow.today.total_bytes + betaNow.today.total_bytes) }).waitFor();
    assert.match((await todayCard.textContent()) ?? '', /^Today, all servers \(.+, UTC\)[\d.]+ (KiB|MiB)2 of 2 servers · as of .+ UTC$/);
    const monthCard = page.locator(byTestId('fleet-total-month'));
    assert.ok(((await monthCard.textContent()) ?? '').includes(formatByteSize(alphaNow.month.total_bytes + betaNow.month.total_bytes)));
    await session.screenshot('fleet-totals');

    await beta.stopSshd();
    await page.click(byTestId('fleet-refresh'));
    await todayCard.filter({ hasText: '1 from cache' }).waitFor({ timeout: 60_000 });
    assert.ok(((await todayCard.textContent()) ?? '').includes(formatByteSize(alphaNow.today.total_bytes + betaNow.today.total_bytes)), 'beta counts with its cached figures');
    await session.screenshot('fleet-totals-offline');
  });
});
