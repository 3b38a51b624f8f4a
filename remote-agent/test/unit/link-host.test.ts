import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkLinkHost, hostInUrl } from '../../src/api/link-host.ts';
import { subscriptionUrlBase } from '../../src/services/subscriptions/subscription-url-base.ts';

describe('the link host rule', () => {
  test('host names, IPv4 and IPv6 addresses are taken, in the form stored', () => {
    const taken: Array<[string, string]> = [
      ['vpn.example.com', 'vpn.example.com'],
      [' VPN.Example.COM ', 'vpn.example.com'],
      ['localhost', 'localhost'],
      ['xn--80ak6aa92e.com', 'xn--80ak6aa92e.com'],
      ['203.0.113.7', '203.0.113.7'],
      ['2001:db8::7', '2001:db8::7'],
      ['[2001:DB8::7]', '2001:db8::7'],
      ['::1', '::1'],
      ['::ffff:192.0.2.1', '::ffff:192.0.2.1'],
      ['2001:db8:0:0:0:0:0:7', '2001:db8:0:0:0:0:0:7'],
    ];
    for (const [given, stored] of taken) assert.deepEqual(checkLinkHost(given), { ok: true, host: stored }, given);
  });

  test('anything else is refused, saying what a link host may be', () => {
    for (const given of ['', ' ', 'vpn example.com', 'vpn.example.com:443', 'https://vpn.example.com', '10.0.0.256', '1.2.3', '-vpn.example.com', 'a..b', '2001:db8:::7', '[vpn.example.com]', '2001:db8::7::1', '1:2:3:4:5:6:7:8:9', 'vpn_1.example.com', `${'a'.repeat(64)}.example.com`]) {
      const checked = checkLinkHost(given);
      assert.equal(checked.ok, false, given);
      assert.match((checked as { detail: string }).detail, /host name .* IPv4 .* IPv6/, given);
    }
  });

  test('an IPv6 host goes into URLs in brackets', () => {
    assert.equal(hostInUrl('2001:db8::7'), '[2001:db8::7]');
    assert.equal(hostInUrl('[2001:db8::7]'), '[2001:db8::7]');
    assert.equal(hostInUrl('vpn.example.com'), 'vpn.example.com');
  });
});

describe('the subscription URL base under a link host', () => {
  const flags = { host: '0.0.0.0', port: 8443, tls: undefined, urlBase: 'http://10.0.0.5:8443', urlBaseFollowsHost: true };

  test('one derived from --public-host takes the link host, scheme and port kept', () => {
    assert.equal(subscriptionUrlBase(flags, null), 'http://10.0.0.5:8443');
    assert.equal(subscriptionUrlBase(flags, 'vpn.example.com'), 'http://vpn.example.com:8443');
    assert.equal(subscriptionUrlBase({ ...flags, tls: { certFile: 'c', keyFile: 'k' } }, '2001:db8::7'), 'https://[2001:db8::7]:8443');
  });

  test("the admin's own base stays as given; none while the listener is off", () => {
    assert.equal(subscriptionUrlBase({ ...flags, urlBase: 'https://sub.example.com/keyport', urlBaseFollowsHost: false }, 'vpn.example.com'), 'https://sub.example.com/keyport');
    assert.equal(subscriptionUrlBase(undefined, 'vpn.example.com'), undefined);
  });
});
