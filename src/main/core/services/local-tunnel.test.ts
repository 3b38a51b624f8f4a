import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { KeyportError } from '../../../shared/contract/errors.ts';
import { openLocalTunnel } from './local-tunnel.ts';

test('a local port in use is bad input with the port as a fact, naming no CLI flag', async (t) => {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  t.after(() => holder.close());
  const { port } = holder.address() as { port: number };
  await assert.rejects(openLocalTunnel(async () => new PassThrough(), port), (error: unknown) => {
    assert.ok(error instanceof KeyportError);
    assert.equal(error.code, 'bad-input');
    assert.equal(error.facts.localPort, port);
    assert.doesNotMatch(error.message, /--[a-z]/);
    return true;
  });
});
