import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { rawJson, writePlainJson } from '../../src/http/raw-json.ts';

describe('writePlainJson', () => {
  test('writes what JSON.stringify writes when no value is raw', () => {
    const value = { status: 'success', data: { a: [1, 'two', null], b: 'x"y' } };
    assert.equal(writePlainJson(value), JSON.stringify(value));
  });

  test('writes each raw value as its own text, where the value stands', () => {
    const days = [['2026-01-01', 1, 2, 3, 4]];
    const written = writePlainJson({ keys: [{ key_id: 'a', days: rawJson(JSON.stringify(days)) }, { key_id: 'b', days: rawJson('[]') }], next: null });
    assert.equal(written, JSON.stringify({ keys: [{ key_id: 'a', days }, { key_id: 'b', days: [] }], next: null }));
  });

  test('refuses an answer holding the mark as a string of its own, rather than splice in the wrong place', () => {
    assert.throws(() => writePlainJson({ a: rawJson('1'), b: '\u0000raw-json\u0000' }), /raw-JSON mark/);
  });
});
