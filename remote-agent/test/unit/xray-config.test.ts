import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildXrayConfig, inboundTag, isKeyportTag, type InboundKey, type XrayConfigOptions } from '../../src/services/xray/xray-config.ts';
import { checkRouting } from '../../src/services/xray/routing-check.ts';
import type { RealityKeys } from '../../src/services/xray/reality-keys.ts';

const realityKeys: RealityKeys = {
  privateKey: 'yPa2Jq9yHOwGzF3WA2kyhiJr0lFwXkz9FWC6ucwTjXU',
  publicKey: 'Z84J2IelR9ch3k8VtlVhhs5ycBUlXA7wHBWcBrjqnAw',
  shortIds: ['6ba8', '6ba85179e30d4fc2'],
};
const reality = { dest: 'www.example.com:443', serverNames: ['www.example.com'], fingerprint: 'chrome' };
const keys: InboundKey[] = [
  { id: 'key-a', uuid: '3f1c9a2e-8b7d-4e6f-9a1b-2c3d4e5f6a7b', port: 10001 },
  { id: 'key-b', uuid: '9d0e1f2a-3b4c-4d5e-8f6a-7b8c9d0e1f2a', port: 10002 },
];
const options: XrayConfigOptions = { apiListen: '127.0.0.1:10085', realityKeys, reality, allowPrivateDestinations: false };
const config = buildXrayConfig(keys, options);

describe('buildXrayConfig', () => {
  test('has one inbound per active key, on that key\'s port, tagged with its id', () => {
    assert.deepEqual(
      config.inbounds.map((inbound) => [inbound.tag, inbound.port]),
      [
        ['keyport-key-a', 10001],
        ['keyport-key-b', 10002],
      ],
    );
    assert.equal(buildXrayConfig([], options).inbounds.length, 0);
  });

  test('each inbound is VLESS with its key\'s uuid as the only client, xtls-rprx-vision, no decryption', () => {
    config.inbounds.forEach((inbound, index) => {
      assert.equal(inbound.protocol, 'vless');
      assert.equal(inbound.settings.decryption, 'none');
      assert.deepEqual(
        inbound.settings.clients.map((client) => [client.id, client.flow]),
        [[keys[index]!.uuid, 'xtls-rprx-vision']],
      );
    });
  });

  test('each inbound uses Reality over TCP with the server keys and the configured site', () => {
    for (const inbound of config.inbounds) {
      assert.equal(inbound.streamSettings.network, 'tcp');
      assert.equal(inbound.streamSettings.security, 'reality');
      const settings = inbound.streamSettings.realitySettings;
      assert.equal(settings.dest, 'www.example.com:443');
      assert.deepEqual(settings.serverNames, ['www.example.com']);
      assert.equal(settings.privateKey, realityKeys.privateKey);
      assert.deepEqual(settings.shortIds, realityKeys.shortIds);
    }
  });

  test('sets minClientVer explicitly so recent Xray does not refuse older clients', () => {
    for (const inbound of config.inbounds) {
      assert.match(inbound.streamSettings.realitySettings.minClientVer, /^\d+\.\d+\.\d+$/);
    }
  });

  test('puts the handler API on the given listen address', () => {
    assert.equal(config.api.listen, '127.0.0.1:10085');
    assert.ok(config.api.services.includes('HandlerService'));
  });

  test('sends loopback, private, CGNAT, link-local, multicast and 0.0.0.0/8 destinations to a blackhole, by CIDR', () => {
    assert.equal(config.routing.domainStrategy, 'IPIfNonMatch');
    const rule = config.routing.rules.find((candidate) => 'ip' in candidate);
    const names = config.routing.rules.find((candidate) => 'domain' in candidate);
    assert.ok(rule && names);
    assert.ok(config.routing.rules.every((candidate) => candidate.outboundTag === 'block'));
    assert.ok(config.outbounds.some((outbound) => outbound.protocol === 'blackhole' && outbound.tag === 'block'));
    for (const cidr of ['127.0.0.0/8', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.0.0/16', '224.0.0.0/4', '0.0.0.0/8', '::/127', 'fc00::/7', 'fe80::/10']) {
      assert.ok(rule.ip.includes(cidr), cidr);
    }
    assert.ok(names.domain.includes('full:localhost'));
    assert.ok(!rule.ip.some((cidr) => cidr.startsWith('geoip:') || cidr.startsWith('2001:db8')), 'no geoip.dat, documentation ranges stay reachable');
    // Xray parses ::ffff:a.b.c.d as IPv4 and refuses a prefix over 32 (common/geodata/rule_parser.go:103-121).
    assert.ok(!rule.ip.some((cidr) => cidr.startsWith('::ffff:')));
    assert.equal(config.outbounds[0]?.protocol, 'freedom', 'everything else goes out directly');
  });

  test('matches names and addresses in rules of their own, as every field of one rule must match', () => {
    // A rule with both would block only names resolving into the ranges, never 127.0.0.1 itself
    // (app/router/config.go:33-118, condition.go:35-42 and 63-68 at v26.7.28).
    for (const rule of config.routing.rules) assert.equal('domain' in rule && 'ip' in rule, false, JSON.stringify(rule));
  });

  test('an admin who allows private destinations gets no block rule', () => {
    const open = buildXrayConfig(keys, { ...options, allowPrivateDestinations: true });
    assert.deepEqual(open.routing.rules, []);
  });

  test('keeps no access log unless a file is given', () => {
    assert.equal(config.log.access, 'none');
    assert.equal(buildXrayConfig(keys, { ...options, accessLogPath: '/var/lib/keyport/xray-access.log' }).log.access, '/var/lib/keyport/xray-access.log');
  });

  test('survives a JSON round trip unchanged, as it is written to the config file', () => {
    assert.deepEqual(JSON.parse(JSON.stringify(config)), config);
  });
});

describe('inbound tags', () => {
  test('tell the agent\'s inbounds from others', () => {
    assert.equal(isKeyportTag(inboundTag('abc')), true);
    assert.equal(isKeyportTag('api'), false);
    assert.notEqual(inboundTag('a'), inboundTag('b'));
  });
});

describe('checkRouting', () => {
  test('passes the file the agent writes', () => {
    assert.equal(checkRouting(config, false).in_sync, true);
    assert.equal(checkRouting(config, false).private_destinations_blocked, true);
    const open = buildXrayConfig(keys, { ...options, allowPrivateDestinations: true });
    assert.equal(checkRouting(open, true).in_sync, true);
    assert.equal(checkRouting(open, true).private_destinations_blocked, false);
  });

  test('reports the rule missing, altered, or its blackhole gone', () => {
    const missing = { ...config, routing: { domainStrategy: 'IPIfNonMatch', rules: [] } };
    assert.equal(checkRouting(missing, false).in_sync, false);
    assert.match(checkRouting(missing, false).detail, /missing or altered/);
    const altered = {
      ...config,
      routing: {
        ...config.routing,
        rules: config.routing.rules.map((rule) => ('ip' in rule ? { ...rule, ip: rule.ip.filter((cidr) => cidr !== '127.0.0.0/8') } : rule)),
      },
    };
    assert.equal(checkRouting(altered, false).private_destinations_blocked, false);
    const merged = { ...config, routing: { ...config.routing, rules: [Object.assign({}, ...config.routing.rules)] } };
    assert.equal(checkRouting(merged, false).private_destinations_blocked, false, 'one rule with both fields does not block addresses');
    const noBlackhole = { ...config, outbounds: [{ protocol: 'freedom', tag: 'direct' }] };
    assert.equal(checkRouting(noBlackhole, false).in_sync, false);
    assert.equal(checkRouting(undefined, false).in_sync, false);
    assert.equal(checkRouting(config, true).in_sync, false, 'the admin allowed private destinations but the file still blocks them');
  });
});
