import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, test } from 'node:test';
import { AgentProcess } from '../support/agent-process.ts';
import { removeAgentChains } from '../support/firewall.ts';

const DAY_MS = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS).toISOString().slice(0, 10);

/**
 * Spellings of a number that are not plain decimal digits, each as it goes into a URL. Each one
 * that reaches `days_to_keep` as a number would delete history: 16, 1000, 1, 5 or 0 days kept.
 */
const NOT_PLAIN_DECIMAL: Array<[string, string]> = [
  ['hex', '0x10'],
  ['binary', '0b1'],
  ['octal', '0o7'],
  ['exponent', '1e3'],
  ['a leading space', '%201'],
  ['a trailing space', '1%20'],
  ['a leading tab', '%091'],
  ['a leading newline', '%0A1'],
  ['a fraction', '1.0'],
  ['a plus sign (a space in a query)', '+5'],
  ['a plus sign', '%2B5'],
  ['negative zero', '-0'],
  ['a negative number', '-1'],
  ['a leading zero', '01'],
  ['leading zeros', '0030'],
  ['nothing', ''],
  ['digit separators', '1_000'],
  ['a fullwidth digit', '%EF%BC%91'],
  ['Infinity', 'Infinity'],
  ['true', 'true'],
  ['beyond the safe integers', '9007199254740993'],
  ['beyond any double', `1${'0'.repeat(400)}`],
];

interface IntegerParam {
  method: string;
  path: string;
  name: string;
  in: 'query' | 'path';
  minimum: number;
  maximum: number;
}

describe('integers in a query or path take plain decimal digits only', () => {
  let agent: AgentProcess;
  let key: { id: string };
  let params: IntegerParam[];
  const seededDays = [daysAgo(2), daysAgo(20), '2020-01-15'];
  const storedDays = () => {
    const db = new DatabaseSync(join(agent.dataDir, 'keyport.db'), { readOnly: true });
    try {
      return (db.prepare('SELECT day FROM daily_traffic ORDER BY day').all() as Array<{ day: string }>).map((row) => row.day);
    } finally {
      db.close();
    }
  };
  const state = async () => ({
    keys: (await agent.get('/api/keys')).body,
    history: (await agent.get('/api/traffic/history')).body.data.keys,
    days: storedDays(),
  });
  const url = (param: IntegerParam, text: string) => {
    // An upload id of the right form (none is open): the offset is checked before the upload is looked up.
    const path = param.path.replace('{key_id}', key.id).replace('{upload_id}', '0'.repeat(24));
    return param.in === 'path' ? path.replace(`{${param.name}}`, text) : `${path}?${param.name}=${text}`;
  };

  before(async () => {
    removeAgentChains();
    agent = await AgentProcess.start();
    key = (await agent.post('/api/keys', { name: 'with history' })).body;
    const db = new DatabaseSync(join(agent.dataDir, 'keyport.db'));
    const insert = db.prepare('INSERT INTO daily_traffic (key_id, day, rx_bytes, tx_bytes, max_connections, sessions) VALUES (?, ?, 100, 200, 1, 1)');
    for (const day of seededDays) insert.run(key.id, day);
    db.close();

    const spec = (await agent.get('/api/openapi.json')).body;
    params = Object.entries(spec.paths as Record<string, Record<string, { parameters?: any[] }>>).flatMap(([path, methods]) =>
      Object.entries(methods).flatMap(([method, operation]) =>
        (operation.parameters ?? [])
          .filter((parameter) => parameter.schema?.type === 'integer' || parameter.schema?.type === 'number')
          .map((parameter) => ({
            method: method.toUpperCase(),
            path,
            name: parameter.name,
            in: parameter.in,
            minimum: parameter.schema.minimum,
            maximum: parameter.schema.maximum,
          })),
      ),
    );
  });
  after(async () => agent?.dispose());

  test('the API documents its integer parameters with a range, within the safe integers', () => {
    assert.deepEqual(
      params.map(({ method, path, name }) => `${method} ${path} ${name}`),
      ['GET /api/traffic/days limit', 'POST /api/traffic/history/cleanup days_to_keep', 'PUT /api/system/restore/uploads/{upload_id} offset'],
      'a new integer parameter: check that this test covers what it deletes',
    );
    for (const param of params) {
      assert.ok(Number.isSafeInteger(param.minimum) && param.minimum >= 0, `${param.name} has no minimum >= 0`);
      assert.ok(Number.isSafeInteger(param.maximum), `${param.name} has no safe maximum`);
    }
  });

  test('every other spelling gets 400 in the error shape and deletes nothing', async () => {
    const before = await state();
    assert.deepEqual(before.days.filter((day) => seededDays.includes(day)).sort(), [...seededDays].sort());
    for (const param of params) {
      const outOfRange = [String(param.minimum - 1), String(param.maximum + 1), String(Number.MAX_SAFE_INTEGER)];
      for (const [what, text] of [...NOT_PLAIN_DECIMAL, ...outOfRange.map((value): [string, string] => [`out of range ${value}`, value])]) {
        const response = await agent.request(param.method, url(param, text));
        const context = `${param.method} ${param.path} ${param.name}=${text} (${what})`;
        assert.equal(response.status, 400, `${context}: ${JSON.stringify(response.body)}`);
        assert.equal(response.body.status, 'error', context);
        assert.match(response.body.detail, new RegExp(param.name), context);
      }
      for (const repeated of [`${param.name}=5&${param.name}=6`]) {
        const response = await agent.request(param.method, `${param.path}?${repeated}`);
        assert.equal(response.status, 400, `${repeated}: ${JSON.stringify(response.body)}`);
      }
    }
    assert.deepEqual(await state(), before);
  });

  test('plain decimal digits still work: the range ends, the default, and a cut that deletes', async () => {
    const maximum = await agent.post('/api/traffic/history/cleanup?days_to_keep=3650');
    assert.equal(maximum.status, 200, JSON.stringify(maximum.body));
    assert.equal(maximum.body.days_kept, 3650);
    assert.deepEqual(storedDays().filter((day) => seededDays.includes(day)).length, 3);

    const byDefault = await agent.post('/api/traffic/history/cleanup');
    assert.equal(byDefault.body.days_kept, 30);
    assert.equal(byDefault.body.deleted_daily_rows, 1, 'the 2020 row is older than 30 days');
    assert.ok(!storedDays().includes('2020-01-15'));

    const ten = await agent.post('/api/traffic/history/cleanup?days_to_keep=10');
    assert.equal(ten.body.days_kept, 10);
    assert.equal(ten.body.deleted_daily_rows, 1, 'the row of 20 days ago');

    const one = await agent.post('/api/traffic/history/cleanup?days_to_keep=1');
    assert.equal(one.status, 200);
    assert.equal(one.body.days_kept, 1);
    assert.ok(!storedDays().includes(daysAgo(2)));
  });

  test('key ids are opaque text: numbers in any spelling are ids no key has (404), not bad numbers', async () => {
    const before = await state();
    for (const id of ['0x1', '1.0', '1e3', '%201', '+5', '-0', '01', '1', '']) {
      const response = await agent.get(`/api/keys/${id}/traffic/history`);
      assert.equal(response.status, 404, `${id}: ${JSON.stringify(response.body)}`);
      assert.equal(response.body.status, 'error');
    }
    assert.deepEqual(await state(), before);
  });
});
