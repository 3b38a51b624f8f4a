import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KeyportError } from '../../../shared/contract/errors.ts';
import { checkSettingsPatch } from './check-settings-patch.ts';

describe('checkSettingsPatch', () => {
  test('takes any non-empty part of the settings in the right form', () => {
    for (const patch of [
      { reality_target: 'dl.google.com:443' },
      { reality_target: '203.0.113.7:8443' },
      { reality_target: '[2001:db8::1]:443' },
      { reality_server_names: ['dl.google.com', 'www.example.org'] },
      { reality_fingerprint: 'firefox' },
      { allow_private_destinations: true, access_log: false },
      { link_host: 'vpn.example.com' },
      { link_host: '2001:db8::7' },
      { link_host: '[2001:db8::7]' },
      { link_host: null },
    ]) {
      assert.deepEqual(checkSettingsPatch(patch), patch);
    }
  });

  for (const [patch, message] of [
    [{}, /at least one field/],
    [null, /must be an object/],
    [['reality_target'], /must be an object/],
    [{ reality_dest: 'x:443' }, /"reality_dest" is not a server setting/],
    [{ reality_target: 'dl.google.com' }, /^reality_target must be HOST:PORT/],
    [{ reality_target: 'dl.google.com:65536' }, /^reality_target must be HOST:PORT/],
    [{ reality_target: 'dl.google.com:443; id' }, /^reality_target must be HOST:PORT/],
    [{ reality_target: 443 }, /^reality_target must be HOST:PORT/],
    [{ reality_server_names: [] }, /must be 1 to 16 host names/],
    [{ reality_server_names: Array.from({ length: 17 }, (_, index) => `n${index}.example.org`) }, /must be 1 to 16 host names/],
    [{ reality_server_names: ['*.example.org'] }, /must be exact host names/],
    [{ reality_server_names: ['198.51.100.4'] }, /must be exact host names/],
    [{ reality_server_names: ['a.example.org', 'a.example.org'] }, /must not repeat a name/],
    [{ reality_fingerprint: 'Chrome Browser' }, /uTLS fingerprint/],
    [{ access_log: 'yes' }, /^access_log must be true or false/],
    [{ link_host: 'vpn.example.com:443' }, /^link_host must be a host name/],
    [{ link_host: 'vpn example.com' }, /^link_host must be a host name/],
    [{ link_host: '' }, /^link_host must be a host name/],
    [{ link_host: 7 }, /^link_host must be a host name or an IP address, or null/],
  ] as const) {
    test(`refuses ${JSON.stringify(patch).slice(0, 60)} as bad input, naming the field`, () => {
      assert.throws(() => checkSettingsPatch(patch), (error: KeyportError) => error.code === 'bad-input' && message.test(error.message));
    });
  }
});
