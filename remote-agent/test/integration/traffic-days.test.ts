import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, test } from 'node:test';
import { seedDataDir } from '../../bench/seed-data.ts';
import { AgentProcess } from '../support/agent-process.ts';
import { removeAgentChains } from '../support/firewall.ts';

const KEYS = 40;
const DAYS = Array.from({ length: 10 }, (_, index) => `2025-08-${String(index + 1).padStart(2, '0')}`);

type DayRow = [string, number, number, number, number];
interface Page {
  since: string | null;
  rows: number;
  keys: Array<{ key_id: string; days: DayRow[] }>;
  next: string | null;
}

describe('GET /api/traffic/days: every key’s daily rows, paged', () => {
  let agent: AgentProcess;
  /** What the database holds, as [key_id, ...row], in (key_id, day) byte order. */
  let stored: Array<[string, ...DayRow]>;

  const page = async (query: string) => {
    const answer = await agent.get(`/api/traffic/days${query}`);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body.data as Page;
  };
  /** Follows `next` to the end (bounded), returning each page. */
  const allPages = async (query: string) => {
    const pages: Page[] = [await page(`?${query}`)];
    for (let count = 0; pages.at(-1)!.next !== null; count += 1) {
      assert.ok(count < 1_000, 'the pages end');
      pages.push(await page(`?${query}&after=${pages.at(-1)!.next}`));
    }
    return pages;
  };
  const flatten = (pages: Page[]) => pages.flatMap((one) => one.keys.flatMap((key) => key.days.map((day) => [key.key_id, ...day])));

  before(async () => {
    removeAgentChains();
    const dataDir = mkdtempSync(join(tmpdir(), 'keyport-agent-'));
    seedDataDir(dataDir, { keys: KEYS, days: DAYS, usedOn: (key, day) => (key + day) % 3 !== 0 });
    // One cycle an hour: the rows stay as seeded while the test reads them (the first cycle may add today's).
    agent = await AgentProcess.start({ dataDir, sampleIntervalSeconds: 3600 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const db = new DatabaseSync(join(dataDir, 'keyport.db'), { readOnly: true });
    stored = (
      db.prepare('SELECT key_id, day, rx_bytes, tx_bytes, max_connections, sessions FROM daily_traffic').all() as Array<Record<string, string | number>>
    )
      .map((row) => [row.key_id, row.day, row.rx_bytes, row.tx_bytes, row.max_connections, row.sessions] as [string, ...DayRow])
      .sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : Buffer.compare(Buffer.from(a[0]), Buffer.from(b[0]))));
    db.close();
  });
  after(async () => agent?.dispose());

  test('the pages hold every row once, in (key, day) order, each within its limit, each key once per page', async () => {
    assert.ok(stored.length > 200, `${stored.length} rows seeded`);
    const pages = await allPages('limit=7');
    assert.deepEqual(flatten(pages), stored);
    assert.equal(pages.length, Math.floor(stored.length / 7) + 1, 'full pages, then the rest (or an empty last one)');
    for (const one of pages) {
      assert.ok(one.rows <= 7);
      assert.equal(one.rows, one.keys.reduce((sum, key) => sum + key.days.length, 0));
      assert.equal(new Set(one.keys.map((key) => key.key_id)).size, one.keys.length);
      assert.equal(one.since, null);
    }
    assert.deepEqual(flatten([await page('')]), stored, 'the default page holds them all');
  });

  test('since keeps the rows of that day and later, paged alike', async () => {
    const pages = await allPages('since=2025-08-07&limit=25');
    assert.deepEqual(
      flatten(pages),
      stored.filter((row) => row[1] >= '2025-08-07'),
    );
    assert.equal(pages[0]!.since, '2025-08-07');
    assert.deepEqual((await page('?since=2099-01-01')).keys, []);
  });

  test('the rows are the ones each key’s own history reports', async () => {
    const pages = await allPages('limit=100000');
    const key = pages[0]!.keys[3]!;
    const history = (await agent.get(`/api/keys/${key.key_id}/traffic/history`)).body.data.daily_stats;
    assert.deepEqual(
      Object.fromEntries(key.days.map(([day, rx, tx, maxConnections, sessions]) => [day, { total_bytes: rx + tx, rx_bytes: rx, tx_bytes: tx, max_connections: maxConnections, sessions }])),
      history,
    );
  });

  test('bad query values are 400 with a reason or a detail, and change nothing', async () => {
    const before = flatten(await allPages('limit=50'));
    const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const refused: Array<[string, string | undefined]> = [
      ['since=2025-02-30', 'bad_since'],
      ['since=2025-8-01', undefined],
      ['since=yesterday', undefined],
      ['after=not*a*cursor', 'bad_cursor'],
      [`after=${cursorOf(['k', '2025-13-01'])}`, 'bad_cursor'],
      [`after=${cursorOf({ key: 'k' })}`, 'bad_cursor'],
      [`after=${Buffer.from('not json').toString('base64url')}`, 'bad_cursor'],
      ['after=', undefined],
      ['limit=0', undefined],
      ['limit=100001', undefined],
      ['limit=01', undefined],
      ['limit=-5', undefined],
      ['limit=1e3', undefined],
      ['order=desc', undefined],
    ];
    for (const [query, reason] of refused) {
      const answer = await agent.get(`/api/traffic/days?${query}`);
      assert.equal(answer.status, 400, query);
      assert.equal(answer.body.status, 'error', query);
      assert.equal(typeof answer.body.detail, 'string', query);
      assert.equal(answer.body.reason, reason, query);
    }
    assert.deepEqual(flatten(await allPages('limit=50')), before);
  });

  test('the OpenAPI document lists it with its query', async () => {
    const document = (await agent.get('/api/openapi.json')).body;
    const operation = document.paths['/api/traffic/days'].get;
    assert.deepEqual(
      operation.parameters.map((parameter: { name: string }) => parameter.name).sort(),
      ['after', 'limit', 'since'],
    );
  });
});
