import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatYearMonth, isCalendarDate, isYearMonth, parseYearMonth } from '../../src/api/calendar.ts';

describe('the API\'s date rule', () => {
  test('a date is a real calendar day in YYYY-MM-DD form', () => {
    for (const date of ['2025-08-05', '2024-02-29', '2000-02-29', '2025-12-31', '0000-01-01', '9999-12-31']) {
      assert.equal(isCalendarDate(date), true, date);
    }
  });

  test('a day the calendar lacks, a month 13 or another form is refused', () => {
    for (const date of ['2025-02-30', '2025-13-45', '2025-02-29', '2100-02-29', '2025-04-31', '2025-00-10', '2025-01-00', '2025-8-5', '05-08-2025', ' 2025-08-05', '2025-08-05T00:00']) {
      assert.equal(isCalendarDate(date), false, date);
    }
  });
});

describe('the API\'s month rule', () => {
  test('a month is YYYY-MM with a month number from 01 to 12', () => {
    assert.equal(isYearMonth('2025-08'), true);
    assert.equal(isYearMonth('2025-12'), true);
    for (const month of ['2025-13', '2025-00', '2025-8', '25-08', '2025-08-01']) assert.equal(isYearMonth(month), false, month);
  });

  test('parses and writes a month by its numbers', () => {
    assert.deepEqual(parseYearMonth('2025-08'), { year: 2025, month: 8 });
    assert.equal(parseYearMonth('2025-13'), null);
    assert.equal(formatYearMonth({ year: 2025, month: 8 }), '2025-08');
    assert.equal(isYearMonth(formatYearMonth({ year: 2025, month: 13 })), false);
  });
});
