import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_KEY_PORTS } from '../core/deploy/remote-layout.ts';
import { runInProcess } from './testing/run-in-process.ts';

const README = readFileSync(resolve(import.meta.dirname, '../../../README.md'), 'utf8');
const RANGE = `${DEFAULT_KEY_PORTS.from}-${DEFAULT_KEY_PORTS.to}`;

test('the README gives the key port range a deploy uses by default, beside --key-ports, where an admin reads the deploy command', () => {
  const deployLine = README.split('\n').find((line) => line.includes('npm run cli -- server deploy '));
  assert.ok(deployLine, 'the README shows the deploy command');
  assert.match(deployLine, new RegExp(`--key-ports FROM-TO \\(default ${RANGE}\\b`));
  const agentFlagRow = README.split('\n').find((line) => line.startsWith('| `--port-range FROM-TO` |'));
  assert.ok(agentFlagRow?.includes(`\`--key-ports\`, default \`${RANGE}\``), agentFlagRow);
});

test('keyport help gives the same default range', async () => {
  const help = await runInProcess(['help'], {});
  assert.ok(help.stdout.includes(`the last deploy's range, or ${RANGE}.`), help.stdout);
});
