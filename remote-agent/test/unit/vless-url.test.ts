import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildVlessUrl, type VlessLinkParts } from '../../src/lib/vless-url.ts';

const parts: VlessLinkParts = {
  uuid: '3f1c9a2e-8b7d-4e6f-9a1b-2c3d4e5f6a7b',
  host: 'vpn.example.com',
  port: 10001,
  serverName: 'www.example.com',
  fingerprint: 'chrome',
  publicKey: 'Z84J2IelR9ch3k8VtlVhhs5ycBUlXA7wHBWcBrjqnAw',
  shortId: '6ba85179e30d4fc2',
  name: 'alice',
};

describe('buildVlessUrl', () => {
  test('puts the uuid, host and port in the authority of a vless: URL', () => {
    const url = new URL(buildVlessUrl(parts));
    assert.equal(url.protocol, 'vless:');
    assert.equal(url.username, parts.uuid);
    assert.equal(url.password, '');
    assert.equal(url.hostname, 'vpn.example.com');
    assert.equal(url.port, '10001');
  });

  test('carries exactly the Reality parameters clients expect', () => {
    const url = new URL(buildVlessUrl(parts));
    assert.deepEqual(Object.fromEntries(url.searchParams), {
      encryption: 'none',
      security: 'reality',
      sni: 'www.example.com',
      fp: 'chrome',
      pbk: parts.publicKey,
      sid: parts.shortId,
      type: 'tcp',
      flow: 'xtls-rprx-vision',
    });
    assert.equal([...url.searchParams.keys()].length, 8);
  });

  test('percent-encodes the name in the fragment so spaces, @ and Cyrillic survive', () => {
    const name = 'Иван Петров @home #1';
    const link = buildVlessUrl({ ...parts, name });
    const fragment = link.slice(link.indexOf('#') + 1);
    assert.doesNotMatch(fragment, /[ @#]|[^\x00-\x7f]/);
    assert.equal(decodeURIComponent(new URL(link).hash.slice(1)), name);
  });

  test('brackets an IPv6 host so its colons are not read as the port', () => {
    const url = new URL(buildVlessUrl({ ...parts, host: '2001:db8::1' }));
    assert.equal(url.hostname, '[2001:db8::1]');
    assert.equal(url.port, '10001');
  });

  test('does not bracket an IPv6 host twice', () => {
    const link = buildVlessUrl({ ...parts, host: '[2001:db8::1]' });
    assert.equal(new URL(link).hostname, '[2001:db8::1]');
    assert.ok(!link.includes('[['));
  });
});
