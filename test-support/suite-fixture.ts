import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';

/**
 * Something the tests of one describe block share (an agent, a server): made by `make` before
 * them, disposed of after them. `cleanUp` runs first, for what the tests left beside it. Returns
 * the fixture, to be called inside the tests and hooks.
 */
export function suiteFixture<T extends { dispose(): Promise<void> }>(
  make: () => Promise<T>,
  cleanUp?: () => unknown,
): () => T {
  let fixture: T | undefined;
  before(async () => {
    fixture = await make();
  });
  after(async () => {
    try {
      await cleanUp?.();
    } finally {
      await fixture?.dispose();
    }
  });
  return () => {
    if (fixture === undefined) throw new Error('the suite fixture is made before the tests: use it inside them');
    return fixture;
  };
}

/** A fresh directory (under the system's temp dir, named from `prefix`) for one describe block's tests, removed after them. */
export function suiteDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
