import type { Person } from '../../../../shared/contract/people.ts';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { useNavigationStore } from '../../state/navigation-store.ts';
import { removePersonOperation, usePeopleStore } from '../../state/people-store.ts';
import { personRemoval } from './person-removal.ts';
import type { ServerReach } from './server-reach.ts';

/** Asks before deleting every key of a person, saying what goes and what stays. */
export function RemovePersonDialog({ person, reach, onClose }: { person: Person; reach: Record<string, ServerReach>; onClose: () => void }) {
  const removal = personRemoval(person, reach);
  const remove = async () => {
    const removed = await usePeopleStore.getState().removePerson(person.uuid, person.name);
    if (removed) useNavigationStore.getState().goPeople();
    return removed;
  };
  return (
    <ConfirmDialog
      title={`Remove ${person.name}?`}
      confirmLabel={removal.kept.length > 0 ? `Delete ${removal.deleted.length} of their keys` : 'Delete every key of theirs'}
      operationId={removePersonOperation(person.uuid)}
      onConfirm={remove}
      onClose={onClose}
    >
      <p>Deleted, with no way back:</p>
      <ul data-testid="remove-person-deleted">
        {removal.deleted.map((entry) => (
          <li key={entry.server}>
            on {entry.server}: their key “{entry.keyName}”, its traffic history there, and its vless:// and subscription links
          </li>
        ))}
      </ul>
      {removal.kept.length > 0 && (
        <>
          <p>Left as they are, since their servers cannot be reached now (remove {person.name} again once they are back):</p>
          <ul data-testid="remove-person-kept">
            {removal.kept.map((entry) => (
              <li key={entry.server}>
                {entry.server}: {entry.why}
              </li>
            ))}
          </ul>
        </>
      )}
      <p className="muted small">A person is only their keys: nothing else of theirs is kept anywhere.</p>
    </ConfirmDialog>
  );
}
