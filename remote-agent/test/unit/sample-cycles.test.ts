import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { SampleFormatError, decodeSamples, encodeSamples } from '../../src/services/store/sample-cycles.ts';

describe('encodeSamples / decodeSamples', () => {
  test('round-trip ids of any shape and counts up to the largest safe integer, in order', () => {
    const samples = [
      { keyId: randomUUID(), rxBytes: 0, txBytes: 127, connections: 128 },
      { keyId: 'a', rxBytes: Number.MAX_SAFE_INTEGER, txBytes: 2 ** 32, connections: 0 },
      { keyId: 'ключ-😀', rxBytes: 16_383, txBytes: 16_384, connections: 65_535 },
      { keyId: '0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0', rxBytes: 1, txBytes: 1, connections: 1 },
    ];
    assert.deepEqual(decodeSamples(encodeSamples(samples)), samples);
    assert.deepEqual(decodeSamples(encodeSamples([])), []);
  });

  test('a UUID takes its 16 bytes, not its 36 characters', () => {
    const blob = encodeSamples([{ keyId: randomUUID(), rxBytes: 1, txBytes: 1, connections: 1 }]);
    assert.equal(blob.length, 1 + 1 + 16 + 3);
  });

  test('refuses counts that are not whole and non-negative', () => {
    for (const bad of [-1, 1.5, Number.MAX_SAFE_INTEGER + 1, Number.NaN]) {
      assert.throws(() => encodeSamples([{ keyId: 'a', rxBytes: bad, txBytes: 0, connections: 0 }]), RangeError);
    }
  });

  test('a BLOB cut short or of another format is an error, never a guess', () => {
    const blob = encodeSamples([{ keyId: 'key', rxBytes: 300, txBytes: 5, connections: 1 }]);
    for (let length = 2; length < blob.length; length += 1) assert.throws(() => decodeSamples(blob.subarray(0, length)), SampleFormatError);
    assert.throws(() => decodeSamples(Uint8Array.of(2)), SampleFormatError);
    assert.throws(() => decodeSamples(Uint8Array.of(1, 9)), SampleFormatError);
    assert.throws(() => decodeSamples(Uint8Array.of(1, 1, 1, 97, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)), SampleFormatError);
  });
});
