import { useState } from 'react';
import type { Person, PersonKey } from '../../../../shared/contract/people.ts';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { useTranslation } from 'react-i18next';
import { formatBytes } from '../../format/format-bytes.ts';
import { formatUtcTime } from '../../format/format-time.ts';
import { keyStatusLabel } from '../../format/key-limit-words.ts';
import { useNavigationStore } from '../../state/navigation-store.ts';
import { removeServerOperation, selectChange, usePeopleStore } from '../../state/people-store.ts';
import { keyLimitFacts } from '../keys/key-rows.ts';
import { AddServerToPerson } from './add-server-to-person.tsx';
import { ChangeFailures } from './change-failures.tsx';
import { quotaWords } from './person-rows.ts';
import { unreachableWhy, type ServerReach } from './server-reach.ts';

/** The person's key on each of their servers with its limits; a server added or taken away. */
export function PersonKeysPanel({ person, reach }: { person: Person; reach: Record<string, ServerReach> }) {
  const { t } = useTranslation();
  const [removing, setRemoving] = useState<PersonKey | null>(null);
  const nowMs = Date.now();
  return (
    <section className="panel" data-testid="person-keys">
      <h2>{t('person.keys.title')}</h2>
      <table className="data-table compact">
        <thead>
          <tr>
            <th>{t('person.keys.server')}</th>
            <th>{t('person.keys.key')}</th>
            <th>{t('person.keys.status')}</th>
            <th>{t('person.keys.usedQuota')}</th>
            <th>{t('person.keys.expires')}</th>
            <th>{t('person.keys.note')}</th>
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
          title={t('person.keys.removeTitle', { name: person.name, server: removing.server })}
          confirmLabel={t('person.keys.removeConfirm', { server: removing.server })}
          operationId={removeServerOperation(person.uuid, removing.serverId)}
          onConfirm={() => usePeopleStore.getState().removeServer(person.uuid, removing.serverId)}
          onClose={() => setRemoving(null)}
        >
          <p>
            {t('person.keys.removeText', { key: removing.key.name, server: removing.server })}{' '}
            {person.keys.length === 1 ? t('person.keys.onlyKey') : t('person.keys.othersKeep')}
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
  const { t } = useTranslation();
  const { key, server, serverId, source, syncedAt } = entry;
  const limits = keyLimitFacts(key, nowMs);
  const openKey = useNavigationStore((state) => state.openKey);
  const why = unreachableWhy(reach);
  return (
    <tr data-testid={`person-key-${server}`}>
      <td>
        {server}
        {source === 'cache' && <div className="muted small">{t('person.keys.lastSynced', { time: formatUtcTime(syncedAt) })}</div>}
      </td>
      <td>
        <button type="button" className="link-button" onClick={() => openKey(serverId, key.id)} title={t('person.keys.keyTitle', { id: key.id, port: key.port })} data-testid="person-key-open">
          {key.name}
        </button>
      </td>
      <td>
        <span className={`key-status status-${limits.status}`} data-testid="person-key-status">
          {keyStatusLabel(limits.status)}
        </span>
      </td>
      <td data-testid="person-key-quota">{key.data_limit_bytes === null ? t('common.noQuota') : t('person.keys.quota', { used: formatBytes(key.used_bytes), quota: quotaWords(key) })}</td>
      <td>{limits.expiryText}</td>
      <td>{key.note}</td>
      <td className="cell-actions">
        <button type="button" className="danger-outline small-button" onClick={onRemove} disabled={why !== undefined} title={why} data-testid="person-key-remove">
          {t('person.keys.removeFrom', { server })}
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
