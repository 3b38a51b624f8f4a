import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import {
  XRAY_CHECKED_VERSION,
  XRAY_MINIMUM_VERSION,
  xrayReleaseTag,
  xrayVersionSupport,
} from '../../src/api/xray-version-support.ts';
import { FAKE_XRAY } from '../../../test-support/stand-in-xray.ts';

const line = (version: string) => `Xray ${version} (Xray, Penetrates Everything.) Custom (go1.24.4 linux/amd64)\nA unified platform for anti-censorship.\n`;

describe('xrayVersionSupport', () => {
  test('the checked version is ok, and carries the bounds it was judged by', () => {
    assert.deepEqual(xrayVersionSupport(line('26.7.28')), { version: '26.7.28', support: 'ok', minimum: '1.8.12', checked: '26.7.28' });
  });

  for (const [version, support] of [
    ['1.8.12', 'ok'],
    ['1.8.11', 'too-old'],
    ['1.8.4', 'too-old'],
    ['1.7.5', 'too-old'],
    ['25.10.15', 'ok'],
    ['26.7.27', 'ok'],
    ['26.7.29', 'newer-than-checked'],
    ['26.10.1', 'newer-than-checked'],
    ['27.1.1', 'newer-than-checked'],
  ] as const) {
    test(`Xray ${version} is ${support} (numbers compared as numbers, not text)`, () => {
      assert.equal(xrayVersionSupport(line(version)).support, support);
      assert.equal(xrayVersionSupport(line(version)).version, version);
    });
  }

  test('output that is not Xray\'s (another core, nothing, garbage) is unknown with no version', () => {
    for (const output of ['V2Ray 4.34.0 (V2Fly, a community-driven edition of V2Ray.) Custom (go1.19.8 linux/amd64)', '', null, undefined, 'Xray', 'Xray abc']) {
      assert.deepEqual(xrayVersionSupport(output), { version: null, support: 'unknown', minimum: XRAY_MINIMUM_VERSION, checked: XRAY_CHECKED_VERSION });
    }
  });

  test('a first line alone (as the agent\'s status keeps it) and a v prefix are read too', () => {
    assert.equal(xrayVersionSupport('Xray v26.7.28 (Xray, Penetrates Everything.) 3e4f1a2 (go1.24 linux/arm64)').version, '26.7.28');
  });

  test('release tags are v-prefixed', () => {
    assert.equal(xrayReleaseTag(XRAY_CHECKED_VERSION), 'v26.7.28');
  });

  test('the pin is the version the stand-in Xray models: they cannot drift apart', () => {
    const output = execFileSync(FAKE_XRAY, ['version'], { encoding: 'utf8' });
    assert.equal(xrayVersionSupport(output).version, XRAY_CHECKED_VERSION, `the stand-in says: ${output.split('\n')[0]}`);
  });
});
