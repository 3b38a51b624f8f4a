import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KeyStatus } from '../agent-api.ts';
import { expiresWithin, keyLimitCounts, keyStatusAt, quotaShare, timeDistance } from './key-limit-status.ts';

const NOW = Date.UTC(2026, 11, 2, 12, 0, 0);
const HOUR = 3_600_000;
const at = (ms: number) => new Date(ms).toISOString().replace('Z', '000');
const key = (status: KeyStatus, expiresInHours: number | null) => ({ status, expires_at: expiresInHours === null ? null : at(NOW + expiresInHours * HOUR) });

describe('a key’s limits at a moment', () => {
  test('the agent’s status holds, but an active key past its expiry (a cached copy) is expired', () => {
    assert.equal(keyStatusAt(key('active', 1), NOW), 'active');
    assert.equal(keyStatusAt(key('active', -1), NOW), 'expired');
    assert.equal(keyStatusAt(key('active', 0), NOW), 'expired');
    assert.equal(keyStatusAt(key('disabled', -1), NOW), 'disabled');
    assert.equal(keyStatusAt(key('limited', null), NOW), 'limited');
    assert.equal(keyStatusAt(key('active', null), NOW), 'active');
  });

  test('expiring within N days: working keys only, the edge included', () => {
    assert.equal(expiresWithin(key('active', 7 * 24), NOW, 7), true);
    assert.equal(expiresWithin(key('active', 7 * 24 + 1), NOW, 7), false);
    assert.equal(expiresWithin(key('active', -1), NOW, 7), false, 'already expired');
    assert.equal(expiresWithin(key('disabled', 2), NOW, 7), false);
    assert.equal(expiresWithin(key('active', null), NOW, 7), false);
  });

  test('quota share: none without a quota, a used-up zero quota is all of it', () => {
    assert.equal(quotaShare({ used_bytes: 800, data_limit_bytes: 1000 }), 0.8);
    assert.equal(quotaShare({ used_bytes: 5, data_limit_bytes: null }), null);
    assert.equal(quotaShare({ used_bytes: 0, data_limit_bytes: 0 }), 1);
  });

  test('the fleet counts: limited, expired, and working keys expiring within 7 days, each key once', () => {
    const keys = [
      key('limited', 24),
      key('limited', null),
      key('expired', -24),
      key('active', -2),
      key('active', 3 * 24),
      key('active', 8 * 24),
      key('disabled', 24),
      key('active', null),
    ];
    assert.deepEqual(keyLimitCounts(keys, NOW), { limited: 2, expired: 2, expiringSoon: 1 });
    assert.deepEqual(keyLimitCounts([], NOW), { limited: 0, expired: 0, expiringSoon: 0 });
  });

  test('time distance in the largest whole unit', () => {
    assert.deepEqual(timeDistance(NOW + 3 * 24 * HOUR + HOUR, NOW), { past: false, value: 3, unit: 'day' });
    assert.deepEqual(timeDistance(NOW - 2 * HOUR - 1, NOW), { past: true, value: 2, unit: 'hour' });
    assert.deepEqual(timeDistance(NOW + 47 * HOUR, NOW), { past: false, value: 47, unit: 'hour' });
    assert.deepEqual(timeDistance(NOW + 5 * 60_000, NOW), { past: false, value: 5, unit: 'minute' });
  });
});
