import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, describe, test } from 'node:test';
import { portIsFree } from '../../src/services/net/port-probe.ts';
import { PortClaims } from '../../src/services/port-claims.ts';
import { KeyStore, PortsExhaustedError, type NewKey } from '../../src/services/store/key-store.ts';
import { tempDatabase } from './temp-db.ts';

const RANGE = { from: 41001, to: 41010 };
const nothingReserved = () => false;
const newKey = (name: string): NewKey => ({ id: `id-${name}`, name, uuid: `uuid-${name}`, createdAtMs: 1 });

const servers: Server[] = [];
after(() => servers.forEach((server) => server.close()));

async function listen(port: number, host: string): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  servers.push(server);
  return server;
}

const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

describe('portIsFree', () => {
  test('a port nothing listens on is free, and stays free after the question', async () => {
    assert.equal(await portIsFree(41020), true);
    await close(await listen(41020, '0.0.0.0'));
  });

  for (const host of ['127.0.0.1', '0.0.0.0', '::1', '::']) {
    test(`a port another socket listens on at ${host} is not free`, async () => {
      const server = await listen(41021, host);
      try {
        assert.equal(await portIsFree(41021), false);
      } finally {
        await close(server);
      }
      assert.equal(await portIsFree(41021), true);
    });
  }
});

describe('PortClaims', () => {
  test('skips a port another program listens on and ports keys hold', async () => {
    const store = new KeyStore(tempDatabase().db);
    store.createOnPort(newKey('a'), 41001);
    const squatter = await listen(41002, '127.0.0.1');
    try {
      const claims = new PortClaims(store);
      const port = await claims.claim(RANGE, nothingReserved);
      assert.equal(port, 41003);
      store.createOnPort(newKey('b'), port);
      claims.release(port);
    } finally {
      await close(squatter);
    }
  });

  test('claims made at once get different ports; a released claim frees the port', async () => {
    const store = new KeyStore(tempDatabase().db);
    const claims = new PortClaims(store);
    const ports = await Promise.all([1, 2, 3].map(() => claims.claim(RANGE, nothingReserved)));
    assert.deepEqual(ports.toSorted(), [41001, 41002, 41003]);
    claims.release(41002);
    assert.equal(await claims.claim(RANGE, nothingReserved), 41002);
  });

  test('reserved ports are skipped, and a full range throws PortsExhaustedError', async () => {
    const store = new KeyStore(tempDatabase().db);
    const claims = new PortClaims(store);
    assert.equal(await claims.claim({ from: 41001, to: 41002 }, (port) => port === 41001), 41002);
    await assert.rejects(claims.claim({ from: 41001, to: 41002 }, (port) => port === 41001), PortsExhaustedError);
  });
});
