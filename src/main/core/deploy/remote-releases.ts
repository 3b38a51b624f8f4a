import { shellQuote, type RemoteHost } from '../ssh/remote-host.ts';
import { CURRENT_LINK, RELEASES_DIR, RUNTIMES_DIR, releaseDir } from './remote-layout.ts';

const RELEASE_NAME = /^[0-9A-Za-z.+_-]+$/;

/** The release directories on a server and the `current` link that picks one. */
export class RemoteReleases {
  readonly #host: RemoteHost;

  constructor(host: RemoteHost) {
    this.#host = host;
  }

  /** The release `current` points to, if any and if it still exists. */
  async current(): Promise<string | undefined> {
    const { stdout, exitCode } = await this.#host.run(`readlink ${shellQuote(CURRENT_LINK)} && test -d ${shellQuote(CURRENT_LINK)}/`);
    const name = stdout.trim().split('/').pop();
    return exitCode === 0 && name && RELEASE_NAME.test(name) ? name : undefined;
  }

  /** Points `current` at `release` in one rename, so no start ever sees a half-switched link. */
  async switchTo(release: string): Promise<void> {
    const next = shellQuote(`${CURRENT_LINK}.next`);
    await this.#host.check(`ln -sfn ${shellQuote(releaseDir(release))} ${next} && mv -T ${next} ${shellQuote(CURRENT_LINK)}`);
  }

  async remove(release: string): Promise<void> {
    await this.#host.check(`rm -rf ${shellQuote(releaseDir(release))}`);
  }

  /**
   * Keeps the `keep` most recently deployed releases (`current` always among them) and the
   * runtimes their `run` scripts use; removes the rest. Returns the releases removed.
   */
  async prune(keep: number, current: string): Promise<string[]> {
    const listed = await this.#host.check(`ls -1t ${shellQuote(RELEASES_DIR)}`);
    const others = listed.split('\n').filter((name) => RELEASE_NAME.test(name) && name !== current);
    const removed = others.slice(keep - 1);
    const releases = shellQuote(RELEASES_DIR);
    await this.#host.check(
      [
        ...removed.map((name) => `rm -rf ${shellQuote(releaseDir(name))}`),
        `for runtime in ${shellQuote(RUNTIMES_DIR)}/*/; do`,
        `  [ -d "$runtime" ] || continue`,
        `  grep -qsF -- "$runtime" ${releases}/*/run || rm -rf "$runtime"`,
        'done',
      ].join('\n'),
    );
    return removed;
  }
}
