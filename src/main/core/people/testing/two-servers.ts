import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { PeopleService } from '../people-service.ts';
import { PendingDisables } from '../pending-disables.ts';
import { fleetOf, type FakeAgent } from './fake-agents.ts';

/** The uuid PeopleService gives a new person in these tests. */
export const ANNA = '9b2f4c7e-1a2b-4c3d-8e9f-0123456789ab';

function pendingFile(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'keyport-people-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'pending-disables.json');
}

/** Paris and Oslo (ids s1, s2), each a fake agent, behind a real cache and the real keys service. */
export function twoServers(t: TestContext, paris: FakeAgent, oslo: FakeAgent, clock = { ms: Date.UTC(2026, 11, 2, 6) }) {
  const fleet = fleetOf(t, { s1: paris, s2: oslo });
  const path = pendingFile(t);
  const open = () =>
    new PeopleService({ ...fleet, pending: new PendingDisables(path), now: () => new Date(clock.ms), newUuid: () => ANNA });
  return { ...fleet, people: open(), reopen: open, clock };
}
