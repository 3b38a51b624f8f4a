import assert from 'node:assert/strict';
import { test } from 'node:test';
import { i18n } from '../i18n/i18n.ts';
import { loadWords, memoryWords, uptimeWords } from './host-figure-words.ts';

const HOUR_S = 3_600;
const DAY_S = 24 * HOUR_S;
const LOAD = { one_minute: 1.5, five_minutes: 1, fifteen_minutes: 0.5 };

test('an uptime reads in its two largest whole units', () => {
  assert.equal(uptimeWords(59), '0 min');
  assert.equal(uptimeWords(7 * 60 + 59), '7 min');
  assert.equal(uptimeWords(5 * HOUR_S + 12 * 60), '5 h 12 min');
  assert.equal(uptimeWords(DAY_S + 59 * 60), '1 day 0 h');
  assert.equal(uptimeWords(400 * DAY_S + 23 * HOUR_S), '400 days 23 h');
});

test('in Russian, days and cores take the plural their number asks for', async () => {
  await i18n.changeLanguage('ru');
  try {
    assert.equal(uptimeWords(DAY_S), '1 день 0 ч');
    assert.equal(uptimeWords(3 * DAY_S + 4 * HOUR_S), '3 дня 4 ч');
    assert.equal(uptimeWords(11 * DAY_S), '11 дней 0 ч');
    assert.equal(uptimeWords(21 * DAY_S), '21 день 0 ч');
    assert.equal(uptimeWords(5 * HOUR_S + 12 * 60), '5 ч 12 мин');
    assert.equal(loadWords(LOAD, 1), '1,50 / 1 ядро');
    assert.equal(loadWords(LOAD, 4), '1,50 / 4 ядра');
    assert.equal(loadWords(LOAD, 8), '1,50 / 8 ядер');
  } finally {
    await i18n.changeLanguage('en');
  }
});

test('the load is the last minute’s beside the CPUs; memory used is all but what is available', () => {
  assert.equal(loadWords(LOAD, 1), '1.50 / 1 CPU');
  assert.equal(loadWords(LOAD, 16), '1.50 / 16 CPUs');
  assert.equal(memoryWords({ total_bytes: 4 * 1024 ** 3, available_bytes: 1024 ** 3 }), '3.00 GiB / 4.00 GiB');
});
