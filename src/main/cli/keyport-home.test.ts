import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { resolveKeyportHome } from './keyport-home.ts';

describe('resolveKeyportHome', () => {
  test('$KEYPORT_HOME wins on every platform', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      assert.equal(resolveKeyportHome({ KEYPORT_HOME: '/srv/keyport', XDG_CONFIG_HOME: '/x', APPDATA: 'C:\\A' }, platform, '/home/ann'), '/srv/keyport');
    }
  });

  test('Linux: $XDG_CONFIG_HOME/keyport, else ~/.config/keyport', () => {
    assert.equal(resolveKeyportHome({ XDG_CONFIG_HOME: '/home/ann/cfg' }, 'linux', '/home/ann'), '/home/ann/cfg/keyport');
    assert.equal(resolveKeyportHome({}, 'linux', '/home/ann'), '/home/ann/.config/keyport');
    assert.equal(resolveKeyportHome({ KEYPORT_HOME: '', XDG_CONFIG_HOME: '' }, 'linux', '/home/ann'), '/home/ann/.config/keyport');
  });

  test('Linux: a relative $XDG_CONFIG_HOME is ignored, as the XDG spec says', () => {
    assert.equal(resolveKeyportHome({ XDG_CONFIG_HOME: 'cfg' }, 'linux', '/home/ann'), '/home/ann/.config/keyport');
  });

  test('other Unixes follow Linux', () => {
    assert.equal(resolveKeyportHome({}, 'freebsd', '/home/ann'), '/home/ann/.config/keyport');
  });

  test('macOS: ~/Library/Application Support/keyport', () => {
    assert.equal(resolveKeyportHome({ XDG_CONFIG_HOME: '/x' }, 'darwin', '/Users/ann'), '/Users/ann/Library/Application Support/keyport');
  });

  test('Windows: %APPDATA%\\keyport, else the roaming AppData under the profile', () => {
    assert.equal(resolveKeyportHome({ APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' }, 'win32', 'C:\\Users\\ann'), 'C:\\Users\\ann\\AppData\\Roaming\\keyport');
    assert.equal(resolveKeyportHome({}, 'win32', 'C:\\Users\\ann'), 'C:\\Users\\ann\\AppData\\Roaming\\keyport');
  });
});
