import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ScratchHome {
  dir: string;
  /** KEYPORT_HOME and a HOME (0700) of the test's own, and no ssh-agent. */
  env: Record<string, string>;
  remove(): void;
}

/** A scratch directory for one test file's keyport state, kept apart from the admin's. */
export function scratchHome(prefix: string): ScratchHome {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(join(dir, 'home'), { mode: 0o700 });
  return {
    dir,
    env: { HOME: join(dir, 'home'), KEYPORT_HOME: join(dir, 'keyport'), SSH_AUTH_SOCK: '' },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
