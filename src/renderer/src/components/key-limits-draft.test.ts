import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dayPlusDays, draftOfKey, NO_LIMITS_DRAFT, readKeyLimitsDraft } from './key-limits-draft.ts';

const NOW = Date.UTC(2026, 11, 2, 12, 0, 0);
const GIB = 1024 ** 3;

describe('the limits form', () => {
  test('a new key’s limits: quota with units (1024-based), period, a UTC day, note', () => {
    const draft = { quota: '50 GB', reset: 'month' as const, expiryDay: '2027-03-01', note: 'Office' };
    assert.deepEqual(readKeyLimitsDraft(draft, NO_LIMITS_DRAFT, NOW), {
      ok: true,
      limits: { data_limit_bytes: 50 * GIB, data_limit_reset: 'month', expires_at: '2027-03-01T00:00:00.000000', note: 'Office' },
    });
    assert.deepEqual(readKeyLimitsDraft(NO_LIMITS_DRAFT, NO_LIMITS_DRAFT, NOW), { ok: true, limits: {} }, 'untouched: nothing sent');
  });

  test('only what changed is sent; emptying the quota or choosing never clears it', () => {
    const key = { data_limit_bytes: 50_000_000_000, data_limit_reset: 'week' as const, expires_at: '2027-01-05T05:10:30.250000', note: 'a' };
    const initial = draftOfKey(key);
    assert.deepEqual(initial, { quota: '46.57 GiB', reset: 'week', expiryDay: '2027-01-05', note: 'a' });
    assert.deepEqual(readKeyLimitsDraft({ ...initial, note: 'b' }, initial, NOW), { ok: true, limits: { note: 'b' } }, 'the rounded quota is not written back');
    assert.deepEqual(readKeyLimitsDraft({ ...initial, quota: ' ', expiryDay: '' }, initial, NOW), { ok: true, limits: { data_limit_bytes: null, expires_at: null } });
    assert.deepEqual(readKeyLimitsDraft({ ...initial, quota: '2MB' }, initial, NOW), { ok: true, limits: { data_limit_bytes: 2 * 1024 ** 2 } });
  });

  test('bad values say why, per field, and nothing is sent', () => {
    const read = readKeyLimitsDraft({ quota: '50 gigs', reset: 'no_reset', expiryDay: '2027-02-30', note: 'x'.repeat(501) }, NO_LIMITS_DRAFT, NOW);
    assert.equal(read.ok, false);
    assert.deepEqual(Object.keys(read.ok ? {} : read.errors).sort(), ['expiryDay', 'note', 'quota']);
    assert.match(read.ok ? '' : read.errors.quota!, /^Units are B, KiB/);
    const notASize = readKeyLimitsDraft({ ...NO_LIMITS_DRAFT, quota: 'lots' }, NO_LIMITS_DRAFT, NOW);
    assert.match(notASize.ok ? '' : notASize.errors.quota!, /^Type a size such as 50 GiB/);
    assert.equal(readKeyLimitsDraft({ ...NO_LIMITS_DRAFT, note: '📱'.repeat(500) }, NO_LIMITS_DRAFT, NOW).ok, true, 'characters, not UTF-16 units');
  });

  test('“+30 days” counts from the day shown, or from today when there is none or it has passed', () => {
    assert.equal(dayPlusDays('', 30, NOW), '2027-01-01');
    assert.equal(dayPlusDays('2027-03-01', 30, NOW), '2027-03-31');
    assert.equal(dayPlusDays('2026-11-01', 30, NOW), '2027-01-01');
  });
});
