import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { changesLinks, linkSettingsChoice, linkSettingsDraftOf } from './link-settings-draft.ts';

const CURRENT = {
  linkHost: '10.0.0.5',
  linkHostSet: false,
  realityTarget: 'dl.google.com:443',
  realityServerNames: ['dl.google.com'],
  keyPorts: { from: 10001, to: 29999 },
};

describe('the link settings dialog’s fields', () => {
  test('start as the server has them; an SSH host is an empty link host', () => {
    assert.deepEqual(linkSettingsDraftOf(CURRENT), { linkHost: '', realityTarget: 'dl.google.com:443', realityServerNames: 'dl.google.com', keyPortsFrom: '10001', keyPortsTo: '29999' });
    assert.equal(linkSettingsDraftOf({ ...CURRENT, linkHost: 'vpn.example.com', linkHostSet: true }).linkHost, 'vpn.example.com');
  });

  test('untouched, they ask for nothing', () => {
    assert.deepEqual(linkSettingsChoice(linkSettingsDraftOf(CURRENT), CURRENT), { ok: true, change: {} });
  });

  test('ask only for what differs: a host, a range, names', () => {
    const draft = { ...linkSettingsDraftOf(CURRENT), linkHost: ' VPN.example.com ', keyPortsFrom: '20001', realityServerNames: 'a.example.com, b.example.com' };
    const choice = linkSettingsChoice(draft, CURRENT);
    assert.deepEqual(choice, { ok: true, change: { linkHost: 'vpn.example.com', realityServerNames: ['a.example.com', 'b.example.com'], keyPorts: { from: 20001, to: 29999 } } });
    assert.equal(changesLinks((choice as { change: object }).change), true);
    assert.equal(changesLinks({ keyPorts: { from: 20001, to: 29999 } }), false);
  });

  test('an emptied link host goes back to the SSH host', () => {
    const set = { ...CURRENT, linkHost: 'vpn.example.com', linkHostSet: true };
    assert.deepEqual(linkSettingsChoice({ ...linkSettingsDraftOf(set), linkHost: ' ' }, set), { ok: true, change: { linkHost: null } });
  });

  test('a host or a range that is not one is said before anything is sent', () => {
    for (const linkHost of ['vpn example.com', 'vpn.example.com:443', '10.0.0.256']) {
      assert.deepEqual(linkSettingsChoice({ ...linkSettingsDraftOf(CURRENT), linkHost }, CURRENT), { ok: false, problem: 'link-host' }, linkHost);
    }
    for (const [keyPortsFrom, keyPortsTo] of [['', '29999'], ['20001', '10001'], ['1x', '2'], ['0', '10'], ['20001', '70000']]) {
      assert.deepEqual(linkSettingsChoice({ ...linkSettingsDraftOf(CURRENT), keyPortsFrom: keyPortsFrom!, keyPortsTo: keyPortsTo! }, CURRENT), { ok: false, problem: 'key-ports' });
    }
  });
});
