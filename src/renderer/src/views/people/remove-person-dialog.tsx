import { useTranslation } from 'react-i18next';
import type { Person } from '../../../../shared/contract/people.ts';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { useNavigationStore } from '../../state/navigation-store.ts';
import { removePersonOperation, usePeopleStore } from '../../state/people-store.ts';
import { personRemoval } from './person-removal.ts';
import type { ServerReach } from './server-reach.ts';

/** Asks before deleting every key of a person, saying what goes and what stays. */
export function RemovePersonDialog({ person, reach, onClose }: { person: Person; reach: Record<string, ServerReach>; onClose: () => void }) {
  const { t } = useTranslation();
  const removal = personRemoval(person, reach);
  const remove = async () => {
    const removed = await usePeopleStore.getState().removePerson(person.uuid, person.name);
    if (removed) useNavigationStore.getState().goPeople();
    return removed;
  };
  return (
    <ConfirmDialog
      title={t('person.removal.title', { name: person.name })}
      confirmLabel={removal.kept.length > 0 ? t('person.removal.deleteSome', { count: removal.deleted.length }) : t('person.removal.deleteAll')}
      operationId={removePersonOperation(person.uuid)}
      onConfirm={remove}
      onClose={onClose}
    >
      <p>{t('person.removal.deleted')}</p>
      <ul data-testid="remove-person-deleted">
        {removal.deleted.map((entry) => (
          <li key={entry.server}>
            {t('person.removal.deletedEntry', { server: entry.server, key: entry.keyName })}
          </li>
        ))}
      </ul>
      {removal.kept.length > 0 && (
        <>
          <p>{t('person.removal.kept', { name: person.name })}</p>
          <ul data-testid="remove-person-kept">
            {removal.kept.map((entry) => (
              <li key={entry.server}>
                {entry.server}: {entry.why}
              </li>
            ))}
          </ul>
        </>
      )}
      <p className="muted small">{t('person.removal.onlyKeys')}</p>
    </ConfirmDialog>
  );
}
