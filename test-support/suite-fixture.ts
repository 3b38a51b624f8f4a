import { after, before } from 'node:test';

/**
 * A resource for the enclosing suite: made in its before(), disposed of in its after() (if it was
 * made). Read `value` inside the tests; it exists from before() on.
 */
export function suiteFixture<T>(make: () => Promise<T>, dispose: (value: T) => Promise<void>): { readonly value: T } {
  let made: { value: T } | undefined;
  before(async () => {
    made = { value: await make() };
  });
  after(async () => {
    if (made) await dispose(made.value);
  });
  return {
    get value(): T {
      if (!made) throw new Error('a suite fixture is made in before(): read it inside a test');
      return made.value;
    },
  };
}
