import assert from 'node:assert/strict';
import { test } from 'node:test';
import { endpoints } from '../../../../remote-agent/src/api/index.ts';
import { AGENT_METHODS } from './agent-methods.ts';

test('the client has one method for every endpoint of the API', () => {
  const called = Object.values(AGENT_METHODS).map(({ endpoint }) => endpoint);
  assert.equal(new Set(called).size, called.length);
  assert.deepEqual(new Set(called), new Set(endpoints));
});
