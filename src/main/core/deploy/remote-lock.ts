import { randomUUID } from 'node:crypto';
import { KeyportError } from '../../../shared/contract/errors.ts';
import { CONSOLE_ID, type ConsoleIdentity } from '../console/console-identity.ts';
import { shellQuote, type RemoteHost } from '../ssh/remote-host.ts';
import { readLockAnswer, type LockRecord } from './lock-answer.ts';
import { KEYPORT_ROOT, LOCK_DIR } from './remote-layout.ts';

/** A lock not refreshed for this long was left by a deploy that died; uploads have 15 minutes at most. */
export const STALE_AFTER_MINUTES = 30;
/** Refreshes closer together than this are skipped: each one is a round trip. */
const REFRESH_EVERY_MS = 60_000;
/** Rounds of "taken over, but someone else got there first"; each is one round trip. */
const MAX_ATTEMPTS = 3;

/** Tokens of the locks this process holds now: a lock of this console whose token is not here is left over. */
const heldHere = new Set<string>();

export interface AcquireOptions {
  owner: ConsoleIdentity;
  /** Takes the lock whoever holds it (the admin checked that no deploy is running there). */
  breakLock?: boolean;
  /** Named in the refusal, so each face can offer the command that breaks the lock. */
  operation?: 'deploy' | 'uninstall';
}

/** How a lock that was held came to be ours. */
export type TakeOver = 'left-by-this-console' | 'expired' | 'broken';

/**
 * One deploy or uninstall at a time per server, whichever console starts it: `mkdir` is atomic on
 * the server. The lock records its owner (console id, host name, pid), its token and since when it
 * is held; a deploy never removes a lock it does not hold. A lock this console left behind (its
 * process gone, or this process no longer holding it) is taken over at once; another console's only
 * once it has not been refreshed for STALE_AFTER_MINUTES, or when the admin breaks it.
 * Nothing read from the server or typed by anyone reaches a command line: records go over stdin.
 */
export class RemoteLock {
  readonly #host: RemoteHost;
  readonly token: string;
  /** Set when the lock was taken from an earlier holder: how, and that holder's record. */
  readonly tookOver: { how: TakeOver; from: LockRecord | undefined } | undefined;
  #refreshedAt = Date.now();

  private constructor(host: RemoteHost, token: string, tookOver: RemoteLock['tookOver']) {
    this.#host = host;
    this.token = token;
    this.tookOver = tookOver;
  }

  static async acquire(host: RemoteHost, options: AcquireOptions): Promise<RemoteLock> {
    const token = randomUUID();
    const record = recordLines(token, options.owner);
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      const answer = readLockAnswer(await host.check(TAKE_SCRIPT, { stdin: record }));
      if (answer.state === 'taken') return RemoteLock.#held(host, token, undefined);
      if (answer.state === 'held') {
        const how = takeOverReason(answer.owner, answer.idleSeconds, options);
        if (!how) throw refusal(answer.owner, answer.idleSeconds, options);
        const taken = readLockAnswer(await host.check(TAKE_OVER_SCRIPT, { stdin: `${answer.recordSum}\n${record}` }));
        if (taken.state === 'taken') return RemoteLock.#held(host, token, { how, from: answer.owner });
      }
      // Another deploy took or replaced the lock between our two looks: look again.
    }
    throw new KeyportError('deploy-locked', "the server's deploy lock kept changing hands while Keyport tried to take it; try again", {
      owner: null,
      since: null,
      operation: options.operation ?? 'deploy',
    });
  }

  static #held(host: RemoteHost, token: string, tookOver: RemoteLock['tookOver']): RemoteLock {
    heldHere.add(token);
    return new RemoteLock(host, token, tookOver);
  }

  /** Tells other deploys this one is still alive; cheap to call before every step. */
  async refresh(): Promise<void> {
    if (Date.now() - this.#refreshedAt < REFRESH_EVERY_MS) return;
    this.#refreshedAt = Date.now();
    await this.#host.run(`touch ${shellQuote(LOCK_DIR)}`);
  }

  /** Removes the lock if it is still ours. A failure leaves it for the next deploy from this console to take over. */
  async release(): Promise<void> {
    heldHere.delete(this.token);
    const lock = shellQuote(LOCK_DIR);
    await this.#host.run(`[ "$(sed -n 's/^token=//p' ${lock}/owner 2>/dev/null)" = ${this.token} ] && rm -rf ${lock}; true`);
  }
}

/** The record a lock's `owner` file holds (the server adds `since`). */
function recordLines(token: string, owner: ConsoleIdentity): string {
  return [`token=${token}`, `console=${owner.id}`, `host=${owner.hostname}`, `pid=${process.pid}`, ''].join('\n');
}

function takeOverReason(held: LockRecord | undefined, idleSeconds: number | undefined, options: AcquireOptions): TakeOver | undefined {
  if (options.breakLock) return 'broken';
  if (idleSeconds !== undefined && idleSeconds >= STALE_AFTER_MINUTES * 60) return 'expired';
  if (held && isThisConsole(held, options.owner) && !stillRunning(held)) return 'left-by-this-console';
  return undefined;
}

function isThisConsole(held: LockRecord, owner: ConsoleIdentity): boolean {
  return CONSOLE_ID.test(owner.id) && held.console === owner.id && held.hostname === owner.hostname;
}

/** On this console's own machine, whether the deploy that took the lock still runs. */
function stillRunning(held: LockRecord): boolean {
  if (held.pid === undefined) return false;
  if (held.pid === process.pid) return held.token !== undefined && heldHere.has(held.token);
  try {
    process.kill(held.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function refusal(held: LockRecord | undefined, idleSeconds: number | undefined, options: AcquireOptions): KeyportError {
  const who = !held?.hostname
    ? 'a Keyport console that did not say which'
    : isThisConsole(held, options.owner)
      ? `this console (${held.hostname}, process ${held.pid ?? '?'}, still running)`
      : `the Keyport console on ${held.hostname}`;
  const since = held?.since ? ` since ${held.since}` : '';
  const refreshed = idleSeconds === undefined ? '' : `, last sign of life ${formatAge(idleSeconds)} ago`;
  return new KeyportError(
    'deploy-locked',
    `another deploy or uninstall is running on this server: its lock is held by ${who}${since}${refreshed}. ` +
      `It is kept until it has had no sign of life for ${STALE_AFTER_MINUTES} minutes; break it only when no deploy is running there`,
    {
      owner: held?.hostname ?? null,
      ownerConsole: held?.console ?? null,
      since: held?.since ?? null,
      idleSeconds: idleSeconds ?? null,
      operation: options.operation ?? 'deploy',
    },
  );
}

function formatAge(seconds: number): string {
  return seconds < 120 ? `${seconds} s` : `${Math.floor(seconds / 60)} min`;
}

const LOCK = shellQuote(LOCK_DIR);
const WRITE_RECORD = `{ cat; echo "since=$(date -u +%Y-%m-%dT%H:%M:%SZ)"; } > ${LOCK}/owner && echo state=taken`;

/** Takes a free lock (the record on stdin), or says who holds it and how long it has been idle. */
const TAKE_SCRIPT = [
  `mkdir -p ${shellQuote(KEYPORT_ROOT)} || exit 1`,
  `if mkdir ${LOCK} 2>/dev/null; then ${WRITE_RECORD}; exit 0; fi`,
  'echo state=held',
  `echo "idle=$(( $(date +%s) - $(stat -c %Y ${LOCK} 2>/dev/null || date +%s) ))"`,
  `echo "sum=$(cksum < ${LOCK}/owner 2>/dev/null)"`,
  `sed 's/^/owner./' ${LOCK}/owner 2>/dev/null`,
  'true',
].join('\n');

/**
 * Replaces a held lock, if its record is still the one read before (its checksum on stdin's first
 * line): moved aside in one rename, so two consoles taking over at once cannot both win.
 */
const TAKE_OVER_SCRIPT = [
  'IFS= read -r expected',
  `current=$(cksum < ${LOCK}/owner 2>/dev/null)`,
  `[ -d ${LOCK} ] && [ "$current" = "$expected" ] || { echo state=changed; exit 0; }`,
  `aside=${LOCK}.broken.$$`,
  'rm -rf "$aside"',
  `mv ${LOCK} "$aside" 2>/dev/null || { echo state=changed; exit 0; }`,
  'rm -rf "$aside"',
  `mkdir ${LOCK} 2>/dev/null || { echo state=changed; exit 0; }`,
  WRITE_RECORD,
].join('\n');
