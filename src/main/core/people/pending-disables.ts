import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { PendingDisable } from '../../../shared/contract/people.ts';

/**
 * The disables a move left for after its grace period, in a file of the console's home: the
 * console is a laptop that is often closed, so they are done by the first People call once due.
 */
export class PendingDisables {
  readonly #path: string;

  constructor(path: string) {
    this.#path = path;
  }

  all(): PendingDisable[] {
    if (!existsSync(this.#path)) return [];
    return JSON.parse(readFileSync(this.#path, 'utf8')) as PendingDisable[];
  }

  add(entries: readonly PendingDisable[]): void {
    const kept = this.all().filter((old) => !entries.some((entry) => entry.serverId === old.serverId && entry.keyId === old.keyId));
    this.#save([...kept, ...entries]);
  }

  /** Forgets the entries `drop` picks. */
  remove(drop: (entry: PendingDisable) => boolean): void {
    const entries = this.all();
    const kept = entries.filter((entry) => !drop(entry));
    if (kept.length !== entries.length) this.#save(kept);
  }

  #save(entries: readonly PendingDisable[]): void {
    // Written beside and renamed over, so a console killed midway leaves the old list, not half a file.
    const draft = `${this.#path}.draft`;
    writeFileSync(draft, `${JSON.stringify(entries, null, 2)}\n`, { mode: 0o600 });
    renameSync(draft, this.#path);
  }
}
