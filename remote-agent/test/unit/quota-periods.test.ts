import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nextPeriodStart, periodFloor } from '../../src/services/limits/quota-periods.ts';

const utc = (text: string) => Date.parse(`${text}Z`);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('quota periods (UTC calendar periods)', () => {
  test('a day begins at 00:00 UTC', () => {
    assert.equal(iso(periodFloor('day', utc('2027-03-14T23:59:59.999'))), '2027-03-14T00:00:00.000Z');
    assert.equal(iso(nextPeriodStart('day', utc('2027-03-14T10:00:00'))), '2027-03-15T00:00:00.000Z');
    assert.equal(iso(nextPeriodStart('day', utc('2027-03-15T00:00:00'))), '2027-03-16T00:00:00.000Z', 'a boundary is not after itself');
  });

  test('a week begins on Monday 00:00 UTC, a Sunday belonging to the week before', () => {
    assert.equal(iso(periodFloor('week', utc('2027-01-15T10:00:00'))), '2027-01-11T00:00:00.000Z', 'a Friday');
    assert.equal(iso(periodFloor('week', utc('2027-01-17T23:59:59'))), '2027-01-11T00:00:00.000Z', 'a Sunday');
    assert.equal(iso(periodFloor('week', utc('2027-01-18T00:00:00'))), '2027-01-18T00:00:00.000Z', 'a Monday');
    assert.equal(iso(nextPeriodStart('week', utc('2026-12-30T08:00:00'))), '2027-01-04T00:00:00.000Z', 'across a new year');
  });

  test('a month begins on the 1st 00:00 UTC, whatever its length', () => {
    assert.equal(iso(nextPeriodStart('month', utc('2027-01-31T12:00:00'))), '2027-02-01T00:00:00.000Z');
    assert.equal(iso(nextPeriodStart('month', utc('2028-02-29T23:00:00'))), '2028-03-01T00:00:00.000Z', 'a leap day');
    assert.equal(iso(nextPeriodStart('month', utc('2027-12-15T00:00:00'))), '2028-01-01T00:00:00.000Z');
    assert.equal(iso(periodFloor('month', utc('2027-07-01T00:00:00'))), '2027-07-01T00:00:00.000Z');
  });

  test('a year begins on 1 January 00:00 UTC; no_reset has no periods', () => {
    assert.equal(iso(nextPeriodStart('year', utc('2027-06-01T00:00:00'))), '2028-01-01T00:00:00.000Z');
    assert.equal(iso(periodFloor('year', utc('2027-12-31T23:59:59'))), '2027-01-01T00:00:00.000Z');
    assert.equal(periodFloor('no_reset', utc('2027-06-01T00:00:00')), undefined);
    assert.equal(nextPeriodStart('no_reset', utc('2027-06-01T00:00:00')), undefined);
  });
});
