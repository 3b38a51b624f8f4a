import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dailyBars, monthlyBars } from './key-series.ts';

const usage = (rx: number, tx: number) => ({ rx_bytes: rx, tx_bytes: tx, total_bytes: rx + tx, sessions: 1, max_connections: 1 });

test('the daily bars run over whole months, from the first month of the history to this one’s last day', () => {
  const bars = dailyBars({ '2026-11-28': usage(5, 6), '2026-12-02': usage(1, 2) }, '2026-12-03');
  assert.equal(bars.labels.length, 30 + 31);
  assert.equal(bars.labels[0], '2026-11-01');
  assert.equal(bars.labels.at(-1), '2026-12-31');
  assert.equal(bars.rxBytes[bars.labels.indexOf('2026-11-28')], 5);
  assert.equal(bars.txBytes[bars.labels.indexOf('2026-12-02')], 2);
  assert.equal(bars.rxBytes.reduce((sum, bytes) => sum + bytes, 0), 6, 'the other days are zero');
});

test('over a new year, and none at all without history', () => {
  const bars = dailyBars({ '2025-12-31': usage(1, 1) }, '2026-01-10');
  assert.deepEqual([bars.labels[0], bars.labels.at(-1), bars.labels.length], ['2025-12-01', '2026-01-31', 62]);
  assert.deepEqual(dailyBars({}, '2026-01-10'), { labels: [], rxBytes: [], txBytes: [] });
});

test('months are the sums of their days', () => {
  assert.deepEqual(monthlyBars({ '2026-11-28': usage(5, 6), '2026-12-02': usage(1, 2), '2026-12-03': usage(10, 20) }), {
    labels: ['2026-11', '2026-12'],
    rxBytes: [5, 11],
    txBytes: [6, 22],
  });
});
