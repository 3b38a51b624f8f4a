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
  assert.deepEqual(gridlines(117.19 * 1024), ['0', '25 KiB', '50 KiB', '75 KiB', '100 KiB', '125 KiB']);
  assert.deepEqual(gridlines(38_467_682), ['0', '10 MiB', '20 MiB', '30 MiB', '40 MiB']);
  assert.deepEqual(gridlines(300), ['0', '100 B', '200 B', '300 B']);
  assert.deepEqual(gridlines(3 * 1024 ** 4), ['0', '1 TiB', '2 TiB', '3 TiB']);
});

test('just over a unit, steps are fractions of it; bytes are never split', () => {
  assert.deepEqual(gridlines(1.1 * 1024 ** 3), ['0', '0.25 GiB', '0.5 GiB', '0.75 GiB', '1 GiB', '1.25 GiB']);
  assert.deepEqual(gridlines(3), ['0', '1 B', '2 B', '3 B']);
});

test('an empty chart spans 0 to 1 KiB instead of fractions of a byte', () => {
  assert.deepEqual(gridlines(0), ['0', '0.25 KiB', '0.5 KiB', '0.75 KiB', '1 KiB']);
});
