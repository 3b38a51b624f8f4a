import assert from 'node:assert/strict';
import { test } from 'node:test';
import { byteAxis } from './byte-axis.ts';

const gridlines = (maxBytes: number) => {
  const axis = byteAxis(maxBytes);
  const labels: string[] = [];
  for (let bytes = 0; bytes <= axis.max; bytes += axis.step) labels.push(axis.label(bytes));
  return labels;
};

test('gridlines sit at round amounts of one 1024-based unit, up to the first step above the data', () => {
  assert.deepEqual(gridlines(117.19 * 1024), ['0', '25 KB', '50 KB', '75 KB', '100 KB', '125 KB']);
  assert.deepEqual(gridlines(38_467_682), ['0', '10 MB', '20 MB', '30 MB', '40 MB']);
  assert.deepEqual(gridlines(300), ['0', '100 B', '200 B', '300 B']);
  assert.deepEqual(gridlines(3 * 1024 ** 4), ['0', '1 TB', '2 TB', '3 TB']);
});

test('just over a unit, steps are fractions of it; bytes are never split', () => {
  assert.deepEqual(gridlines(1.1 * 1024 ** 3), ['0', '0.25 GB', '0.5 GB', '0.75 GB', '1 GB', '1.25 GB']);
  assert.deepEqual(gridlines(3), ['0', '1 B', '2 B', '3 B']);
});

test('an empty chart spans 0 to 1 KB instead of fractions of a byte', () => {
  assert.deepEqual(gridlines(0), ['0', '0.25 KB', '0.5 KB', '0.75 KB', '1 KB']);
});
