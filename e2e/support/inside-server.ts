import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { TestServer } from '../harness/test-server.ts';

export interface InsideAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A GET made inside a network namespace (the test's own tooling, not the console's path): a phone's, say. */
export function getInNamespace(namespace: string, url: string, headers: Record<string, string> = {}): InsideAnswer {
  const script =
    'fetch(process.argv[1], { headers: JSON.parse(process.argv[2]) }).then(async (r) => process.stdout.write(JSON.stringify({ status: r.status, headers: Object.fromEntries(r.headers), body: await r.text() })))';
  const answer = execFileSync('ip', ['netns', 'exec', namespace, process.execPath, '-e', script, url, JSON.stringify(headers)], {
    encoding: 'utf8',
    timeout: 10_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return JSON.parse(answer) as InsideAnswer;
}

/** A GET made inside the server's network namespace. */
export function getInside(server: TestServer, url: string, headers: Record<string, string> = {}): InsideAnswer {
  return getInNamespace(server.namespace, url, headers);
}

/** The deployed agent's API asked inside the server, as the tunnel would: its JSON body, which must be a 200. */
export function agentGet(server: TestServer, path: string): any {
  const apiKey = readFileSync(server.hostPath('/var/lib/keyport/api-key'), 'utf8').trim();
  const answer = getInside(server, `http://127.0.0.1:8000${path}`, { 'x-api-key': apiKey });
  assert.equal(answer.status, 200, `${path}: ${answer.body}`);
  return JSON.parse(answer.body);
}

/** A POST of `body` as JSON to the deployed agent's API, inside the server (past the console, as another admin's tool would): its JSON answer, which must be a success. */
export function agentPost(server: TestServer, path: string, body: unknown): any {
  const apiKey = readFileSync(server.hostPath('/var/lib/keyport/api-key'), 'utf8').trim();
  const script =
    "fetch(process.argv[1], { method: 'POST', headers: { 'content-type': 'application/json', ...JSON.parse(process.argv[2]) }, body: process.argv[3] }).then(async (r) => process.stdout.write(JSON.stringify({ status: r.status, body: await r.text() })))";
  const answer = JSON.parse(
    execFileSync('ip', ['netns', 'exec', server.namespace, process.execPath, '-e', script, `http://127.0.0.1:8000${path}`, JSON.stringify({ 'x-api-key': apiKey }), JSON.stringify(body)], {
      encoding: 'utf8',
      timeout: 10_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  ) as { status: number; body: string };
  assert.ok(answer.status >= 200 && answer.status < 300, `${path}: ${answer.status} ${answer.body}`);
  return JSON.parse(answer.body);
}
