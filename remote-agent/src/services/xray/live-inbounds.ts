import { API_BATCH_SIZE, XrayApiError, type XrayCli } from './xray-cli.ts';
import type { XrayInbound } from './xray-config.ts';

/** `xray api adi` commands in flight at once for one add (a bulk create, a restart's inbounds). */
const ADDS_AT_ONCE = 4;

/** The running Xray's API does not answer: only a restart can bring the keys back. */
export class XrayApiDownError extends Error {}

/** Inbounds the running Xray refused to start, by tag, with what Xray said. */
export type FailedInbounds = Map<string, string>;

/**
 * Adds and removes inbounds through Xray's API in commands of bounded size, so that one inbound
 * that cannot start never takes the others down with it, and never causes a restart.
 */
export class LiveInbounds {
  readonly #cli: XrayCli;

  constructor(cli: XrayCli) {
    this.#cli = cli;
  }

  /**
   * Adds the inbounds and returns those that failed. Xray stores a handler before starting it
   * (app/proxyman/inbound/inbound.go:39-58 at v26.7.28): an inbound whose listen fails stays listed
   * though it serves nothing, so each failed tag is removed again. Up to ADDS_AT_ONCE commands run
   * at a time: each is its own `xray api` process and connection, and Xray serves each call on its
   * own goroutine under the handler manager's lock (inbound.go:40), so disjoint batches cannot
   * interfere, and the processes' start-up no longer adds up batch after batch.
   */
  async add(inbounds: readonly XrayInbound[]): Promise<FailedInbounds> {
    const failed: FailedInbounds = new Map();
    const batches = chunks(inbounds, API_BATCH_SIZE);
    let next = 0;
    let stopped = false;
    const addBatches = async () => {
      for (let batch = batches[next++]; batch && !stopped; batch = batches[next++]) {
        try {
          await this.#cli.addInbounds(batch);
        } catch (error) {
          await this.#requireAnswering(error).catch((down: unknown) => {
            stopped = true;
            throw down;
          });
          for (const [tag, output] of await this.#addOneByOne(batch)) failed.set(tag, output);
        }
      }
    };
    // Once the API is down no runner starts another batch, and each ends before the error is
    // thrown: nothing is left adding behind the caller's back.
    const runs = await Promise.allSettled(Array.from({ length: Math.min(ADDS_AT_ONCE, batches.length) }, addBatches));
    const rejected = runs.find((run) => run.status === 'rejected');
    if (rejected) throw rejected.reason;
    return failed;
  }

  /** Removes the tags that are there; tags already gone are fine. */
  async remove(tags: readonly string[]): Promise<void> {
    for (const batch of chunks(tags, API_BATCH_SIZE)) {
      try {
        await this.#cli.removeInbounds(batch);
      } catch (error) {
        await this.#requireAnswering(error);
        // An unknown tag stops `rmi` where it stands (inbounds_remove.go:71-78): remove the rest one by one.
        const live = new Set(await this.#cli.listInboundTags());
        for (const tag of batch.filter((tag) => live.has(tag))) await this.#removeQuietly(tag);
      }
    }
  }

  /** The tags Xray serves; an API that stopped answering (an Xray dying under it) is XrayApiDownError. */
  async listTags(): Promise<string[]> {
    try {
      return await this.#cli.listInboundTags();
    } catch (error) {
      await this.#requireAnswering(error);
      throw error;
    }
  }

  /** A batch failed somewhere: take out what it left behind and add its inbounds one at a time. */
  async #addOneByOne(batch: readonly XrayInbound[]): Promise<FailedInbounds> {
    const failed: FailedInbounds = new Map();
    const live = new Set(await this.#cli.listInboundTags());
    for (const inbound of batch) {
      if (live.has(inbound.tag)) await this.#removeQuietly(inbound.tag);
      try {
        await this.#cli.addInbounds([inbound]);
      } catch (error) {
        await this.#requireAnswering(error);
        failed.set(inbound.tag, (error as XrayApiError).output);
        await this.#removeQuietly(inbound.tag);
      }
    }
    return failed;
  }

  async #removeQuietly(tag: string): Promise<void> {
    try {
      await this.#cli.removeInbounds([tag]);
    } catch (error) {
      await this.#requireAnswering(error);
    }
  }

  async #requireAnswering(error: unknown): Promise<void> {
    if (error instanceof XrayApiError && (await this.#cli.apiAnswers())) return;
    throw new XrayApiDownError(`the Xray API at ${this.#cli.apiAddress} does not answer: ${(error as Error).message}`);
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let index = 0; index < items.length; index += size) result.push(items.slice(index, index + size));
  return result;
}
