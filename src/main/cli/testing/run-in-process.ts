import { Readable } from 'node:stream';
import type { KeyportCore } from '../../core/keyport-core.ts';
import { runCli } from '../run-cli.ts';
import { fakeCore, type FakeCoreParts } from './fake-core.ts';

export interface InProcessOptions {
  core?: KeyportCore;
  /** Without `core`: the services of a fake core (fake-core.ts) made for this run. */
  services?: FakeCoreParts;
  /** What stdin gives; a list gives each entry as its own chunk (as a terminal gives each line typed). */
  stdin?: string | string[];
  isTTY?: boolean;
  env?: Record<string, string>;
  now?: Date;
}

export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
  coreOpened: boolean;
}

/** `keyport ARGV` in this process, against the given core, with captured output. */
export async function runInProcess(argv: string[], options: InProcessOptions = {}): Promise<InProcessResult> {
  let stdout = '';
  let stderr = '';
  let coreOpened = false;
  const core = options.core ?? fakeCore(options.services).core;
  const code = await runCli(
    argv,
    {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      stdin: Readable.from(options.stdin === undefined ? [] : [options.stdin].flat()),
      isTTY: options.isTTY ?? false,
      env: options.env ?? {},
      now: () => options.now ?? new Date('2025-08-05T12:00:00Z'),
      untilStopped: async () => {},
    },
    async () => {
      coreOpened = true;
      return core;
    },
  );
  return { code, stdout, stderr, coreOpened };
}
