import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { AgentProcess } from '../support/agent-process.ts';
import { suiteAgent } from '../support/suite-agent.ts';
import { agentRules } from '../support/firewall.ts';
import { FAKE_XRAY } from '../../../test-support/stand-in-xray.ts';
import { moveBytes, open, probeHeld } from '../../../test-support/tcp-traffic.ts';
import { waitFor } from '../../../test-support/wait.ts';

const INTERVAL_SECONDS = 0.5;
const MB = 1_000_000;

const liveTags = (agent: AgentProcess): string[] =>
  JSON.parse(execFileSync(FAKE_XRAY, ['api', 'lsi', '-s', `127.0.0.1:${agent.xrayApiPort}`], { encoding: 'utf8' })).inbounds.map(
    (inbound: { tag: string }) => inbound.tag,
  );

/** The agent's clock (KEYPORT_TEST_CLOCK_FILE): an offset from the real one, set so the agent's now is `atMs`. */
const clockFile = join(mkdtempSync(join(tmpdir(), 'keyport-clock-')), 'offset-ms');
writeFileSync(clockFile, '0');
const setAgentTime = (atMs: number) => writeFileSync(clockFile, String(atMs - Date.now()));
const utc = (text: string) => Date.parse(`${text}Z`);

interface KeyJson {
  id: string;
  port: number;
  status: string;
  used_bytes: number;
  period_started_at: string | null;
  data_limit_bytes: number | null;
  [field: string]: unknown;
}

describe('key limits, enforced by the agent', () => {
  const agent = suiteAgent({ sampleIntervalSeconds: INTERVAL_SECONDS, env: { KEYPORT_TEST_CLOCK_FILE: clockFile } });
  const key = async (id: string): Promise<KeyJson> => (await agent().get(`/api/keys/${id}`)).body;
  const create = async (body: Record<string, unknown>): Promise<KeyJson> => {
    const created = await agent().post('/api/keys', body);
    assert.equal(created.status, 200, JSON.stringify(created.body));
    return created.body;
  };
  const patch = async (id: string, body: Record<string, unknown>): Promise<KeyJson> => {
    const patched = await agent().request('PATCH', `/api/keys/${id}`, body);
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    return patched.body;
  };
  const statusBecomes = (id: string, status: string, timeoutMs = INTERVAL_SECONDS * 1000 + 1_500) =>
    waitFor(`key ${id} ${status}`, async () => {
      const current = await key(id);
      return current.status === status ? current : undefined;
    }, timeoutMs);
  // The verdict is stored first, then the key follows it as a disabled one does: a moment later.
  const assertCut = async (current: KeyJson) => {
    await waitFor(`the inbound of ${current.id} removed`, () => (liveTags(agent()).includes(`keyport-${current.id}`) ? undefined : true), 2_000);
    assert.ok(agentRules().includes(`blocked port ${current.port}`), 'its port rejects');
    await assert.rejects(moveBytes(current.port, 1, 1, 1_000), 'a new connection is refused');
  };
  const assertServes = async (current: KeyJson) => {
    assert.ok(liveTags(agent()).includes(`keyport-${current.id}`), 'its inbound is back');
    assert.ok(!agentRules().includes(`blocked port ${current.port}`));
    await moveBytes(current.port, 10, 10);
  };

  test('a 2 MB quota: 3 MB through it cut within one cycle; a raised quota serves again live, nobody else dropped', async () => {
    const limited = await create({ name: 'two-megabytes', data_limit_bytes: 2 * MB });
    assert.equal(limited.status, 'active');
    assert.equal(limited.used_bytes, 0);
    assert.ok(limited.period_started_at, 'the period starts when the limit is set');
    const other = await create({ name: 'bystander' });
    const bystander = await open(other.port);
    assert.equal(await probeHeld(bystander), 'open');
    const held = await open(limited.port);
    assert.equal(await probeHeld(held), 'open');
    const xrayPid = agent().xrayPid();

    await moveBytes(limited.port, 3 * MB, 0);
    const sentAt = Date.now();
    const cut = await statusBecomes(limited.id, 'limited');
    assert.ok(Date.now() - sentAt < INTERVAL_SECONDS * 1000 + 1_500, `limited ${Date.now() - sentAt} ms after the bytes`);
    // Over the quota when judged; under load a cycle may judge while the last bytes are still on their way.
    assert.ok(cut.used_bytes > 2 * MB && cut.used_bytes < 3.5 * MB, `used_bytes ${cut.used_bytes}`);
    assert.equal(cut.is_active, true, 'is_active stays the admin’s');
    // The cut follows the verdict within moments (the firewall, then the socket kill): not the same instant.
    await waitFor('its live connection cut', async () => (['reset', 'closed'].includes(await probeHeld(held)) ? true : undefined), 3_000);
    await assertCut(cut);

    const raised = await patch(limited.id, { data_limit_bytes: 10 * MB });
    assert.equal(raised.status, 'active', 'judged at once, not at the next cycle');
    assert.equal(raised.period_started_at, cut.period_started_at, 'a new quota value keeps the period');
    assert.ok(raised.used_bytes >= cut.used_bytes);
    await assertServes(raised);
    assert.equal(agent().xrayPid(), xrayPid, 'no restart');
    assert.equal(await probeHeld(bystander), 'open', 'the other key’s connection stays');
    bystander.destroy();

    const lowered = await patch(limited.id, { data_limit_bytes: MB });
    assert.equal(lowered.status, 'limited', 'a quota lowered under the bytes used limits at once');
    await assertCut(lowered);
    const cleared = await patch(limited.id, { data_limit_bytes: null });
    assert.deepEqual([cleared.status, cleared.used_bytes, cleared.period_started_at], ['active', 0, null]);
    await assertServes(cleared);
  });

  test('an expiry passing cuts the key within one cycle; moving it into the future serves it again', async () => {
    const startMs = Date.now();
    setAgentTime(startMs);
    const expiring = await create({ name: 'expiring', expires_at: new Date(startMs + 3600_000).toISOString().replace('Z', '') });
    assert.equal(expiring.status, 'active');
    const held = await open(expiring.port);
    const other = await create({ name: 'bystander-2' });
    const bystander = await open(other.port);

    setAgentTime(startMs + 2 * 3600_000);
    const expired = await statusBecomes(expiring.id, 'expired');
    assert.ok(['reset', 'closed'].includes(await probeHeld(held)));
    await assertCut(expired);

    const extended = await patch(expiring.id, { expires_at: new Date(startMs + 30 * 86400_000).toISOString() });
    assert.equal(extended.status, 'active');
    await assertServes(extended);
    assert.equal(await probeHeld(bystander), 'open');
    bystander.destroy();

    const disabled = await patch(expiring.id, { is_active: false, expires_at: '2020-01-01T00:00:00.000000' });
    assert.equal(disabled.status, 'disabled', 'the admin’s switch comes first');
    assert.equal((await patch(expiring.id, { is_active: true })).status, 'expired');
  });

  test('each reset period begins at its UTC boundary: used_bytes from 0, period_started_at that boundary, the key served', async () => {
    setAgentTime(utc('2027-01-15T10:00:00'));
    const resets = ['day', 'week', 'month', 'year'] as const;
    const keys = new Map<string, KeyJson>();
    for (const reset of resets) keys.set(reset, await create({ name: `resets-${reset}`, data_limit_bytes: MB, data_limit_reset: reset }));
    for (const reset of resets) {
      const created = keys.get(reset)!;
      assert.match(created.period_started_at!, /^2027-01-15T10:00:/);
      await moveBytes(created.port, 1.5 * MB, 0);
    }
    for (const reset of resets) await statusBecomes(keys.get(reset)!.id, 'limited');

    // 2027-01-15 is a Friday: the next day, then Monday the 18th, then February, then 2028.
    const steps: Array<[string, string, readonly string[]]> = [
      ['2027-01-15T23:59:00', '', []],
      ['2027-01-16T00:00:30', '2027-01-16T00:00:00.000000', ['day']],
      ['2027-01-18T00:00:30', '2027-01-18T00:00:00.000000', ['day', 'week']],
      ['2027-02-01T00:00:30', '2027-02-01T00:00:00.000000', ['day', 'week', 'month']],
      ['2028-01-01T00:00:30', '2028-01-01T00:00:00.000000', ['day', 'week', 'month', 'year']],
    ];
    for (const [at, boundary, back] of steps) {
      setAgentTime(utc(at));
      for (const reset of back) {
        const served = await statusBecomes(keys.get(reset)!.id, 'active');
        if (reset === back.at(-1)) {
          assert.equal(served.period_started_at, boundary, `${reset} at ${at}`);
          assert.equal(served.used_bytes, 0);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 2 * INTERVAL_SECONDS * 1000));
      for (const reset of resets.filter((name) => !back.includes(name))) assert.equal((await key(keys.get(reset)!.id)).status, 'limited', `${reset} at ${at}`);
      // Used up again for the next step, but for the last.
      for (const reset of back) await moveBytes(keys.get(reset)!.port, 1.5 * MB, 0);
      for (const reset of back) await statusBecomes(keys.get(reset)!.id, 'limited');
    }
    const changed = await patch(keys.get('year')!.id, { data_limit_reset: 'month' });
    assert.deepEqual([changed.status, changed.used_bytes], ['active', 0], 'a new reset period starts a period');
    assert.match(changed.period_started_at!, /^2028-01-01T00:0[0-2]:/, 'from the moment it was set');
    await assertServes(changed);
  });

  test('restarts and kill -9 keep the verdicts and the bytes; what came due while the agent was down is judged at start', async () => {
    const startMs = utc('2028-03-10T12:00:00');
    setAgentTime(startMs);
    const quota = await create({ name: 'survives', data_limit_bytes: 2 * MB, data_limit_reset: 'month' });
    await moveBytes(quota.port, 3 * MB, 0);
    await statusBecomes(quota.id, 'limited');
    const expiring = await create({ name: 'expires-while-down', expires_at: '2028-03-10T13:00:00' });
    const counted = await create({ name: 'counts-on', data_limit_bytes: 100 * MB });
    await moveBytes(counted.port, MB, 0);
    await waitFor('bytes counted', async () => ((await key(counted.id)).used_bytes >= MB ? true : undefined));
    await agent().settle(2);
    const limited = await key(quota.id);
    const used = (await key(counted.id)).used_bytes;

    await agent().stop('SIGKILL');
    await agent().launch();
    assert.deepEqual(await key(quota.id), limited, 'kill -9: still limited, same bytes');
    await assertCut(limited);
    assert.equal((await key(counted.id)).used_bytes, used);

    await agent().stop('SIGTERM');
    setAgentTime(utc('2028-03-10T14:00:00'));
    await agent().launch();
    const expired = await key(expiring.id);
    assert.equal(expired.status, 'expired', 'an expiry passed while down is judged at start');
    await assertCut(expired);

    await agent().stop('SIGKILL');
    setAgentTime(utc('2028-04-01T00:00:30'));
    await agent().launch();
    const renewed = await key(quota.id);
    assert.deepEqual([renewed.status, renewed.used_bytes, renewed.period_started_at], ['active', 0, '2028-04-01T00:00:00.000000']);
    await assertServes(renewed);
  });

  test('bad limits are 400 naming the field, and change nothing', async () => {
    const target = await create({ name: 'stays-as-it-is', data_limit_bytes: 5 * MB, note: 'kept' });
    const before = await key(target.id);
    const keysBefore = (await agent().get('/api/keys')).body.length;
    const bad: Array<[string, Record<string, unknown>, RegExp]> = [
      ['a negative quota', { data_limit_bytes: -1 }, /data_limit_bytes/],
      ['a quota not an integer', { data_limit_bytes: 1.5 }, /data_limit_bytes/],
      ['a quota as text', { data_limit_bytes: '100' }, /data_limit_bytes/],
      ['a date that does not exist', { expires_at: '2027-02-30T00:00:00' }, /expires_at/],
      ['a time that does not exist', { expires_at: '2027-02-01T24:00:00' }, /expires_at/],
      ['not a timestamp', { expires_at: 'tomorrow' }, /expires_at/],
      ['an unknown reset', { data_limit_reset: 'fortnight' }, /data_limit_reset/],
      ['a note of 501 characters', { note: 'я'.repeat(501) }, /note/],
      ['a bad limit beside a good rename', { name: 'renamed', data_limit_bytes: -5 }, /data_limit_bytes/],
    ];
    for (const [what, body, detail] of bad) {
      const patched = await agent().request('PATCH', `/api/keys/${target.id}`, body);
      assert.equal(patched.status, 400, `PATCH ${what}: ${JSON.stringify(patched.body)}`);
      assert.match(patched.body.detail, detail, what);
      const created = await agent().post('/api/keys', { name: `never-${what.length}`, ...body });
      assert.equal(created.status, 400, `POST ${what}`);
    }
    assert.equal((await agent().request('PATCH', `/api/keys/${target.id}`, { expires_at: '2027-02-30T00:00:00' })).body.field, 'expires_at');
    assert.deepEqual(
      (({ reason, field }) => ({ reason, field }))((await agent().request('PATCH', `/api/keys/${target.id}`, { data_limit_bytes: -1 })).body),
      { reason: 'bad_limits', field: 'data_limit_bytes' },
      'a schema error about a limit names it too',
    );
    assert.equal((await agent().request('PATCH', `/api/keys/${target.id}`, { note: '😀'.repeat(501) })).body.reason, 'bad_limits');
    assert.equal((await agent().request('PATCH', `/api/keys/${target.id}`, { note: '😀'.repeat(500) })).status, 200, '500 characters are fine');
    await patch(target.id, { note: 'kept' });

    const bulkBad: Array<[string, Record<string, unknown>, Record<string, unknown>]> = [
      ['both names and keys', { names: ['b1'], keys: [{ name: 'b2' }] }, {}],
      ['neither names nor keys', { data_limit_bytes: 5 }, {}],
      ['keys with limits beside them', { keys: [{ name: 'b3' }], note: 'shared' }, { reason: 'bad_limits' }],
      ['a bad date in the second key', { keys: [{ name: 'b4' }, { name: 'b5', expires_at: '2027-02-30T00:00:00' }] }, { reason: 'bad_limits', index: 1, field: 'expires_at' }],
      ['a shared note too long', { names: ['b6'], note: 'x'.repeat(501) }, { reason: 'bad_limits', field: 'note' }],
      ['a shared negative quota', { names: ['b7'], data_limit_bytes: -1 }, { reason: 'bad_limits', field: 'data_limit_bytes', index: undefined }],
      ['an unknown reset in the third key', { keys: [{ name: 'b8' }, { name: 'b9' }, { name: 'b10', data_limit_reset: 'fortnight' }] }, { reason: 'bad_limits', index: 2, field: 'data_limit_reset' }],
      ['a fractional quota in the first key', { keys: [{ name: 'b11', data_limit_bytes: 0.5 }] }, { reason: 'bad_limits', index: 0, field: 'data_limit_bytes' }],
    ];
    for (const [what, body, facts] of bulkBad) {
      const answer = await agent().post('/api/keys/bulk', body);
      assert.equal(answer.status, 400, `bulk ${what}: ${JSON.stringify(answer.body)}`);
      for (const [fact, value] of Object.entries(facts)) assert.equal(answer.body[fact], value, `bulk ${what}: ${fact}`);
    }
    assert.deepEqual(await key(target.id), before, 'the key is as it was');
    assert.equal((await agent().get('/api/keys')).body.length, keysBefore, 'no key was created');
  });

  test('bulk create: shared limits beside names, or each key its own', async () => {
    const shared = await agent().post('/api/keys/bulk', { names: ['shared-1', 'shared-2'], data_limit_bytes: 7, data_limit_reset: 'week', note: 'team' });
    assert.equal(shared.status, 201, JSON.stringify(shared.body));
    for (const created of shared.body) assert.deepEqual([created.data_limit_bytes, created.data_limit_reset, created.note], [7, 'week', 'team']);
    const own = await agent().post('/api/keys/bulk', {
      keys: [{ name: 'own-1', data_limit_bytes: 0 }, { name: 'own-2', expires_at: '2099-01-01T00:00:00.000000', note: 'later' }, { name: 'own-3' }],
    });
    assert.equal(own.status, 201, JSON.stringify(own.body));
    const [zero, later, plain] = own.body;
    assert.deepEqual([zero.status, zero.data_limit_bytes], ['limited', 0], 'a quota of 0 is used up from the start');
    await assertCut(zero);
    assert.deepEqual([later.status, later.expires_at, later.note], ['active', '2099-01-01T00:00:00.000000', 'later']);
    assert.deepEqual([plain.data_limit_bytes, plain.data_limit_reset, plain.expires_at, plain.note, plain.period_started_at], [null, 'no_reset', null, '', null]);
    await assertServes(later);
  });
});

describe('key limits: how far over its quota a steady fast user gets', () => {
  const INTERVAL_MS = 4_000;
  const RATE_BYTES_PER_SEC = 2 * MB;
  const QUOTA = 20 * MB;
  const agent = suiteAgent({ sampleIntervalSeconds: INTERVAL_MS / 1000 });

  /** Sends at RATE_BYTES_PER_SEC through the key's port until the connection is cut (or 30 s pass). */
  const stream = (port: number) =>
    open(port).then(
      (socket) =>
        new Promise<number>((resolve) => {
          let sent = 0;
          const chunk = Buffer.alloc(RATE_BYTES_PER_SEC / 20, 0x61);
          socket.write('GET 0\n');
          const ticker = setInterval(() => {
            if (socket.writable) socket.write(chunk, () => (sent += chunk.length));
          }, 50);
          const stop = () => {
            clearInterval(ticker);
            socket.destroy();
            resolve(sent);
          };
          socket.once('error', stop);
          socket.once('close', stop);
          setTimeout(stop, 30_000);
        }),
    );

  test('a key moving bytes towards its quota is checked when its rate says it reaches it: well under an interval’s bytes over', async () => {
    const created = (await agent().post('/api/keys', { name: 'fast-user', data_limit_bytes: QUOTA })).body;
    const lastCycleAt = async () => (await agent().get('/api/traffic/status')).body.data.sampler.last_cycle?.at;
    const before = await lastCycleAt();
    await waitFor('a sampling cycle', async () => ((await lastCycleAt()) !== before ? true : undefined), INTERVAL_MS + 2_000);
    const startedAt = Date.now();
    await stream(created.port);
    const cutAfterMs = Date.now() - startedAt;
    await agent().settle(1);
    const cut = (await agent().get(`/api/keys/${created.id}`)).body;
    assert.equal(cut.status, 'limited');
    const overBytes = cut.used_bytes - QUOTA;
    // Started just after a cycle, the quota is reached half-way between the second and the third:
    // checked only every interval, the key would be cut there, 2 s (4 MB) late.
    assert.ok(overBytes < RATE_BYTES_PER_SEC / 2, `${overBytes} bytes over the quota, cut after ${cutAfterMs} ms`);
  });
});
