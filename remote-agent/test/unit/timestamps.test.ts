import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isCalendarDate, monthBounds, utcDay, utcMonth } from '../../src/api/calendar.ts';
import { formatTimestamp } from '../../src/lib/timestamps.ts';

describe('formatTimestamp', () => {
  test('gives the spec form with six fractional digits and no zone', () => {
    assert.equal(formatTimestamp(Date.UTC(2025, 7, 5, 12, 0, 0, 0)), '2025-08-05T12:00:00.000000');
  });

  test('keeps the milliseconds as the first three of the six digits', () => {
    assert.equal(formatTimestamp(Date.UTC(2025, 0, 2, 3, 4, 5, 678)), '2025-01-02T03:04:05.678000');
  });

  test('is in UTC whatever the local zone', () => {
    // 2025-08-05T23:30:00-05:00 is already the next day in UTC.
    assert.equal(formatTimestamp(Date.parse('2025-08-05T23:30:00-05:00')), '2025-08-06T04:30:00.000000');
  });
});

describe('utcDay and utcMonth', () => {
  test('a day ends at midnight UTC', () => {
    const midnight = Date.UTC(2025, 7, 6);
    assert.equal(utcDay(midnight - 1), '2025-08-05');
    assert.equal(utcDay(midnight), '2025-08-06');
  });

  test('a month ends at midnight UTC of its last day', () => {
    const newYear = Date.UTC(2026, 0, 1);
    assert.equal(utcMonth(newYear - 1), '2025-12');
    assert.equal(utcMonth(newYear), '2026-01');
  });
});

describe('isCalendarDate', () => {
  test('accepts real dates, including 29 February of a leap year', () => {
    assert.equal(isCalendarDate('2025-08-05'), true);
    assert.equal(isCalendarDate('2024-02-29'), true);
    assert.equal(isCalendarDate('2025-12-31'), true);
  });

  test('rejects days that do not exist in their month', () => {
    assert.equal(isCalendarDate('2025-02-30'), false);
    assert.equal(isCalendarDate('2025-02-29'), false);
    assert.equal(isCalendarDate('2025-04-31'), false);
    assert.equal(isCalendarDate('2025-13-01'), false);
    assert.equal(isCalendarDate('2025-00-10'), false);
    assert.equal(isCalendarDate('2025-01-00'), false);
  });

  test('rejects anything not in YYYY-MM-DD form', () => {
    for (const text of ['2025-8-5', '20250805', '2025-08-05T00:00:00', ' 2025-08-05', '2025-08-05\n', 'yesterday', '']) {
      assert.equal(isCalendarDate(text), false, JSON.stringify(text));
    }
  });
});

describe('monthBounds', () => {
  test('February ends on the 29th in a leap year and the 28th otherwise', () => {
    assert.deepEqual(monthBounds('2024-02'), { firstDay: '2024-02-01', lastDay: '2024-02-29' });
    assert.deepEqual(monthBounds('2025-02'), { firstDay: '2025-02-01', lastDay: '2025-02-28' });
  });

  test('December ends on the 31st of the same year', () => {
    assert.deepEqual(monthBounds('2025-12'), { firstDay: '2025-12-01', lastDay: '2025-12-31' });
  });

  test('30-day months end on the 30th', () => {
    assert.equal(monthBounds('2025-04').lastDay, '2025-04-30');
  });
});
