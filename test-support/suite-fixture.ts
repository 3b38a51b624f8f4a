import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';

/**
 * Something the tests of one describe block share (an agent, a server): made by `make` before
 * them, given to `dispose` after them (if it was made). Returns the fixture, to be called inside
 * the tests and hooks.
 */
export function suiteFixture<T>(make: () => Promise<T>, dispose: (fixture: T) => unknown): () => T {
  let made: { fixture: T } | undefined;
  before(async () => {
    made = { fixture: await make() };
  });
  after(async () => {
    if (made) await dispose(made.fixture);
  });
  return () => {
    if (made === undefined) throw new Error('the suite fixture is made before the tests: use it inside them');
    return made.fixture;
  };
}

/** The same for a fixture that disposes of itself; `cleanUp` runs first, for what the tests left beside it. */
export function disposableSuiteFixture<T extends { dispose(): Promise<void> }>(make: () => Promise<T>, cleanUp?: () => unknown): () => T {
  return suiteFixture(make, async (fixture) => {
    try {
      await cleanUp?.();
    } finally {
      await fixture.dispose();
    }
  });
}

/** A fresh directory (under the system's temp dir, named from `prefix`) for one describe block's tests, removed after them. */
export function suiteDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
