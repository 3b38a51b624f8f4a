import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { IpsetParseError, SaveCountersReader, applyLines, freshLines, layoutHolds, layoutRemoval, layoutRestore, parseSave, parseSaveCounters, removeLines } from '../../src/services/firewall/ipset-rules.ts';

// As `ipset save` (v7.17) prints it: 10001 blocked, 10002 open, 10003 with rx only, and a set of someone else's.
const SAVED = [
  'create f2b-sshd hash:ip family inet hashsize 1024 maxelem 65536 timeout 600',
  'add f2b-sshd 192.0.2.7 timeout 512',
  'create keyport-rx bitmap:port range 1-65535 counters',
  'add keyport-rx 10001 packets 40 bytes 5120',
  'add keyport-rx 10002 packets 950 bytes 38467682',
  'add keyport-rx 10003 packets 1 bytes 60',
  'create keyport-tx bitmap:port range 1-65535 counters',
  'add keyport-tx 10001 packets 38 bytes 7300',
  'add keyport-tx 10002 packets 801 bytes 1048576',
  'create keyport-syn bitmap:port range 1-65535 counters',
  'add keyport-syn 10001 packets 7 bytes 420',
  'add keyport-syn 10002 packets 12 bytes 720',
  'create keyport-blocked bitmap:port range 1-65535',
  'add keyport-blocked 10001',
  '',
].join('\n');
const HEADERS_ONLY = SAVED.split('\n').filter((line) => line.startsWith('create keyport-'));

describe('parseSave', () => {
  test('reads the same counters into arrays by port, NaN where a port is not in a set', () => {
    const read = parseSaveCounters(SAVED);
    assert.deepEqual(read.ports, [10001, 10002, 10003]);
    assert.deepEqual([read.rx[10002], read.tx[10002], read.syn[10002]], [38467682, 1048576, 12]);
    assert.deepEqual([read.rx[10003], Number.isNaN(read.tx[10003]!), Number.isNaN(read.syn[10003]!)], [60, true, true]);
    assert.deepEqual([read.blocked[10001], read.blocked[10002]], [1, 0]);
    assert.ok(Number.isNaN(read.rx[10004]!));
  });

  test('reads every port of every set, rx/tx as bytes and syn as packets, and the block; other sets are skipped', () => {
    const ports = parseSave(SAVED);
    assert.deepEqual([...ports.keys()].sort(), [10001, 10002, 10003]);
    assert.deepEqual(Object.fromEntries(ports.get(10001)!.counters), { rx: 5120, tx: 7300, syn: 7 });
    assert.equal(ports.get(10001)!.blocked, true);
    assert.equal(ports.get(10002)!.blocked, false);
    assert.deepEqual(Object.fromEntries(ports.get(10003)!.counters), { rx: 60 }, 'a half-made port shows as it is, to be repaired');
  });

  test('reads elements wherever their lines are, and a last line with no newline', () => {
    const lines = SAVED.split('\n').filter((line) => line !== '');
    const interleaved = [...lines.filter((line) => line.startsWith('create ')), ...lines.filter((line) => line.startsWith('add ')).reverse()].join('\n');
    assert.deepEqual(parseSaveCounters(interleaved), parseSaveCounters(SAVED));
  });

  test('reads the text in pieces cut anywhere, as ipset writes it, the same as whole', () => {
    const whole = parseSaveCounters(SAVED);
    for (const size of [1, 2, 3, 7, 40, 64]) {
      const reader = new SaveCountersReader();
      for (let at = 0; at < SAVED.length; at += size) reader.push(SAVED.slice(at, at + size));
      assert.deepEqual(reader.end(), whole, `pieces of ${size}`);
    }
    const cut = new SaveCountersReader();
    cut.push(SAVED.slice(0, SAVED.indexOf('bytes 5120') + 'bytes 51'.length));
    cut.push('');
    cut.push(SAVED.slice(SAVED.indexOf('bytes 5120') + 'bytes 51'.length));
    assert.equal(cut.end().rx[10001], 5120, 'a number cut in two is read whole');
  });

  test('empty sets read as no ports', () => {
    assert.equal(parseSave(HEADERS_ONLY.join('\n')).size, 0);
  });

  test('anything not in the agent\'s shape is an error, never a guess', () => {
    const bad = (...lines: string[]) => assert.throws(() => parseSave([...HEADERS_ONLY, ...lines].join('\n')), IpsetParseError);
    bad('add keyport-rx 10001');
    bad('add keyport-rx 10001 packets 1 bytes -5');
    bad('add keyport-rx 10001 packets 1 bytes 1.5');
    bad('add keyport-rx 10001 packets 1 bytes 99999999999999999999');
    bad('add keyport-rx 70000 packets 1 bytes 1');
    bad('add keyport-rx 0 packets 1 bytes 1');
    bad('add keyport-blocked 10001 packets 1 bytes 1');
    bad('add keyport-blocked ssh');
    bad('add keyport-rx 10001 packets 1 bytes 1 comment "x"');
    bad('add keyport-rx 10001 packets 1 bytes 1 ');
    bad('add keyport-rx 10001 bytes 1');
    bad('add keyport-syn 10001 packets 1');
    bad('add keyport-rx  10001 packets 1 bytes 1');
    bad('add keyport-tx 10001 packets x bytes 1');
    bad('add keyport-syn 10001 packets 99999999999999999999 bytes 1');
    assert.throws(() => parseSave(HEADERS_ONLY.slice(0, 3).join('\n')), IpsetParseError, 'a missing set');
    assert.throws(() => parseSave(HEADERS_ONLY.map((line) => line.replace('range 1-65535', 'range 1-1024')).join('\n')), IpsetParseError, 'a set of another shape');
    assert.throws(() => parseSave(''), IpsetParseError);
  });
});

describe('ipset restore lines', () => {
  test('adding ports keeps the counters of elements already there, and sets the block either way', () => {
    assert.deepEqual(applyLines([{ port: 10001, blocked: true }, { port: 10002, blocked: false }]), [
      'add keyport-rx 10001',
      'add keyport-tx 10001',
      'add keyport-syn 10001',
      'add keyport-blocked 10001',
      'add keyport-rx 10002',
      'add keyport-tx 10002',
      'add keyport-syn 10002',
      'del keyport-blocked 10002',
    ]);
    assert.deepEqual(applyLines([]), []);
  });

  test('a port made afresh starts from zero; a removed one is zeroed first (a bitmap keeps a deleted element\'s counters)', () => {
    assert.deepEqual(freshLines([{ port: 10005, blocked: false }])[0], 'add keyport-rx 10005 packets 0 bytes 0');
    assert.deepEqual(removeLines([10005]), [
      'add keyport-rx 10005 packets 0 bytes 0',
      'del keyport-rx 10005',
      'add keyport-tx 10005 packets 0 bytes 0',
      'del keyport-tx 10005',
      'add keyport-syn 10005 packets 0 bytes 0',
      'del keyport-syn 10005',
      'del keyport-blocked 10005',
    ]);
  });
});

// As `iptables-save` (1.8.9) prints the layout, with a host rule in filter INPUT.
const LAID_OUT = [
  '*mangle',
  ':INPUT ACCEPT [0:0]',
  ':OUTPUT ACCEPT [0:0]',
  ':KEYPORT_COUNT_IN - [0:0]',
  ':KEYPORT_COUNT_OUT - [0:0]',
  '-A INPUT -j KEYPORT_COUNT_IN',
  '-A OUTPUT -j KEYPORT_COUNT_OUT',
  '-A KEYPORT_COUNT_IN -p tcp -m set --match-set keyport-blocked dst -j RETURN',
  '-A KEYPORT_COUNT_IN -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -m set --match-set keyport-syn dst',
  '-A KEYPORT_COUNT_IN -p tcp -m set --match-set keyport-rx dst',
  '-A KEYPORT_COUNT_OUT -p tcp -m set --match-set keyport-blocked src -j RETURN',
  '-A KEYPORT_COUNT_OUT -p tcp -m set --match-set keyport-tx src',
  'COMMIT',
  '*filter',
  ':INPUT ACCEPT [0:0]',
  '-A INPUT -p tcp -m set --match-set keyport-blocked dst -j REJECT --reject-with tcp-reset',
  '-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
  'COMMIT',
  '',
].join('\n');

describe('the iptables layout', () => {
  test('holds only when our jumps and block come first and our chains are exactly ours', () => {
    assert.equal(layoutHolds(LAID_OUT), true);
    const hostFirst = LAID_OUT.replace('*filter\n:INPUT ACCEPT [0:0]\n', '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -i lo -j ACCEPT\n');
    assert.equal(layoutHolds(hostFirst), false, 'a host rule put before the block');
    assert.equal(layoutHolds(LAID_OUT.replace('-A OUTPUT -j KEYPORT_COUNT_OUT\n', '')), false, 'a jump gone');
    assert.equal(layoutHolds(LAID_OUT.replace('-A KEYPORT_COUNT_IN -p tcp -m set --match-set keyport-rx dst\n', '')), false, 'a chain flushed in part');
    assert.equal(layoutHolds(''), false);
  });

  test('the restore deletes what is there of ours and puts it first again, one commit per table', () => {
    const script = layoutRestore(LAID_OUT).split('\n');
    assert.deepEqual(script.filter((line) => line.startsWith('*') || line === 'COMMIT'), ['*mangle', 'COMMIT', '*filter', 'COMMIT']);
    assert.ok(script.includes(':KEYPORT_COUNT_IN - [0:0]'), 'declaring our chain empties it, so its rules are never doubled');
    assert.ok(script.indexOf('-D INPUT -j KEYPORT_COUNT_IN') < script.indexOf('-I INPUT 1 -j KEYPORT_COUNT_IN'));
    assert.ok(script.includes('-I INPUT 1 -p tcp -m set --match-set keyport-blocked dst -j REJECT --reject-with tcp-reset'));
    assert.equal(layoutRestore('').includes('-D '), false, 'nothing to delete on a clean host');
    const switching = layoutRestore('', ['-A INPUT -p tcp -m tcp --dport 12101:12110 -j KEYPORT_IN']).split('\n');
    assert.ok(
      switching.indexOf('-D INPUT -p tcp -m tcp --dport 12101:12110 -j KEYPORT_IN') > switching.indexOf('*filter'),
      'an older agent\'s jumps go in the filter commit, right after the mangle one starts our counting',
    );
  });

  test('the removal takes away exactly ours', () => {
    const script = layoutRemoval(LAID_OUT)!;
    assert.doesNotMatch(script, /conntrack/);
    assert.match(script, /-X KEYPORT_COUNT_OUT/);
    assert.equal(layoutRemoval('*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n'), undefined);
  });
});
