import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatUtc } from './format-utc.ts';

test('agent timestamps (UTC, no zone, microseconds) and ISO ones with a zone both show in UTC', () => {
  assert.equal(formatUtc('2025-08-05T12:00:00.000000'), '2025-08-05 12:00 UTC');
  assert.equal(formatUtc('2025-08-05T12:34:56.789Z'), '2025-08-05 12:34 UTC');
  assert.equal(formatUtc('2025-08-05T14:34:56+02:00'), '2025-08-05 12:34 UTC');
});

test('what is not a timestamp is shown as given', () => {
  assert.equal(formatUtc('soon'), 'soon');
});
