import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseThemePreference, resolveTheme } from './theme-choice.ts';

test('a stored choice is read back; none or an unknown one follows the system', () => {
  assert.equal(parseThemePreference('dark'), 'dark');
  assert.equal(parseThemePreference('light'), 'light');
  assert.equal(parseThemePreference('system'), 'system');
  assert.equal(parseThemePreference(null), 'system');
  assert.equal(parseThemePreference('Dark'), 'system');
  assert.equal(parseThemePreference('solarized'), 'system');
});

test('"system" takes the system\'s look; light and dark hold whatever the system says', () => {
  assert.equal(resolveTheme('system', true), 'dark');
  assert.equal(resolveTheme('system', false), 'light');
  assert.equal(resolveTheme('light', true), 'light');
  assert.equal(resolveTheme('dark', false), 'dark');
});
