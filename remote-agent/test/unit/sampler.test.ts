import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, createServer } from 'node:net';
import { describe, test } from 'node:test';
import type { DatabaseSync } from 'node:sqlite';
import { parseSaveCounters } from '../../src/services/firewall/ipset-rules.ts';
import type { FirewallSnapshot, PortFirewall } from '../../src/services/firewall/port-firewall.ts';
import { listeningPortsNow } from '../../src/services/net/socket-table.ts';
import { EARLY_CYCLE_MIN_MS, Sampler } from '../../src/services/sampler.ts';
import { openDatabase } from '../../src/services/store/database.ts';
import { KeyStore } from '../../src/services/store/key-store.ts';
import { TrafficStore } from '../../src/services/store/traffic-store.ts';
import { tempDatabase } from './temp-db.ts';

const T0 = Date.UTC(2025, 8, 1, 10, 0, 0);
const INTERVAL_MS = 5000;
// Ports nothing here listens on, so the socket table reports no connections for them.
const RANGE = { from: 10801, to: 10999 };

/** A firewall whose counters the test sets by hand, read the way PortFirewall.read reports them. */
function stubFirewall() {
  const counters = new Map<string, number>();
  let failure: Error | undefined;
  const firewall = {
    read: async (): Promise<FirewallSnapshot> => {
      if (failure) throw failure;
      return { counters: new Map(counters), ports: new Map() };
    },
  } as unknown as PortFirewall;
  return {
    firewall,
    set(values: Record<string, number>) {
      for (const [id, value] of Object.entries(values)) counters.set(id, value);
    },
    fail(error: Error | undefined) {
      failure = error;
    },
    clear() {
      counters.clear();
    },
  };
}

function setup() {
  const { db, path } = tempDatabase();
  const keys = new KeyStore(db);
  const busy = listeningPortsNow();
  const create = (id: string) =>
    keys.create({ id, name: id, uuid: `uuid-${id}`, createdAtMs: 0 }, RANGE, (port) => busy.has(port)).port;
  const portA = create('a');
  const portB = create('b');
  const stub = stubFirewall();
  const warnings: string[] = [];
  let nowMs = T0;
  const samplerOver = (database: DatabaseSync) =>
    new Sampler({
      firewall: stub.firewall,
      keys: new KeyStore(database),
      traffic: new TrafficStore(database),
      intervalMs: INTERVAL_MS,
      now: () => nowMs,
      log: { warn: (msg) => warnings.push(msg), info: () => undefined, error: (msg) => warnings.push(msg) },
    });
  return {
    db,
    path,
    stub,
    portA,
    portB,
    warnings,
    traffic: new TrafficStore(db),
    sampler: samplerOver(db),
    samplerOver,
    /** Moves the clock one interval on and runs a cycle. */
    async tick(sampler: Sampler, stepMs = INTERVAL_MS) {
      nowMs += stepMs;
      const report = await sampler.cycle();
      assert.equal(report.ok, true, report.error ?? '');
      return report;
    },
  };
}

const bytes = (traffic: TrafficStore, keyId: string) => {
  const totals = traffic.totals(keyId);
  return { rx: totals.totalRxBytes, tx: totals.totalTxBytes, connections: totals.totalConnections };
};

describe('Sampler', () => {
  test('the first cycle counts the raw counter values, there being no baseline yet', async () => {
    const { stub, sampler, portA, traffic, tick } = setup();
    stub.set({ [`rx:${portA}`]: 1000, [`tx:${portA}`]: 5000, [`syn:${portA}`]: 3 });
    await tick(sampler);
    assert.deepEqual(bytes(traffic, 'a'), { rx: 1000, tx: 5000, connections: 3 });
    assert.equal(traffic.days('a')[0]?.sessions, 3);
    assert.deepEqual(bytes(traffic, 'b'), { rx: 0, tx: 0, connections: 0 });
  });

  test('later cycles count only the increase since the previous reading', async () => {
    const { stub, sampler, portA, traffic, tick } = setup();
    stub.set({ [`rx:${portA}`]: 1000, [`syn:${portA}`]: 3 });
    await tick(sampler);
    stub.set({ [`rx:${portA}`]: 1500, [`syn:${portA}`]: 4 });
    await tick(sampler);
    await tick(sampler); // unchanged counters add nothing
    assert.deepEqual(bytes(traffic, 'a'), { rx: 1500, tx: 0, connections: 4 });
  });

  test('a counter that went backwards was reset: its whole new value counts, never a negative', async () => {
    const { stub, sampler, portA, traffic, tick } = setup();
    stub.set({ [`rx:${portA}`]: 1500 });
    await tick(sampler);
    stub.set({ [`rx:${portA}`]: 200 });
    await tick(sampler);
    assert.equal(bytes(traffic, 'a').rx, 1700);
    stub.set({ [`rx:${portA}`]: 0 });
    await tick(sampler);
    assert.equal(bytes(traffic, 'a').rx, 1700);
    stub.set({ [`rx:${portA}`]: 300 });
    await tick(sampler);
    assert.equal(bytes(traffic, 'a').rx, 2000);
  });

  test('an older agent\'s counters (per family, absorbed at the move) and the nftables ones of one port add up, each once', async () => {
    const { stub, sampler, portA, traffic, tick, db, samplerOver } = setup();
    // The old agent recorded 100 + 50; its chains then counted up to 130 + 80 before the move.
    stub.set({ [`v4:rx:${portA}`]: 100, [`v6:rx:${portA}`]: 50 });
    await tick(sampler);
    stub.clear();
    const moved = samplerOver(db);
    moved.absorbRetired(new Map([[`v4:rx:${portA}`, 130], [`v6:rx:${portA}`, 80], [`v4:tx:${portA}`, 7]]));
    assert.deepEqual(bytes(traffic, 'a'), { rx: 210, tx: 7, connections: 0 });
    // A start stopped before the chains were removed absorbs the same values again: nothing new.
    samplerOver(db).absorbRetired(new Map([[`v4:rx:${portA}`, 130], [`v6:rx:${portA}`, 80], [`v4:tx:${portA}`, 7]]));
    assert.deepEqual(bytes(traffic, 'a'), { rx: 210, tx: 7, connections: 0 });
    moved.dropRetiredBaselines();
    assert.deepEqual([...traffic.loadBaselines().keys()].filter((id) => /^v[46]:/.test(id)), []);
    stub.set({ [`rx:${portA}`]: 40 });
    await tick(moved);
    assert.deepEqual(bytes(traffic, 'a'), { rx: 250, tx: 7, connections: 0 });
  });

  test('each port\'s counters go to the key on that port', async () => {
    const { stub, sampler, portA, portB, traffic, tick } = setup();
    stub.set({ [`rx:${portA}`]: 10, [`rx:${portB}`]: 20, 'rx:10000': 999 });
    const report = await tick(sampler);
    assert.equal(bytes(traffic, 'a').rx, 10);
    assert.equal(bytes(traffic, 'b').rx, 20);
    assert.equal(report.keys, 2);
    assert.equal(report.keysWithTraffic, 2);
  });

  test('totals survive a restart: a new Sampler over the same database does not count old bytes again', async () => {
    const { stub, sampler, samplerOver, path, portA, traffic, tick } = setup();
    stub.set({ [`rx:${portA}`]: 1000 });
    await tick(sampler);

    const reopened = openDatabase(path);
    try {
      const restarted = samplerOver(reopened);
      await tick(restarted);
      assert.equal(bytes(traffic, 'a').rx, 1000);
      stub.set({ [`rx:${portA}`]: 1200 });
      await tick(restarted);
      assert.equal(bytes(traffic, 'a').rx, 1200);
    } finally {
      reopened.close();
    }
  });

  test('after forgetPorts the next reading of that port counts from zero', async () => {
    const { stub, sampler, samplerOver, db, portA, portB, traffic, tick } = setup();
    stub.set({ [`rx:${portA}`]: 1000, [`rx:${portB}`]: 1000 });
    await tick(sampler);
    sampler.forgetPorts([portA]);
    stub.set({ [`rx:${portA}`]: 1200, [`rx:${portB}`]: 1200 });
    await tick(sampler);
    assert.equal(bytes(traffic, 'a').rx, 2200);
    assert.equal(bytes(traffic, 'b').rx, 1200);

    // Forgotten in the database too, so a restart right after does not bring the old baseline back.
    sampler.forgetPorts([portA]);
    await tick(samplerOver(db));
    assert.equal(bytes(traffic, 'a').rx, 3400);
  });

  test('a port forgotten while a cycle reads its old rules is not charged their counters', async () => {
    const { stub, sampler, portA, traffic, tick } = setup();
    stub.set({ [`rx:${portA}`]: 1000 });
    await tick(sampler);
    // The key on portA is deleted and a new key takes the port while the next read is in flight.
    stub.set({ [`rx:${portA}`]: 1100 });
    const inFlight = sampler.cycle();
    sampler.forgetPorts([portA]);
    await inFlight;
    stub.set({ [`rx:${portA}`]: 300 });
    await tick(sampler);
    assert.equal(bytes(traffic, 'a').rx, 1300, 'the old 1100 is read once and ignored; the fresh rules count 300');
  });

  test('forgetPorts forgets the port\'s nftables baselines and any left of the old per-family ones', async () => {
    const { stub, sampler, samplerOver, db, portA, portB, traffic, tick } = setup();
    stub.set({ [`rx:${portA}`]: 1000, [`v6:rx:${portA}`]: 500, [`rx:${portB}`]: 10 });
    await tick(sampler);
    sampler.forgetPorts([portA]);
    assert.deepEqual([...traffic.loadBaselines().keys()].sort(), [`rx:${portB}`]);
    stub.clear();
    stub.set({ [`rx:${portA}`]: 20, [`rx:${portB}`]: 10 });
    await tick(samplerOver(db));
    assert.equal(bytes(traffic, 'a').rx, 1520);
    assert.equal(bytes(traffic, 'b').rx, 10);
  });

  test('the live rate is the bytes of the last cycle over the time since the one before', async () => {
    const { stub, sampler, portA, tick } = setup();
    stub.set({ [`rx:${portA}`]: 4000, [`tx:${portA}`]: 1000 });
    await tick(sampler);
    assert.deepEqual(sampler.live('a'), { connections: 0, rateBytesPerSec: 1000 }, 'first cycle: over one interval');
    stub.set({ [`rx:${portA}`]: 6000, [`tx:${portA}`]: 2000 });
    await tick(sampler, 10_000);
    assert.deepEqual(sampler.live('a'), { connections: 0, rateBytesPerSec: 300 });
    await tick(sampler);
    assert.equal(sampler.live('a').rateBytesPerSec, 0);
  });

  test('bytes land on the UTC day of the cycle', async () => {
    const { stub, sampler, portA, traffic, tick } = setup();
    const toMidnight = Date.UTC(2025, 8, 2) - T0;
    stub.set({ [`rx:${portA}`]: 100 });
    await tick(sampler, toMidnight - 1);
    stub.set({ [`rx:${portA}`]: 150 });
    await tick(sampler, 1);
    assert.deepEqual(
      traffic.days('a').map((day) => [day.day, day.rxBytes]),
      [
        ['2025-09-01', 100],
        ['2025-09-02', 50],
      ],
    );
  });

  test('a cycle whose write failed leaves the day\'s highest connection count to the next cycle to write', async () => {
    const { db, portA, tick } = setup();
    const server = createServer(() => {});
    await new Promise<void>((resolve) => server.listen(portA, '127.0.0.1', resolve));
    const client = connect(portA, '127.0.0.1');
    await once(client, 'connect');
    try {
      const traffic = new TrafficStore(db);
      let failures = 1;
      const recordCycle = traffic.recordCycle.bind(traffic);
      traffic.recordCycle = (cycle) => {
        if (failures-- > 0) throw new Error('database or disk is full');
        recordCycle(cycle);
      };
      const sampler = new Sampler({ firewall: stubFirewall().firewall, keys: new KeyStore(db), traffic, intervalMs: INTERVAL_MS, log: { warn: () => {}, info: () => {}, error: () => {} } });
      assert.equal((await sampler.cycle()).ok, false);
      assert.equal(sampler.live('a').connections, 0, 'nothing of the failed cycle shows');
      await tick(sampler);
      assert.equal(traffic.days('a')[0]?.maxConnections, 1);
      assert.equal(sampler.live('a').connections, 1);
    } finally {
      client.destroy();
      server.close();
    }
  });

  test('a restart mid-day, the UTC day change and a restart after it: each byte counted once, on its day', async () => {
    const { stub, sampler, samplerOver, path, portA, traffic, tick } = setup();
    const toMidnight = Date.UTC(2025, 8, 2) - T0;
    stub.set({ [`rx:${portA}`]: 100, [`syn:${portA}`]: 1 });
    await tick(sampler);
    const reopened = [openDatabase(path), openDatabase(path)];
    try {
      const restarted = samplerOver(reopened[0]!);
      stub.set({ [`rx:${portA}`]: 150, [`syn:${portA}`]: 2 });
      await tick(restarted);
      stub.set({ [`rx:${portA}`]: 180 });
      await tick(restarted, toMidnight - INTERVAL_MS);
      const again = samplerOver(reopened[1]!);
      stub.set({ [`rx:${portA}`]: 200, [`syn:${portA}`]: 3 });
      await tick(again);
      assert.deepEqual(traffic.days('a').map((day) => [day.day, day.rxBytes, day.sessions]), [['2025-09-01', 150, 2], ['2025-09-02', 50, 1]]);
      assert.deepEqual(bytes(traffic, 'a'), { rx: 200, tx: 0, connections: 3 });
      assert.equal(traffic.keyPeriod('a', '2025-09-01', '2025-09-30')?.rxBytes, 200);
      assert.equal(traffic.daysSince('2025-09-01', null, 10).rows, 2);
    } finally {
      for (const db of reopened) db.close();
    }
  });

  test('counters read by port from ipset save count as their ids do: deltas, resets, forgotten ports, a restart', async () => {
    const { db, portA, portB, traffic, tick } = setup();
    let saved = '';
    const firewall = {
      read: async (): Promise<FirewallSnapshot> => ({ counters: new Map(), ports: new Map(), byPort: parseSaveCounters(saved) }),
    } as unknown as PortFirewall;
    const save = (a: [number, number, number], b: [number, number, number]) => {
      const lines = ['rx', 'tx', 'syn'].flatMap((kind, index) => [
        `create keyport-${kind} bitmap:port range 1-65535 counters`,
        `add keyport-${kind} ${portA} packets ${kind === 'syn' ? a[index] : 1} bytes ${a[index]}`,
        `add keyport-${kind} ${portB} packets ${kind === 'syn' ? b[index] : 1} bytes ${b[index]}`,
      ]);
      saved = [...lines, 'create keyport-blocked bitmap:port range 1-65535', ''].join('\n');
    };
    const sampler = new Sampler({ firewall, keys: new KeyStore(db), traffic, intervalMs: INTERVAL_MS, log: { warn: () => {}, info: () => {}, error: () => {} } });
    save([1000, 2000, 3], [0, 0, 0]);
    await tick(sampler);
    assert.deepEqual(bytes(traffic, 'a'), { rx: 1000, tx: 2000, connections: 3 });
    assert.deepEqual(bytes(traffic, 'b'), { rx: 0, tx: 0, connections: 0 });
    save([1500, 2000, 4], [10, 20, 1]);
    await tick(sampler);
    assert.deepEqual(bytes(traffic, 'a'), { rx: 1500, tx: 2000, connections: 4 });
    assert.deepEqual(bytes(traffic, 'b'), { rx: 10, tx: 20, connections: 1 });
    assert.equal(traffic.loadBaselines().get(`ipset:tx:${portA}`), 2000, 'a counter that did not change keeps its stored baseline');
    save([100, 2000, 4], [10, 20, 1]);
    await tick(sampler);
    assert.equal(bytes(traffic, 'a').rx, 1600, 'a counter that went backwards counts its whole value');
    sampler.forgetPorts([portB]);
    save([100, 2000, 4], [5, 20, 1]);
    await tick(sampler);
    assert.deepEqual(bytes(traffic, 'b'), { rx: 15, tx: 40, connections: 2 }, 'a forgotten port counts from zero');
    save([130, 2000, 4], [5, 20, 1]);
    const restarted = new Sampler({ firewall, keys: new KeyStore(db), traffic: new TrafficStore(db), intervalMs: INTERVAL_MS, log: { warn: () => {}, info: () => {}, error: () => {} } });
    await tick(restarted);
    assert.deepEqual(bytes(traffic, 'a'), { rx: 1630, tx: 2000, connections: 4 }, 'after a restart only the increase counts');
    assert.deepEqual(bytes(traffic, 'b'), { rx: 15, tx: 40, connections: 2 });
    assert.deepEqual(traffic.samples('a').map((sample) => sample.rxBytes), [1000, 500, 100, 30]);
  });

  test('a failed firewall read reports the cycle as failed and loses no bytes', async () => {
    const { stub, sampler, portA, traffic, warnings, tick } = setup();
    stub.set({ [`rx:${portA}`]: 100 });
    await tick(sampler);
    stub.fail(new Error('iptables-save exited 4'));
    stub.set({ [`rx:${portA}`]: 300 });
    const report = await sampler.cycle();
    assert.equal(report.ok, false);
    assert.match(report.error ?? '', /iptables-save exited 4/);
    assert.equal(sampler.lastCycle, report);
    assert.equal(warnings.length, 1);
    stub.fail(undefined);
    await tick(sampler);
    assert.equal(bytes(traffic, 'a').rx, 300);
  });
});

describe('Sampler: cycles the limits ask for', () => {
  const silent = { warn: () => {}, info: () => {}, error: () => {} };

  test('a cycle wanted before the next interval runs then, no sooner than EARLY_CYCLE_MIN_MS; one wanted later waits for the interval', async () => {
    const { db, stub } = setup();
    const wants: Array<number | undefined> = [];
    const cycles: number[] = [];
    const startMs = Date.now();
    const sampler = new Sampler({
      firewall: stub.firewall,
      keys: new KeyStore(db),
      traffic: new TrafficStore(db),
      intervalMs: 60_000,
      log: silent,
      afterRecord: (atMs) => {
        cycles.push(atMs - startMs);
        return wants.shift();
      },
    });
    sampler.start();
    try {
      wants.push(Date.now() + 100, Date.now() + 120_000);
      await sampler.cycle();
      await new Promise((resolve) => setTimeout(resolve, EARLY_CYCLE_MIN_MS + 400));
      assert.equal(cycles.length, 2, `cycles at ${cycles.join(', ')} ms`);
      assert.ok(cycles[1]! - cycles[0]! >= EARLY_CYCLE_MIN_MS - 5, `the early cycle ${cycles[1]! - cycles[0]!} ms after the first`);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(cycles.length, 2, 'a wish past the next interval adds no cycle');
    } finally {
      await sampler.stop();
    }
  });
});
