import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatTable } from './format-table.ts';

test('formatTable pads each column to its widest cell, two spaces apart, numbers right-aligned', () => {
  const table = formatTable(
    [{ header: 'NAME' }, { header: 'PORT', align: 'right' }, { header: 'ACTIVE' }],
    [
      ['alice@example.com', '10001', 'yes'],
      ['bob', '9', 'no'],
    ],
  );
  assert.equal(
    table,
    ['NAME                PORT  ACTIVE', 'alice@example.com  10001  yes', 'bob                    9  no', ''].join('\n'),
  );
});

test('formatTable leaves no trailing spaces and counts characters, not UTF-16 units', () => {
  const table = formatTable([{ header: 'NAME' }, { header: 'NOTE' }], [['𝒜b', ''], ['ü', 'x']]);
  assert.equal(table, 'NAME  NOTE\n𝒜b\nü     x\n');
});

test('formatTable with no rows is the header alone', () => {
  assert.equal(formatTable([{ header: 'ID' }, { header: 'NAME' }], []), 'ID  NAME\n');
});
