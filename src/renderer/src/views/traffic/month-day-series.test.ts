import assert from 'node:assert/strict';
import { test } from 'node:test';
import { monthDaySeries } from './month-day-series.ts';

const day = (date: string, rx: number, tx: number) => ({ date, rx_bytes: rx, tx_bytes: tx });

test('the chart has every day of the month up to its last, days without a report as zero', () => {
  const series = monthDaySeries({ year: 2026, month: 12 }, [day('2026-12-03', 30, 70), day('2026-12-01', 1, 2)]);
  assert.equal(series.dates.length, 31);
  assert.equal(series.dates[0], '2026-12-01');
  assert.equal(series.dates.at(-1), '2026-12-31');
  assert.deepEqual(series.rxBytes.slice(0, 4), [1, 0, 30, 0]);
  assert.deepEqual(series.txBytes.slice(0, 4), [2, 0, 70, 0]);
  assert.ok(series.rxBytes.slice(3).every((bytes) => bytes === 0), 'days still to come are zero');
});

test('months are their own length: February of a leap year has 29 days, of others 28; April 30', () => {
  assert.equal(monthDaySeries({ year: 2028, month: 2 }, []).dates.at(-1), '2028-02-29');
  assert.equal(monthDaySeries({ year: 2027, month: 2 }, []).dates.length, 28);
  assert.equal(monthDaySeries({ year: 2026, month: 4 }, []).dates.length, 30);
});

test('a report of another month is not drawn into this one', () => {
  const series = monthDaySeries({ year: 2026, month: 11 }, [day('2026-12-01', 5, 5)]);
  assert.equal(series.dates.length, 30);
  assert.ok(series.rxBytes.every((bytes) => bytes === 0));
});
