import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildXrayConfig, inboundTag, isKeyportTag, type InboundKey } from '../../src/services/xray/xray-config.ts';
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
const config = buildXrayConfig(keys, '127.0.0.1:10085', realityKeys, reality);

describe('buildXrayConfig', () => {
  test('has one inbound per active key, on that key\'s port, tagged with its id', () => {
    assert.deepEqual(
      config.inbounds.map((inbound) => [inbound.tag, inbound.port]),
      [
        ['keyport-key-a', 10001],
        ['keyport-key-b', 10002],
      ],
    );
    assert.equal(buildXrayConfig([], '127.0.0.1:10085', realityKeys, reality).inbounds.length, 0);
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
