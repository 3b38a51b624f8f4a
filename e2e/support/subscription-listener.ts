import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { waitFor } from '../../test-support/wait.ts';
import type { TestServer } from '../harness/test-server.ts';

const run = promisify(execFile);

/** One GET from inside the server's namespace (the test process cannot reach its loopback). */
export async function fetchInside(server: TestServer, url: string): Promise<{ status: number; body: string }> {
  const script = 'fetch(process.argv[1]).then(async (r) => process.stdout.write(JSON.stringify({ status: r.status, body: await r.text() })))';
  const { stdout } = await run('ip', ['netns', 'exec', server.namespace, process.execPath, '-e', script, url], { timeout: 10_000 });
  return JSON.parse(stdout) as { status: number; body: string };
}

/**
 * Turns on the agent's subscription listener on a deployed test server (127.0.0.1:`port` inside it).
 * The console's deploy has no switch for it yet: the test adds the flag to the release's run script,
 * as an admin could, and ends the agent (it started it, by deploying), which its supervisor starts
 * again with the flag. Waits until the listener answers.
 */
export async function turnOnSubscriptions(server: TestServer, port: number): Promise<void> {
  server.exec('sh', [
    '-c',
    'set -e; run="$(readlink -f /opt/keyport/current)/run"; ' +
      `sed -i 's|"\\$@"$|--subscription-listen 127.0.0.1:${port} "$@"|' "$run"; grep -q -- --subscription-listen "$run"; ` +
      'kill "$(cat /var/lib/keyport/agent.pid)"',
  ]);
  // Any answer means it listens: an unknown token gets 404.
  await waitFor(`the subscription listener of ${server.namespace}`, () => fetchInside(server, `http://127.0.0.1:${port}/sub/none`).then((answer) => answer.status), 20_000);
}
