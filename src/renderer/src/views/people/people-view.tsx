import { useEffect } from 'react';
import { InlineError } from '../../components/inline-error.tsx';
import { Spinner } from '../../components/spinner.tsx';
import { selectPeople, selectSelectedPerson, usePeopleStore } from '../../state/people-store.ts';
import { AddPersonForm } from './add-person-form.tsx';
import { personRows } from './person-rows.ts';
import { PersonSubscriptionPanel } from './person-subscription-panel.tsx';

/** Everyone across the fleet: a person is one uuid with a key on each of their servers. */
export function PeopleView() {
  const list = usePeopleStore((state) => state.list);
  const people = usePeopleStore(selectPeople);
  const selected = usePeopleStore(selectSelectedPerson);
  const { loadPeople, select } = usePeopleStore.getState();

  useEffect(() => {
    void loadPeople();
  }, [loadPeople]);

  const rows = people ? personRows(people, Date.now()) : [];
  const unavailable = list.value?.unavailable ?? [];
  return (
    <section className="view" data-testid="people-view">
      <header className="view-header">
        <h1>People</h1>
        <div className="view-actions">
          {list.loading && <Spinner label="Reading every server’s keys…" />}
          <button type="button" onClick={() => void loadPeople()} disabled={list.loading} data-testid="people-refresh">
            Refresh
          </button>
        </div>
      </header>
      <InlineError message={list.error} testId="people-error" />
      {unavailable.map((server) => (
        <p key={server.server} className="link-warning small" role="status" data-testid={`people-unavailable-${server.server}`}>
          {server.server}: {server.message}
        </p>
      ))}
      {people && rows.length === 0 && <p className="muted">No people yet: add one below, on as many servers as they should reach.</p>}
      {rows.length > 0 && (
        <table className="data-table" data-testid="people-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Servers</th>
              <th className="number">Used (quota periods)</th>
              <th className="number">This month</th>
              <th>Subscription</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.uuid} data-testid={`person-row-${row.uuid}`} className={selected?.uuid === row.uuid ? 'current' : undefined}>
                <td>
                  <button type="button" className="link-button" onClick={() => select(row.uuid)} data-testid="person-open">
                    {row.name}
                  </button>
                </td>
                <td>
                  {row.servers
                    .map((server) => `${server.name}${server.cached ? ' (cached)' : ''}${server.status === 'active' ? '' : ` (${server.status})`}`)
                    .join(', ')}
                </td>
                <td className="number">{row.usedWords}</td>
                <td className="number">{row.monthWords}</td>
                <td>{row.subscriptionUrl ? 'yes' : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {selected && <PersonSubscriptionPanel person={selected} />}
      <AddPersonForm />
    </section>
  );
}
