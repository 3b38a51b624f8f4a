import { useEffect, useState } from 'react';
import { InlineError } from '../../components/inline-error.tsx';
import { Spinner } from '../../components/spinner.tsx';
import { useTranslation } from 'react-i18next';
import { useNavigationStore } from '../../state/navigation-store.ts';
import { selectPerson, usePeopleStore } from '../../state/people-store.ts';
import { PersonKeysPanel } from './person-keys-panel.tsx';
import { personRemoval } from './person-removal.ts';
import { personRow } from './person-rows.ts';
import { PersonSubscriptionPanel } from './person-subscription-panel.tsx';
import { RemovePersonDialog } from './remove-person-dialog.tsx';
import { useFleetReach } from './use-fleet-reach.ts';

/** One person: their subscription link and QR code, their key on each server with its limits, and what can be changed. */
export function PersonView({ uuid }: { uuid: string }) {
  const { t } = useTranslation();
  const person = usePeopleStore(selectPerson(uuid));
  const list = usePeopleStore((state) => state.list);
  const goPeople = useNavigationStore((state) => state.goPeople);
  const reach = useFleetReach();
  const [removing, setRemoving] = useState(false);

  useEffect(() => {
    if (!usePeopleStore.getState().list.value) void usePeopleStore.getState().loadPeople();
  }, []);

  const back = (
    <button type="button" className="link-button small" onClick={goPeople} data-testid="person-back">
      {t('person.back')}
    </button>
  );
  if (!person) {
    return (
      <section className="view" data-testid="person-view" data-uuid={uuid}>
        {back}
        {list.loading || !list.value ? <Spinner label={t('people.reading')} /> : <p className="muted" data-testid="person-gone">{t('person.gone', { uuid })}</p>}
        <InlineError message={list.error} testId="person-error" />
      </section>
    );
  }
  const row = personRow(person, Date.now());
  const removeWhy = personRemoval(person, reach).deleted.length === 0 ? t('person.noneReachable') : undefined;
  return (
    <section className="view" data-testid="person-view" data-uuid={uuid}>
      <header className="view-header">
        <div>
          {back}
          <h1 data-testid="person-name">{person.name}</h1>
          <div className="muted small">
            {t('person.uuid', { uuid: person.uuid })} · {t('counts.servers', { count: person.keys.length })} ·{' '}
            <span className={`key-status status-${row.status}`}>{row.statusWords}</span> · {t('person.used', { size: row.usedWords })} ·{' '}
            {t('person.month', { size: row.monthWords })}
          </div>
        </div>
        <div className="view-actions">
          {list.loading && <Spinner label={t('people.reading')} />}
          <button type="button" onClick={() => void usePeopleStore.getState().refresh()} disabled={list.loading} data-testid="person-refresh">
            {t('common.refresh')}
          </button>
          <button type="button" className="danger-outline" onClick={() => setRemoving(true)} disabled={removeWhy !== undefined} title={removeWhy} data-testid="person-remove">
            {t('person.remove')}
          </button>
        </div>
      </header>
      <InlineError message={list.error} testId="person-error" />
      <PersonSubscriptionPanel person={person} reach={reach} />
      <PersonKeysPanel person={person} reach={reach} />
      {removing && <RemovePersonDialog person={person} reach={reach} onClose={() => setRemoving(false)} />}
    </section>
  );
}
