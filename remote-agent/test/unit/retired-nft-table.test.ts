import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NftParseError, parseTable } from '../../src/services/firewall/nft-rules.ts';

// The table of agents before ipset, as `nft -j list table inet keyport` (v1.0.6) prints it: 10001 blocked, 10002 open, 10003 with rx only.
const meta = { metainfo: { version: '1.0.6', release_name: 'Lester Gooch #5', json_schema_version: 1 } };
const counted = (val: number, packets: number, bytes: number) => ({ elem: { val, counter: { packets, bytes } } });
const set = (name: string, elem?: unknown[]) => ({
  set: { family: 'inet', name, table: 'keyport', type: 'inet_service', handle: 3, ...(elem ? { elem } : {}), ...(name === 'blocked' ? {} : { stmt: [{ counter: null }] }) },
});
const TABLE = JSON.stringify({
  nftables: [
    meta,
    { table: { family: 'inet', name: 'keyport', handle: 1 } },
    set('rx', [counted(10001, 40, 5120), counted(10002, 950, 38467682), counted(10003, 1, 60)]),
    set('tx', [counted(10001, 38, 7300), counted(10002, 801, 1048576)]),
    set('syn', [counted(10001, 7, 420), counted(10002, 12, 720)]),
    set('blocked', [10001]),
    { chain: { family: 'inet', table: 'keyport', name: 'input', handle: 1, type: 'filter', hook: 'input', prio: -10, policy: 'accept' } },
  ],
});

describe('parseTable', () => {
  test('reads every port of every set, rx/tx as bytes and syn as packets, and the block', () => {
    const ports = parseTable(TABLE);
    assert.deepEqual([...ports.keys()].sort(), [10001, 10002, 10003]);
    assert.deepEqual(Object.fromEntries(ports.get(10001)!.counters), { rx: 5120, tx: 7300, syn: 7 });
    assert.equal(ports.get(10001)!.blocked, true);
    assert.equal(ports.get(10002)!.blocked, false);
    assert.deepEqual(Object.fromEntries(ports.get(10003)!.counters), { rx: 60 }, 'a half-made port shows as it is, to be repaired');
  });

  test('empty sets (nft prints no elem) read as no ports', () => {
    const empty = JSON.stringify({ nftables: [meta, set('rx'), set('tx'), set('syn'), set('blocked')] });
    assert.equal(parseTable(empty).size, 0);
  });

  test('anything not in the agent\'s shape is an error, never a guess', () => {
    const bad = (nftables: unknown[]) => assert.throws(() => parseTable(JSON.stringify({ nftables })), NftParseError);
    bad([meta, set('rx'), set('tx'), set('syn')]);
    bad([meta, set('rx', [{ elem: { val: 10001 } }]), set('tx'), set('syn'), set('blocked')]);
    bad([meta, set('rx', [counted(10001, 1, -5)]), set('tx'), set('syn'), set('blocked')]);
    bad([meta, set('rx', [counted(10001, 1, 1.5)]), set('tx'), set('syn'), set('blocked')]);
    bad([meta, set('rx'), set('tx'), set('syn'), set('blocked', ['10001'])]);
    bad([meta, set('rx'), set('tx'), set('syn'), set('blocked', [70000])]);
    assert.throws(() => parseTable('Error: No such file or directory'), NftParseError);
    assert.throws(() => parseTable('{}'), NftParseError);
  });
});
