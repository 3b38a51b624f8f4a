import { useEffect, useState } from 'react';
import { InlineError } from '../../components/inline-error.tsx';
import { Spinner } from '../../components/spinner.tsx';
import { formatLocalTime } from '../../format/format-time.ts';
import { useFleetStore } from '../../state/fleet-store.ts';
import { useNavigationStore } from '../../state/navigation-store.ts';
import { selectPeople, usePeopleStore } from '../../state/people-store.ts';
import { AddPersonForm } from './add-person-form.tsx';
import { ChangeFailures } from './change-failures.tsx';
import { MoveDialog } from './move-dialog.tsx';
import { personRows } from './person-rows.ts';

/** Everyone across the fleet: a person is one uuid with a key on each of their servers. */
export function PeopleView() {
  const list = usePeopleStore((state) => state.list);
  const people = usePeopleStore(selectPeople);
  const removal = usePeopleStore((state) => state.removal);
  const serverCount = useFleetStore((state) => state.servers.length);
  const openPerson = useNavigationStore((state) => state.openPerson);
  const { loadPeople, refresh } = usePeopleStore.getState();
  const [moving, setMoving] = useState(false);

  useEffect(() => {
    void loadPeople();
    // The removal told here is put away once the admin leaves.
    return () => usePeopleStore.setState({ removal: null });
  }, [loadPeople]);

  const rows = people ? personRows(people, Date.now()) : [];
  const listed = list.value;
  return (
    <section className="view" data-testid="people-view">
      <header className="view-header">
        <h1>People</h1>
        <div className="view-actions">
          {list.loading && <Spinner label="Reading every server’s keys…" />}
          <button type="button" onClick={() => void refresh()} disabled={list.loading} data-testid="people-refresh">
            Refresh
          </button>
          <button
            type="button"
            onClick={() => setMoving(true)}
            disabled={serverCount < 2}
            title={serverCount < 2 ? 'A move needs two servers: add another one first' : undefined}
            data-testid="people-move"
          >
            Move people…
          </button>
        </div>
      </header>
      <InlineError message={list.error} testId="people-error" />
      {removal && (
        <div className="panel" role="status" data-testid="people-removed">
          Removed {removal.name}
          {removal.change.people.length > 0 ? `, except on ${removal.change.people.flatMap((person) => person.keys.map((entry) => entry.server)).join(', ')}` : ' from every server'}.
          <ChangeFailures outcomes={removal.change.outcomes} testId="people-removed-failures" />
        </div>
      )}
      {listed?.unavailable.map((server) => (
        <p key={server.server} className="link-warning small" role="status" data-testid={`people-unavailable-${server.server}`}>
          {server.server}: {server.message}
        </p>
      ))}
      {listed && listed.disabledNow.length > 0 && (
        <div className="panel small" data-testid="people-disabled-now">
          Grace periods over, disabled now:
          <ul>
            {listed.disabledNow.filter((outcome) => outcome.done).map((outcome, index) => (
              <li key={index}>
                {outcome.server}: {outcome.what}
              </li>
            ))}
          </ul>
          <ChangeFailures outcomes={listed.disabledNow} testId="people-disabled-now-failures" />
        </div>
      )}
      {listed && listed.pending.length > 0 && (
        <div className="panel small" data-testid="people-pending">
          To be disabled once their grace period is over (by the first People view or <code>keyport people</code> command after that):
          <ul>
            {listed.pending.map((entry) => (
              <li key={`${entry.serverId}/${entry.keyId}`}>
                {entry.name} on {entry.server}, after {formatLocalTime(entry.dueAt)}
              </li>
            ))}
          </ul>
        </div>
      )}
      {people && rows.length === 0 && <p className="muted">No people yet: add one below, on as many servers as they should reach.</p>}
      {rows.length > 0 && (
        <table className="data-table" data-testid="people-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Servers</th>
              <th>Status</th>
              <th>Limits</th>
              <th className="number">Used (quota periods)</th>
              <th className="number">This month</th>
              <th>Subscription</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.uuid} data-testid={`person-row-${row.uuid}`}>
                <td>
                  <button type="button" className="link-button" onClick={() => openPerson(row.uuid)} data-testid="person-open">
                    {row.name}
                  </button>
                </td>
                <td>{row.servers.map((server) => `${server.name}${server.cached ? ' (cached)' : ''}`).join(', ')}</td>
                <td>
                  <span className={`key-status status-${row.status}`} data-testid="person-status">
                    {row.statusWords}
                  </span>
                </td>
                <td data-testid="person-limits">{row.limitWords}</td>
                <td className="number">{row.usedWords}</td>
                <td className="number">{row.monthWords}</td>
                <td>{row.subscriptionUrl ? 'yes' : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <AddPersonForm />
      {moving && <MoveDialog onClose={() => setMoving(false)} />}
    </section>
  );
}
