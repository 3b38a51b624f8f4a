import { join, resolve } from 'node:path';
import type { TestServer } from '../harness/test-server.ts';
import { keyportJson } from './keyport-cli.ts';

const REPO = resolve(import.meta.dirname, '../..');

export interface KeyHistory {
  data: { total_traffic: { rx_bytes: number; tx_bytes: number } };
}

/**
 * Moves 30 000 bytes up and 70 000 down through a key port from inside `server` (the stand-in
 * Xray answers them), then reads `keyport traffic history` every 2 s, for 40 s at most, until the
 * upload is counted; the last history read, for the test to judge.
 */
export async function moveBytesThenHistory(server: TestServer, serverName: string, key: { id: string; port: number }, env: Record<string, string>): Promise<KeyHistory> {
  server.exec(join(REPO, 'scripts/node24'), [join(REPO, 'e2e/support/move-bytes.ts'), String(key.port), '30000', '70000']);
  const deadline = Date.now() + 40_000;
  let history = await keyportJson<KeyHistory>(['traffic', 'history', serverName, key.id], env);
  while (history.data.total_traffic.rx_bytes < 30_000 && Date.now() < deadline) {
    await new Promise((done) => setTimeout(done, 2_000));
    history = await keyportJson<KeyHistory>(['traffic', 'history', serverName, key.id], env);
  }
  return history;
}
