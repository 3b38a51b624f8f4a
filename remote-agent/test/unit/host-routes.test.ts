import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { buildApp } from '../../src/app.ts';
import type { AgentContext } from '../../src/agent-context.ts';
import type { Logger } from '../../src/lib/logger.ts';
import { HostFigures } from '../../src/services/host/host-figures.ts';
import { XrayCli } from '../../src/services/xray/xray-cli.ts';

const silent = { error() {}, warn() {}, info() {} } as unknown as Logger;
const API_KEY = 'k'.repeat(43);
const headers = { 'x-api-key': API_KEY };
const XRAY_LINE = 'Xray 26.7.28 (Xray, Penetrates Everything.) Keyport-stand-in (go1.24 linux/amd64)';

/** What this test reads itself, the way a person at the server would. */
const proc = (name: string) => readFileSync(`/proc/${name}`, 'utf8');
const meminfoKiB = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(proc('meminfo'))![1]) * 1024;
/** `df` in bytes: the file system's size and what it has left for unprivileged programs. */
function df(path: string): { size: number; avail: number } {
  const [size, avail] = execFileSync('df', ['-B1', '--output=size,avail', path], { encoding: 'utf8' }).trim().split('\n')[1]!.trim().split(/\s+/).map(Number);
  return { size: size!, avail: avail! };
}

async function appWith(host: HostFigures) {
  return buildApp({ ctx: { host, now: () => Date.parse('2025-08-05T12:00:00Z') } as unknown as AgentContext, apiKey: API_KEY, log: silent });
}

describe('GET /api/system/host: the host as the agent reads it', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'keyport-host-'));
  const app = await appWith(new HostFigures({ dataDir, xrayVersion: async () => XRAY_LINE }));
  after(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('answers the uptime, load, CPUs, memory and disk this test reads itself from /proc and df', async () => {
    const uptimeBefore = Number(proc('uptime').split(' ')[0]);
    const loadBefore = proc('loadavg').split(' ').slice(0, 3).map(Number);
    const answer = await app.inject({ method: 'GET', url: '/api/system/host', headers });
    const uptimeAfter = Number(proc('uptime').split(' ')[0]);
    const loadAfter = proc('loadavg').split(' ').slice(0, 3).map(Number);
    assert.equal(answer.statusCode, 200, answer.body);
    const { status, data, timestamp } = answer.json();
    assert.equal(status, 'success');
    assert.equal(timestamp, '2025-08-05T12:00:00.000000');

    assert.ok(data.uptime_seconds >= uptimeBefore && data.uptime_seconds <= uptimeAfter, `uptime ${data.uptime_seconds} between ${uptimeBefore} and ${uptimeAfter}`);
    const load = [data.load_average.one_minute, data.load_average.five_minutes, data.load_average.fifteen_minutes];
    // The kernel updates the averages every 5 s: the agent's are those of one of the test's two reads.
    assert.ok([loadBefore, loadAfter].some((read) => read.every((value, index) => value === load[index])), `load ${load} is ${loadBefore} or ${loadAfter}`);

    const cpusInProcStat = proc('stat').split('\n').filter((line) => /^cpu\d+ /.test(line)).length;
    assert.equal(data.cpu_count, cpusInProcStat);

    assert.equal(data.memory.total_bytes, meminfoKiB('MemTotal'));
    assert.ok(data.memory.available_bytes > 0 && data.memory.available_bytes <= data.memory.total_bytes);
    const available = meminfoKiB('MemAvailable');
    assert.ok(Math.abs(data.memory.available_bytes - available) < data.memory.total_bytes * 0.1, `available ${data.memory.available_bytes}, here ${available}`);

    const disk = df(dataDir);
    assert.equal(data.disk.path, dataDir);
    assert.equal(data.disk.total_bytes, disk.size);
    assert.ok(data.disk.available_bytes <= data.disk.free_bytes && data.disk.free_bytes <= data.disk.total_bytes);
    assert.ok(Math.abs(data.disk.available_bytes - disk.avail) < 256 * 1024 * 1024, `available ${data.disk.available_bytes}, df ${disk.avail}`);

    assert.equal(data.xray_version, '26.7.28');
  });

  test('a host without the /proc files, a data dir that is gone and no Xray give nulls, not guesses', async () => {
    const fakeProc = mkdtempSync(join(tmpdir(), 'keyport-proc-'));
    writeFileSync(join(fakeProc, 'uptime'), 'not a number\n');
    writeFileSync(join(fakeProc, 'meminfo'), 'MemTotal:        2048 kB\nMemFree:          512 kB\n');
    const bare = await appWith(new HostFigures({ dataDir: join(fakeProc, 'missing'), procDir: fakeProc, xrayVersion: async () => undefined }));
    try {
      const answer = await bare.inject({ method: 'GET', url: '/api/system/host', headers });
      assert.equal(answer.statusCode, 200, answer.body);
      const { data } = answer.json();
      assert.deepEqual(
        { uptime: data.uptime_seconds, load: data.load_average, memory: data.memory, disk: data.disk, xray: data.xray_version },
        { uptime: null, load: null, memory: null, disk: null, xray: null },
      );
    } finally {
      await bare.close();
      rmSync(fakeProc, { recursive: true, force: true });
    }
  });

  test('the OpenAPI document lists the endpoint with its fields', async () => {
    const document = (await app.inject({ method: 'GET', url: '/api/openapi.json', headers })).json();
    const schema = document.paths['/api/system/host'].get.responses['200'].content['application/json'].schema;
    assert.deepEqual(Object.keys(schema.properties.data.properties).sort(), ['cpu_count', 'disk', 'load_average', 'memory', 'uptime_seconds', 'xray_version']);
    const uptime = schema.properties.data.properties.uptime_seconds;
    assert.equal(uptime.nullable, true);
    assert.match(uptime.description, /\/proc\/uptime/);
  });
});

test('XrayCli.knownVersion runs `xray version` once per binary file, and again when the file is replaced', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'keyport-xray-version-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const runs = join(dir, 'runs');
  const bin = join(dir, 'xray');
  const install = (version: string) => {
    rmSync(bin, { force: true });
    writeFileSync(bin, `#!/bin/sh\necho run >> '${runs}'\necho 'Xray ${version} (Xray, Penetrates Everything.) test (go1.24 linux/amd64)'\n`);
    chmodSync(bin, 0o755);
  };
  const runCount = () => readFileSync(runs, 'utf8').split('\n').filter(Boolean).length;
  const cli = new XrayCli(bin, '127.0.0.1:1');

  install('26.7.28');
  assert.match((await cli.knownVersion()) ?? '', /^Xray 26\.7\.28 /);
  assert.match((await cli.knownVersion()) ?? '', /^Xray 26\.7\.28 /);
  assert.equal(runCount(), 1, 'the second read started no process');

  install('26.8.1');
  assert.match((await cli.knownVersion()) ?? '', /^Xray 26\.8\.1 /);
  assert.equal(runCount(), 2);

  rmSync(bin);
  assert.equal(await cli.knownVersion(), undefined, 'no binary, no version');
});
