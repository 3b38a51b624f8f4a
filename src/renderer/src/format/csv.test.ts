import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildCsv, csvField } from './csv.ts';

test('a header record, then a record per row, each ended by CRLF', () => {
  const csv = buildCsv({ header: ['name', 'rx_bytes'], rows: [['alice', 1024], ['bob', 0]] });
  assert.equal(csv, 'name,rx_bytes\r\nalice,1024\r\nbob,0\r\n');
});

test('fields with a quote, a comma or a line break are quoted, quotes doubled (RFC 4180)', () => {
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('two\nlines'), '"two\nlines"');
  assert.equal(csvField('cr\rlf'), '"cr\rlf"');
  assert.equal(csvField('Мама 📱'), 'Мама 📱', 'nothing to quote: as it is');
  assert.equal(csvField(''), '');
});

test('figures go out raw; nothing is an empty field', () => {
  assert.equal(csvField(38_467_682), '38467682');
  assert.equal(csvField(Number.MAX_SAFE_INTEGER), '9007199254740991');
  assert.equal(csvField(0.5), '0.5');
  assert.equal(csvField(-3), '-3', 'a negative number is a number, not a formula');
  assert.equal(csvField(true), 'true');
  assert.equal(csvField(null), '');
  assert.equal(csvField(undefined), '');
  assert.equal(csvField(Number.NaN), '');
});

test('text a spreadsheet would run as a formula starts with an apostrophe, quoted as any text', () => {
  assert.equal(csvField('=HYPERLINK("http://evil.example","x")'), `"'=HYPERLINK(""http://evil.example"",""x"")"`);
  assert.equal(csvField('+1'), "'+1");
  assert.equal(csvField('-5'), "'-5");
  assert.equal(csvField('@SUM(A1)'), "'@SUM(A1)");
  assert.equal(csvField('\t=1'), "'\t=1");
  assert.equal(csvField('a=b'), 'a=b', 'only a leading sign counts');
  assert.equal(csvField('2025-08-05T12:00:00.000Z'), '2025-08-05T12:00:00.000Z');
});

test('a row of every kind reads back as its cells', () => {
  const csv = buildCsv({ header: ['key_id', 'name', 'note', 'used_bytes'], rows: [['k1', '=cmd', 'a, "b"\nc', 5]] });
  assert.equal(csv, `key_id,name,note,used_bytes\r\nk1,'=cmd,"a, ""b""\nc",5\r\n`);
});
