import { join, resolve } from 'node:path';
import type { TestServer } from '../harness/test-server.ts';
import { waitFor } from '../../test-support/wait.ts';
import { agentGet } from './inside-server.ts';
import { keyportJson } from './keyport-cli.ts';

const REPO = resolve(import.meta.dirname, '../..');

/** What moveBytesThenHistory moves through a key port: up (client to server, rx) and down (tx). */
const UPLOAD_BYTES = 30_000;
const DOWNLOAD_BYTES = 70_000;

export interface KeyHistory {
  data: { total_traffic: { rx_bytes: number; tx_bytes: number } };
}

/**
 * Moves 30 000 bytes up and 70 000 down through a key port from inside `server` (the stand-in
 * Xray answers them), then reads `keyport traffic history` every 2 s, for 40 s at most, until the
 * upload is counted; the last history read, for the test to judge.
 */
export async function moveBytesThenHistory(server: TestServer, serverName: string, key: { id: string; port: number }, env: Record<string, string>): Promise<KeyHistory> {
  server.exec(join(REPO, 'scripts/node24'), [join(REPO, 'e2e/support/move-bytes.ts'), String(key.port), String(UPLOAD_BYTES), String(DOWNLOAD_BYTES)]);
  const deadline = Date.now() + 40_000;
  let history = await keyportJson<KeyHistory>(['traffic', 'history', serverName, key.id], env);
  while (history.data.total_traffic.rx_bytes < UPLOAD_BYTES && Date.now() < deadline) {
    await new Promise((done) => setTimeout(done, 2_000));
    history = await keyportJson<KeyHistory>(['traffic', 'history', serverName, key.id], env);
  }
  return history;
}

/** rx + tx of the key's history on its agent, once its used_bytes has caught up with it and all the bytes moveBytesThenHistory moves are counted. */
export async function settledHistoryBytes(server: TestServer, keyId: string): Promise<number> {
  return waitFor(`key ${keyId}'s bytes to settle`, () => {
    const { rx_bytes: rx, tx_bytes: tx } = agentGet(server, `/api/keys/${keyId}/traffic/history`).data.total_traffic;
    const used = agentGet(server, `/api/keys/${keyId}`).used_bytes as number;
    return rx >= UPLOAD_BYTES && tx >= DOWNLOAD_BYTES && used === rx + tx ? used : undefined;
  }, 30_000);
}
