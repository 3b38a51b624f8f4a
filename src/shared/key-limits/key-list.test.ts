import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { KeyportError } from '../contract/errors.ts';
import { parseKeyList } from './key-list.ts';

const NOW = Date.UTC(2026, 11, 2, 0, 0, 0);

describe('a list of keys with limits', () => {
  test('a plain list is bare names', () => {
    assert.deepEqual(parseKeyList('anna\nboris\n', NOW), { keys: ['anna', 'boris'], lines: [1, 2] });
  });

  test('CSV columns limit, reset, expires and note, any letter case, others left alone; empty cells give nothing', () => {
    const csv = 'Email;NAME;Limit;RESET;expires;Note\r\na@x;anna;1.5 GB;Month;+7d;"VIP; paid"\r\nb@x;boris;;;;\r\nc@x;clara;none;never;never;\r\n';
    assert.deepEqual(parseKeyList(csv, NOW), {
      keys: [
        { name: 'anna', data_limit_bytes: 1.5 * 1024 ** 3, data_limit_reset: 'month', expires_at: '2026-12-09T00:00:00.000000', note: 'VIP; paid' },
        'boris',
        { name: 'clara', data_limit_bytes: null, data_limit_reset: 'no_reset', expires_at: null },
      ],
      lines: [2, 3, 4],
    });
  });

  test('a bad cell is bad-input with its line, column and value', () => {
    const cases: [string, string, string][] = [
      ['name,limit\nanna,lots\n', 'limit', 'not-a-size'],
      ['name,reset\nanna,hourly\n', 'reset', 'unknown-reset'],
      ['name,expires\nanna,2027-02-29\n', 'expires', 'no-such-date'],
    ];
    for (const [csv, column, problem] of cases) {
      assert.throws(
        () => parseKeyList(csv, NOW),
        (error: unknown) =>
          error instanceof KeyportError && error.code === 'bad-input' && error.facts.line === 2 && error.facts.column === column && error.facts.problem === problem,
        column,
      );
    }
  });
});
