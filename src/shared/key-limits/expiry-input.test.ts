import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseExpiry, specTimestamp } from './expiry-input.ts';

const NOW = Date.UTC(2026, 11, 2, 5, 10, 30, 250);

describe('an expiry typed by an admin', () => {
  test('a day means 00:00 UTC that day', () => {
    assert.deepEqual(parseExpiry('2027-03-01', NOW), { ok: true, expiresAt: '2027-03-01T00:00:00.000000' });
    assert.deepEqual(parseExpiry(' 2028-02-29 ', NOW), { ok: true, expiresAt: '2028-02-29T00:00:00.000000' });
  });

  test('a date and time is UTC, seconds optional, a Z taken', () => {
    assert.deepEqual(parseExpiry('2027-03-01T12:30', NOW), { ok: true, expiresAt: '2027-03-01T12:30:00.000000' });
    assert.deepEqual(parseExpiry('2027-03-01 12:30:15Z', NOW), { ok: true, expiresAt: '2027-03-01T12:30:15.000000' });
    assert.deepEqual(parseExpiry('2027-03-01T12:30:15.123456', NOW), { ok: true, expiresAt: '2027-03-01T12:30:15.123000' });
  });

  test('+N days, weeks or hours count from now', () => {
    assert.deepEqual(parseExpiry('+30d', NOW), { ok: true, expiresAt: '2027-01-01T05:10:30.250000' });
    assert.deepEqual(parseExpiry('+30 days', NOW), { ok: true, expiresAt: '2027-01-01T05:10:30.250000' });
    assert.deepEqual(parseExpiry('+1 day', NOW), { ok: true, expiresAt: '2026-12-03T05:10:30.250000' });
    assert.deepEqual(parseExpiry('+2w', NOW), { ok: true, expiresAt: '2026-12-16T05:10:30.250000' });
    assert.deepEqual(parseExpiry('+12h', NOW), { ok: true, expiresAt: '2026-12-02T17:10:30.250000' });
  });

  test('days that do not exist and text that is no date are told apart', () => {
    for (const text of ['2027-02-29', '2027-13-01', '2027-03-01T24:00', '2027-03-01T12:60:00']) {
      assert.deepEqual(parseExpiry(text, NOW), { ok: false, problem: 'no-such-date' }, text);
    }
    for (const text of ['', 'never', 'tomorrow', '30d', '-30d', '+30', '+30m', '+1.5d', '01.03.2027', '2027-3-1']) {
      assert.deepEqual(parseExpiry(text, NOW), { ok: false, problem: 'not-a-date' }, text);
    }
  });

  test('spec timestamps: UTC, microseconds, no zone', () => {
    assert.equal(specTimestamp(Date.UTC(2027, 0, 2, 3, 4, 5, 6)), '2027-01-02T03:04:05.006000');
  });
});
