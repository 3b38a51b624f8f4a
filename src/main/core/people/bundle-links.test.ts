import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BUNDLE_MAX_LINKS } from '../../../../remote-agent/src/api/subscriptions.ts';
import { bundleLinks } from './bundle-links.ts';

test('each key’s bundle is the links of the person’s keys on the other servers, disabled and unread ones left out', () => {
  const bundles = bundleLinks([
    { serverId: 'A', keyId: 'a1', isActive: true, vlessUrl: 'vless://u@a:1#anna' },
    { serverId: 'B', keyId: 'b1', isActive: true, vlessUrl: 'vless://u@b:1#anna' },
    { serverId: 'C', keyId: 'c1', isActive: false, vlessUrl: 'vless://u@c:1#anna' },
    { serverId: 'D', keyId: 'd1', isActive: true, vlessUrl: null },
  ]);
  assert.deepEqual(bundles, [
    { serverId: 'A', keyId: 'a1', links: ['vless://u@b:1#anna'] },
    { serverId: 'B', keyId: 'b1', links: ['vless://u@a:1#anna'] },
    // A disabled key still gets the others' links: the admin may enable it again.
    { serverId: 'C', keyId: 'c1', links: ['vless://u@a:1#anna', 'vless://u@b:1#anna'] },
    { serverId: 'D', keyId: 'd1', links: ['vless://u@a:1#anna', 'vless://u@b:1#anna'] },
  ]);
});

test('a bundle holds at most what the agent takes', () => {
  const keys = Array.from({ length: BUNDLE_MAX_LINKS + 5 }, (_, index) => ({ serverId: `s${index}`, keyId: `k${index}`, isActive: true, vlessUrl: `vless://u@s${index}:1` }));
  assert.equal(bundleLinks(keys)[0]!.links.length, BUNDLE_MAX_LINKS);
});
