import { useState } from 'react';
import { formatBytes } from '../../../../shared/agent-api.ts';
import type { Person, PersonKey } from '../../../../shared/contract/people.ts';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { formatLocalTime } from '../../format/format-time.ts';
import { KEY_STATUS_LABELS } from '../../format/key-limit-words.ts';
import { useNavigationStore } from '../../state/navigation-store.ts';
import { removeServerOperation, selectChange, usePeopleStore } from '../../state/people-store.ts';
import { keyLimitFacts } from '../keys/key-rows.ts';
import { AddServerToPerson } from './add-server-to-person.tsx';
import { ChangeFailures } from './change-failures.tsx';
import { quotaWords } from './person-rows.ts';
import { unreachableWhy, type ServerReach } from './server-reach.ts';

/** The person's key on each of their servers with its limits; a server added or taken away. */
export function PersonKeysPanel({ person, reach }: { person: Person; reach: Record<string, ServerReach> }) {
  const [removing, setRemoving] = useState<PersonKey | null>(null);
  const nowMs = Date.now();
  return (
    <section className="panel" data-testid="person-keys">
      <h2>Their key on each server</h2>
      <table className="data-table compact">
        <thead>
          <tr>
            <th>Server</th>
            <th>Key</th>
            <th>Status</th>
            <th>Used / quota</th>
            <th>Expires</th>
            <th>Note</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {person.keys.map((entry) => (
            <PersonKeyRow key={entry.serverId} entry={entry} reach={reach[entry.serverId]} nowMs={nowMs} onRemove={() => setRemoving(entry)} />
          ))}
        </tbody>
      </table>
      <AddServerToPerson person={person} reach={reach} />
      {person.keys.map((entry) => (
        <RemoveServerFailures key={entry.serverId} uuid={person.uuid} serverId={entry.serverId} />
      ))}
      {removing && (
        <ConfirmDialog
          title={`Remove ${person.name} from ${removing.server}?`}
          confirmLabel={`Delete their key on ${removing.server}`}
          operationId={removeServerOperation(person.uuid, removing.serverId)}
          onConfirm={() => usePeopleStore.getState().removeServer(person.uuid, removing.serverId)}
          onClose={() => setRemoving(null)}
        >
          <p>
            Their key “{removing.key.name}” on {removing.server} is deleted with its traffic history there, and the subscription of their other
            servers stops listing {removing.server}.
            {person.keys.length === 1 ? ' It is their only key: they are gone from Keyport with it.' : ' Their keys on the other servers keep working.'}
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

interface PersonKeyRowProps {
  entry: PersonKey;
  reach: ServerReach | undefined;
  nowMs: number;
  onRemove: () => void;
}

function PersonKeyRow({ entry, reach, nowMs, onRemove }: PersonKeyRowProps) {
  const { key, server, serverId, source, syncedAt } = entry;
  const limits = keyLimitFacts(key, nowMs);
  const openKey = useNavigationStore((state) => state.openKey);
  const why = unreachableWhy(reach);
  return (
    <tr data-testid={`person-key-${server}`}>
      <td>
        {server}
        {source === 'cache' && <div className="muted small">as last synced, {formatLocalTime(syncedAt)}</div>}
      </td>
      <td>
        <button type="button" className="link-button" onClick={() => openKey(serverId, key.id)} title={`key ${key.id}, port ${key.port}`} data-testid="person-key-open">
          {key.name}
        </button>
      </td>
      <td>
        <span className={`key-status status-${limits.status}`} data-testid="person-key-status">
          {KEY_STATUS_LABELS[limits.status]}
        </span>
      </td>
      <td data-testid="person-key-quota">{key.data_limit_bytes === null ? 'no quota' : `${formatBytes(key.used_bytes)} of ${quotaWords(key)}`}</td>
      <td>{limits.expiryText}</td>
      <td>{key.note}</td>
      <td className="cell-actions">
        <button type="button" className="danger-outline small-button" onClick={onRemove} disabled={why !== undefined} title={why} data-testid="person-key-remove">
          Remove from {server}
        </button>
        {why && (
          <div className="muted small" data-testid="person-key-unreachable">
            {why}
          </div>
        )}
      </td>
    </tr>
  );
}

function RemoveServerFailures({ uuid, serverId }: { uuid: string; serverId: string }) {
  const change = usePeopleStore(selectChange(removeServerOperation(uuid, serverId)));
  return <ChangeFailures outcomes={change?.outcomes} testId="person-remove-server-failures" />;
}
