import { randomUUID } from 'node:crypto';
import { KeyportError } from '../../../shared/contract/errors.ts';
import { shellQuote, type RemoteHost } from '../ssh/remote-host.ts';
import { KEYPORT_ROOT, LOCK_DIR } from './remote-layout.ts';

/** A lock not refreshed for this long was left by a deploy that died; uploads have 15 minutes at most. */
const STALE_AFTER_MINUTES = 30;
/** Refreshes closer together than this are skipped: each one is a round trip. */
const REFRESH_EVERY_MS = 60_000;

/**
 * One deploy or uninstall at a time per server, whichever console starts it: `mkdir` is atomic on
 * the server. The holder's token is in the lock, so a deploy never removes a lock it does not hold.
 */
export class RemoteLock {
  readonly #host: RemoteHost;
  readonly #token: string;
  #refreshedAt = Date.now();

  private constructor(host: RemoteHost, token: string) {
    this.#host = host;
    this.#token = token;
  }

  static async acquire(host: RemoteHost): Promise<RemoteLock> {
    const token = randomUUID();
    const lock = shellQuote(LOCK_DIR);
    const answer = await host.check(
      [
        `mkdir -p ${shellQuote(KEYPORT_ROOT)}`,
        `if ! mkdir ${lock} 2>/dev/null; then`,
        `  if [ -n "$(find ${lock} -maxdepth 0 -mmin +${STALE_AFTER_MINUTES} 2>/dev/null)" ]; then`,
        `    rm -rf ${lock} && mkdir ${lock} 2>/dev/null || { echo busy; exit 0; }`,
        '  else echo busy; exit 0; fi',
        'fi',
        `echo ${token} > ${lock}/owner`,
        'echo taken',
      ].join('\n'),
    );
    if (answer.trim() !== 'taken') {
      throw new KeyportError(
        'deploy-failed',
        `another deploy or uninstall is running on this server; try again when it has finished (a lock left behind expires after ${STALE_AFTER_MINUTES} minutes)`,
      );
    }
    return new RemoteLock(host, token);
  }

  /** Tells other deploys this one is still alive; cheap to call before every step. */
  async refresh(): Promise<void> {
    if (Date.now() - this.#refreshedAt < REFRESH_EVERY_MS) return;
    this.#refreshedAt = Date.now();
    await this.#host.run(`touch ${shellQuote(LOCK_DIR)}`);
  }

  async release(): Promise<void> {
    const lock = shellQuote(LOCK_DIR);
    await this.#host.run(`[ "$(cat ${lock}/owner 2>/dev/null)" = ${this.#token} ] && rm -rf ${lock}; true`);
  }
}
