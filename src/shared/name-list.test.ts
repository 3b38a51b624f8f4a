import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { KeyportError } from './contract/errors.ts';
import { parseNameList } from './name-list.ts';

describe('a list of names', () => {
  test('one per line (LF, CRLF, CR): trimmed, blank lines left out, each with its line', () => {
    assert.deepEqual(parseNameList('alice\r\n  bob  \n\nДоступ 3\rzoë\n'), { names: ['alice', 'bob', 'Доступ 3', 'zoë'], lines: [1, 2, 4, 5] });
  });

  test('a plain list whose names hold commas is not taken for a CSV', () => {
    assert.deepEqual(parseNameList('Smith, John\nDoe, Jane\n').names, ['Smith, John', 'Doe, Jane']);
  });

  test('a CSV with a name column, as spreadsheets save it: BOM, semicolons, quotes, doubled quotes', () => {
    const csv = '\uFEFFid;Name;email\r\n1;"Smith; John";a@example.com\r\n2;"Ann ""the admin""";\r\n\r\n3;Bo;\r\n';
    assert.deepEqual(parseNameList(csv), { names: ['Smith; John', 'Ann "the admin"', 'Bo'], lines: [2, 3, 5] });
  });

  test('comma and tab delimiters, and a header that is only "name"', () => {
    assert.deepEqual(parseNameList('email,name\nx@example.com,alice\n').names, ['alice']);
    assert.deepEqual(parseNameList('name\temail\nbob\ty\n').names, ['bob']);
    assert.deepEqual(parseNameList('name\ncarol\n'), { names: ['carol'], lines: [2] });
  });

  test('a CSV row without a name is refused with its line', () => {
    assert.throws(
      () => parseNameList('email,name\nx@example.com,alice\ny@example.com,\n'),
      (error: unknown) => error instanceof KeyportError && error.code === 'bad-input' && error.facts.line === 3,
    );
  });

  test('nothing but blank lines is an empty list', () => {
    assert.deepEqual(parseNameList('\n \r\n'), { names: [], lines: [] });
  });
});
