import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseVlessLink } from '../../src/lib/vless-link.ts';
import { buildVlessUrl } from '../../src/lib/vless-url.ts';

const UUID = '3f1c9a2e-8b7d-4e6f-9a1b-2c3d4e5f6a7b';

describe('parseVlessLink', () => {
  test('reads back what buildVlessUrl writes, also for an IPv6 host and a non-ASCII name', () => {
    const text = buildVlessUrl({ uuid: UUID, host: '2001:db8::1', port: 10001, serverName: 'www.example.com', fingerprint: 'chrome', publicKey: 'PBK', shortId: 'ab12', name: 'Мама 📱' });
    const check = parseVlessLink(text);
    assert.ok(check.ok);
    assert.equal(check.link.uuid, UUID);
    assert.equal(check.link.host, '2001:db8::1');
    assert.equal(check.link.port, 10001);
    assert.equal(check.link.name, 'Мама 📱');
    assert.deepEqual(Object.fromEntries(check.link.params), {
      encryption: 'none', security: 'reality', sni: 'www.example.com', fp: 'chrome', pbk: 'PBK', sid: 'ab12', type: 'tcp', flow: 'xtls-rprx-vision',
    });
  });

  test('takes a uuid in upper case and gives it lower case', () => {
    const check = parseVlessLink(`vless://${UUID.toUpperCase()}@h.example:443?security=tls&sni=h.example`);
    assert.ok(check.ok);
    assert.equal(check.link.uuid, UUID);
  });

  const refused: Array<[string, string, RegExp]> = [
    ['another scheme', `vmess://${UUID}@h.example:443`, /does not start with vless:\/\//],
    ['no uuid', 'vless://h.example:443', /no uuid/],
    ['a uuid of the wrong shape', 'vless://3f1c9a2e8b7d4e6f9a1b2c3d4e5f6a7b@h.example:443', /no uuid/],
    ['a password', `vless://${UUID}:secret@h.example:443`, /password/],
    ['no port', `vless://${UUID}@h.example`, /port from 1 to 65535/],
    ['port 0', `vless://${UUID}@h.example:0`, /port from 1 to 65535/],
    ['port 65536', `vless://${UUID}@h.example:65536`, /not a URL/],
    ['a path', `vless://${UUID}@h.example:443/x`, /path/],
    ['a space', `vless://${UUID}@h.example:443?sni=a b`, /printable ASCII/],
    ['a line break (a second link smuggled in)', `vless://${UUID}@h.example:443\nvless://${UUID}@evil.example:1`, /printable ASCII/],
    ['a parameter twice', `vless://${UUID}@h.example:443?sni=a&sni=b`, /sni twice/],
    ['an unknown security', `vless://${UUID}@h.example:443?security=xtls`, /security=xtls/],
    ['Reality without a public key', `vless://${UUID}@h.example:443?security=reality`, /no pbk/],
    ['an encryption VLESS lacks', `vless://${UUID}@h.example:443?encryption=aes`, /encryption=aes/],
    ['a broken escape in the name', `vless://${UUID}@h.example:443#%E0%A4%A`, /percent-encoding/],
    ['an empty host', `vless://${UUID}@:443`, /not a URL|no host/],
  ];
  for (const [what, text, detail] of refused) {
    test(`refuses ${what}`, () => {
      const check = parseVlessLink(text);
      assert.equal(check.ok, false);
      assert.match((check as { detail: string }).detail, detail);
    });
  }
});
