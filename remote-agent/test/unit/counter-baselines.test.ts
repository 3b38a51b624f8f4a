import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CounterBaselines, counterPort } from '../../src/services/counter-baselines.ts';

describe('CounterBaselines', () => {
  test('forgets exactly the counters of the ports named, of one family or all', () => {
    const baselines = new CounterBaselines(
      new Map([['rx:1000', 1], ['tx:1000', 2], ['v4:rx:1000', 3], ['v6:syn:1000', 4], ['rx:10000', 5], ['v4:rx:100', 6]]),
    );
    assert.deepEqual(baselines.forgetPorts([1000], 'v4'), ['v4:rx:1000']);
    assert.deepEqual(baselines.forgetPorts([1000, 999]).sort(), ['rx:1000', 'tx:1000', 'v6:syn:1000']);
    assert.deepEqual(baselines.ids().sort(), ['rx:10000', 'v4:rx:100']);
    assert.deepEqual(baselines.forgetPorts([1000]), []);
  });

  test('a counter set again after it was forgotten is found by its port again', () => {
    const baselines = new CounterBaselines(new Map());
    baselines.set('rx:20001', 10);
    baselines.set('rx:20001', 20);
    assert.equal(baselines.get('rx:20001'), 20);
    baselines.delete('rx:20001');
    baselines.set('rx:20001', 5);
    assert.deepEqual(baselines.forgetPorts([20001]), ['rx:20001']);
    assert.equal(baselines.get('rx:20001'), undefined);
  });

  test('counterPort reads the last field of either form', () => {
    assert.equal(counterPort('syn:443'), 443);
    assert.equal(counterPort('v6:tx:10001'), 10001);
  });
});
