import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { subscriptionChoice, subscriptionDraftOf } from './subscription-draft.ts';

const agent = { version: '2.1.3', release: 'r', deployedAt: '2026-01-01T00:00:00.000Z', apiPort: 8000 };

describe('the deploy dialog’s subscription fields', () => {
  test('start as the last deploy left them: on at its port, or off', () => {
    assert.deepEqual(subscriptionDraftOf(null), { enabled: false, port: '', certFile: '', keyFile: '' });
    assert.deepEqual(subscriptionDraftOf({ ...agent, subscriptions: null }), { enabled: false, port: '', certFile: '', keyFile: '' });
    const served = { port: 8443, urlBase: 'https://vpn.example.com:8443', certificate: { subject: 'CN=vpn', notAfter: '2027-01-01T00:00:00.000Z', fingerprint256: 'AA' } };
    assert.deepEqual(subscriptionDraftOf({ ...agent, subscriptions: served }), { enabled: true, port: '8443', certFile: '', keyFile: '' });
  });

  test('become off, a port alone, or a port with both files', () => {
    assert.deepEqual(subscriptionChoice({ enabled: false, port: '8443', certFile: '', keyFile: '' }), { ok: true, subscriptions: false });
    assert.deepEqual(subscriptionChoice({ enabled: true, port: ' 8443 ', certFile: '', keyFile: '' }), { ok: true, subscriptions: { port: 8443 } });
    assert.deepEqual(subscriptionChoice({ enabled: true, port: '443', certFile: '/etc/sub.pem ', keyFile: '/etc/sub.key' }), {
      ok: true,
      subscriptions: { port: 443, tls: { certFile: '/etc/sub.pem', keyFile: '/etc/sub.key' } },
    });
  });

  test('a port that is not one, or one file without the other, is said before anything is sent', () => {
    for (const port of ['', '0', '65536', '84 43', 'https']) {
      const choice = subscriptionChoice({ enabled: true, port, certFile: '', keyFile: '' });
      assert.deepEqual(choice, { ok: false, problem: 'port' }, port);
    }
    const half = subscriptionChoice({ enabled: true, port: '8443', certFile: '/etc/sub.pem', keyFile: '' });
    assert.deepEqual(half, { ok: false, problem: 'files' });
  });
});
