import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { countSockets, listeningSockets } from '../../src/services/net/socket-table.ts';

// Ports in hex: 2711 = 10001, 2712 = 10002, 0016 = 22, 1F40 = 8000, 8F3A = 36666 (a client's ephemeral port).
const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:2711 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 41021 1 0000000000000000 100 0 0 10 0
   1: 0100007F:1F40 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 41030 1 0000000000000000 100 0 0 10 0
   2: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1934 1 0000000000000000 100 0 0 10 0
   3: 0100007F:2711 0100007F:8F3A 01 00000000:00000000 00:00000000 00000000     0        0 52210 1 0000000000000000 20 4 30 10 -1
   4: 0100007F:8F3A 0100007F:2711 01 00000000:00000000 00:00000000 00000000     0        0 52209 1 0000000000000000 20 4 30 10 -1
   5: 0A00020F:2711 C0A80102:D431 01 00000000:00000000 02:000AFC7E 00000000     0        0 52301 2 0000000000000000 20 4 1 10 -1
   6: 0A00020F:2711 C0A80102:D432 06 00000000:00000000 03:00001587 00000000     0        0 0 3 0000000000000000
   7: 0A00020F:0016 C0A80102:C350 01 00000000:00000000 02:0008F0A1 00000000     0        0 1950 4 0000000000000000 20 4 31 10 -1
`;

const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:2712 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 41022 1 0000000000000000 100 0 0 10 0
   1: 0000000000000000FFFF00000F02000A:2712 0000000000000000FFFF00000201A8C0:E0F1 01 00000000:00000000 02:000AFC7E 00000000     0        0 52400 2 0000000000000000 20 4 1 10 -1
   2: 00000000000000000000000001000000:2711 00000000000000000000000001000000:9001 01 00000000:00000000 00:00000000 00000000     0        0 52401 1 0000000000000000 20 4 1 10 -1
`;

describe('countSockets', () => {
  test('counts established connections per local port, decoding the port from hex', () => {
    const { established } = countSockets([TCP]);
    assert.equal(established.get(10001), 2);
    assert.equal(established.get(22), 1);
    assert.equal(established.get(36666), 1);
  });

  test('does not count sockets in other states (TIME_WAIT) as established', () => {
    // Row 6 is 10001 in TIME_WAIT (06): with it, 10001 would show 3.
    assert.equal(countSockets([TCP]).established.get(10001), 2);
  });

  test('collects the listening ports', () => {
    assert.deepEqual([...countSockets([TCP]).listening].sort((a, b) => a - b), [22, 8000, 10001]);
  });

  test('adds IPv4 and IPv6 tables together', () => {
    const { established, listening } = countSockets([TCP, TCP6]);
    assert.equal(established.get(10001), 3);
    assert.equal(established.get(10002), 1);
    assert.ok(listening.has(10002));
  });

  test('ignores header lines and empty or missing tables', () => {
    const { established, listening } = countSockets([TCP.split('\n')[0]!, '', TCP6.split('\n')[0]!]);
    assert.equal(established.size, 0);
    assert.equal(listening.size, 0);
    assert.deepEqual(countSockets([TCP, '']), countSockets([TCP]));
  });
});

describe('listeningSockets', () => {
  test('lists each listening socket of both families with its inode, and nothing established', () => {
    assert.deepEqual(listeningSockets([TCP, TCP6]), [
      { port: 10001, inode: 41021 },
      { port: 8000, inode: 41030 },
      { port: 22, inode: 1934 },
      { port: 10002, inode: 41022 },
    ]);
  });
});
