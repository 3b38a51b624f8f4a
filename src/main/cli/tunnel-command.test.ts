import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fakeCore } from './testing/fake-core.ts';
import { runInProcess } from './testing/run-in-process.ts';

test('tunnel prints the URL, the API key and a curl line, stays until stopped, then closes', async () => {
  const events: string[] = [];
  const { core } = fakeCore({
    openTunnel: async (server, localPort) => {
      events.push(`open ${server} ${localPort}`);
      return { url: 'http://127.0.0.1:18000', apiKey: 'k3y', close: async () => void events.push('closed') };
    },
  });
  const result = await runInProcess(['tunnel', 'alpha', '--port', '18000'], { core });
  assert.equal(result.code, 0);
  assert.equal(result.stdout, "URL:     http://127.0.0.1:18000\nAPI key: k3y\nExample: curl -H 'X-API-Key: k3y' http://127.0.0.1:18000/api/keys\n");
  assert.match(result.stderr, /Ctrl-C closes it/);
  assert.deepEqual(events, ['open alpha 18000', 'closed']);
});

test('tunnel lets the core pick the port when none is given', async () => {
  const ports: (number | undefined)[] = [];
  const { core } = fakeCore({ openTunnel: async (_server, localPort) => (ports.push(localPort), { url: 'http://127.0.0.1:40000', apiKey: 'k', close: async () => {} }) });
  const result = await runInProcess(['tunnel', 'alpha', '--json'], { core });
  assert.deepEqual(JSON.parse(result.stdout), { url: 'http://127.0.0.1:40000', apiKey: 'k' });
  assert.deepEqual(ports, [undefined]);
});
