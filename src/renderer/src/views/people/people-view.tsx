import { useEffect, useState } from 'react';
import { InlineError } from '../../components/inline-error.tsx';
import { Spinner } from '../../components/spinner.tsx';
import { Trans, useTranslation } from 'react-i18next';
import { failureWords } from '../../format/error-message.ts';
import { formatUtcTime } from '../../format/format-time.ts';
import { useFleetStore } from '../../state/fleet-store.ts';
import { useNavigationStore } from '../../state/navigation-store.ts';
import { selectPeople, usePeopleStore } from '../../state/people-store.ts';
import { AddPersonForm } from './add-person-form.tsx';
import { ChangeFailures } from './change-failures.tsx';
import { MoveDialog } from './move-dialog.tsx';
import { personRows } from './person-rows.ts';

/** Everyone across the fleet: a person is one uuid with a key on each of their servers. */
export function PeopleView() {
  const { t } = useTranslation();
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
        <h1>{t('people.title')}</h1>
        <div className="view-actions">
          {list.loading && <Spinner label={t('people.reading')} />}
          <button type="button" onClick={() => void refresh()} disabled={list.loading} data-testid="people-refresh">
            {t('common.refresh')}
          </button>
          <button
            type="button"
            onClick={() => setMoving(true)}
            disabled={serverCount < 2}
            title={serverCount < 2 ? t('people.moveNeedsTwo') : undefined}
            data-testid="people-move"
          >
            {t('people.move')}
          </button>
        </div>
      </header>
      <InlineError message={list.error} testId="people-error" />
      {removal && (
        <div className="panel" role="status" data-testid="people-removed">
          {removal.change.people.length > 0
            ? t('people.removedExcept', {
                name: removal.name,
                servers: removal.change.people.flatMap((person) => person.keys.map((entry) => entry.server)).join(', '),
              })
            : t('people.removed', { name: removal.name })}
          <ChangeFailures outcomes={removal.change.outcomes} testId="people-removed-failures" />
        </div>
      )}
      {listed?.unavailable.map((server) => (
        <p key={server.server} className="link-warning small" role="status" data-testid={`people-unavailable-${server.server}`}>
          {server.server}: {failureWords(server.code, { server: server.server }, server.message)}
        </p>
      ))}
      {listed && listed.disabledNow.length > 0 && (
        <div className="panel small" data-testid="people-disabled-now">
          {t('people.disabledNow')}
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
          <Trans t={t} i18nKey="people.pending" components={{ code: <code /> }} />
          <ul>
            {listed.pending.map((entry) => (
              <li key={`${entry.serverId}/${entry.keyId}`}>
                {t('people.pendingEntry', { name: entry.name, server: entry.server, time: formatUtcTime(entry.dueAt) })}
              </li>
            ))}
          </ul>
        </div>
      )}
      {people && rows.length === 0 && <p className="muted">{t('people.empty')}</p>}
      {rows.length > 0 && (
        <table className="data-table" data-testid="people-table">
          <thead>
            <tr>
              <th>{t('people.column.name')}</th>
              <th>{t('people.column.servers')}</th>
              <th>{t('people.column.status')}</th>
              <th>{t('people.column.limits')}</th>
              <th className="number">{t('people.column.used')}</th>
              <th className="number">{t('people.column.month')}</th>
              <th>{t('people.column.subscription')}</th>
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
                <td>{row.servers.map((server) => (server.cached ? t('people.cached', { server: server.name }) : server.name)).join(', ')}</td>
                <td>
                  <span className={`key-status status-${row.status}`} data-testid="person-status">
                    {row.statusWords}
                  </span>
                </td>
                <td data-testid="person-limits">{row.limitWords}</td>
                <td className="number">{row.usedWords}</td>
                <td className="number">{row.monthWords}</td>
                <td>{row.subscriptionUrl ? t('common.yes') : '—'}</td>
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
