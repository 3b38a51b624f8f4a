import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { timeDistance } from '../../../shared/key-limits/key-limit-status.ts';
import { readDataSize } from '../format/data-size-input.ts';
import { formatBytes } from '../format/format-bytes.ts';
import { formatDay, formatUtcTime } from '../format/format-time.ts';
import { expiryWords } from '../format/key-limit-words.ts';
import { i18n, t } from './i18n.ts';

before(() => i18n.changeLanguage('ru'));
after(() => i18n.changeLanguage('en'));

test('Russian counts take one, few or many by the number’s last digits, and other for fractions', () => {
  const keys = (count: number) => t('counts.keys', { count });
  assert.deepEqual([1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111].map(keys), [
    '1 ключ',
    '2 ключа',
    '4 ключа',
    '5 ключей',
    '11 ключей',
    '12 ключей',
    '14 ключей',
    '21 ключ',
    '22 ключа',
    '25 ключей',
    '101 ключ',
    '111 ключей',
  ]);
  assert.equal(keys(0), '0 ключей');
  assert.equal(keys(1.5), '1,5 ключа');
  assert.equal(t('counts.people', { count: 3 }), '3 человека');
  assert.equal(t('counts.people', { count: 5 }), '5 человек');
});

test('Russian numbers, sizes and days are written the Russian way', () => {
  assert.equal(keysOf(10_000), '10\u00a0000 ключей', 'grouped with a no-break space');
  assert.equal(formatBytes(38_467_682), '36,69 МиБ');
  assert.equal(formatBytes(512), '512 Б');
  assert.equal(formatDay('2025-08-05'), '5 авг. 2025 г.');
  assert.equal(formatUtcTime('2025-08-05T12:00:00.000000'), '5 авг. 2025 г., 12:00 UTC');
});

test('an expiry reads in Russian with the plural its number takes', () => {
  const NOW = Date.UTC(2026, 11, 2, 12, 0, 0);
  const DAY = 86_400_000;
  assert.equal(expiryWords(timeDistance(NOW + 3 * DAY + 60_000, NOW)), 'через 3 дня');
  assert.equal(expiryWords(timeDistance(NOW + 21 * DAY + 60_000, NOW)), 'через 21 день');
  assert.equal(expiryWords(timeDistance(NOW - 5 * DAY - 60_000, NOW)), 'истёк 5 дней назад');
});

test('a quota typed with Russian units, shown (ГиБ) or usual (ГБ), and a decimal comma reads as the same bytes as in Latin', () => {
  assert.deepEqual(readDataSize('1,5 ТБ'), readDataSize('1.5TB'));
  assert.deepEqual(readDataSize('50 гб'), { ok: true, bytes: 50 * 1024 ** 3 });
  assert.deepEqual(readDataSize('50 ГиБ'), { ok: true, bytes: 50 * 1024 ** 3 }, 'as sizes are shown');
  assert.deepEqual(readDataSize('50 GiB'), { ok: true, bytes: 50 * 1024 ** 3 });
  assert.deepEqual(readDataSize('50 ЖБ'), { ok: false, problem: 'unknown-unit' });
});

function keysOf(count: number): string {
  return t('counts.keys', { count });
}
