import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Settings } from '../../../remote-agent/src/api/index.ts';
import { SettingsPatch } from '../../shared/contract/call-args.ts';

test('the bridge takes a settings patch of exactly the fields the agent\'s API defines', () => {
  const bridged = (SettingsPatch as unknown as { properties: Record<string, unknown> }).properties;
  assert.deepEqual(Object.keys(bridged).sort(), Object.keys(Settings.properties).sort());
});
