import { useState } from 'react';
import type { Person } from '../../../../shared/contract/people.ts';
import { InlineError } from '../../components/inline-error.tsx';
import { useFleetStore } from '../../state/fleet-store.ts';
import { useOperation } from '../../state/operations-store.ts';
import { addServerOperation, selectChange, usePeopleStore } from '../../state/people-store.ts';
import { ChangeFailures } from './change-failures.tsx';
import { unreachableWhy, type ServerReach } from './server-reach.ts';
import { ServerOptions } from './server-options.tsx';
import { useTranslation } from 'react-i18next';

/** Gives the person a key on one more server: their name, uuid and the limits of one of their keys. */
export function AddServerToPerson({ person, reach }: { person: Person; reach: Record<string, ServerReach> }) {
  const { t } = useTranslation();
  const servers = useFleetStore((state) => state.servers);
  const operation = useOperation(addServerOperation(person.uuid));
  const lastChange = usePeopleStore(selectChange(addServerOperation(person.uuid)));
  const [chosen, setChosen] = useState('');
  const others = servers.filter((server) => !person.keys.some((entry) => entry.serverId === server.id));
  if (others.length === 0) return <p className="muted small">{t('person.addServer.everywhere')}</p>;

  const chosenWhy = unreachableWhy(reach[chosen]);
  const add = async () => {
    if (await usePeopleStore.getState().addServer(person.uuid, chosen)) setChosen('');
  };
  return (
    <div className="panel-actions" data-testid="person-add-server">
      <select value={chosen} onChange={(event) => setChosen(event.target.value)} disabled={operation.running} aria-label={t('person.addServer.label')} data-testid="person-add-server-choice">
        <option value="">{t('person.addServer.choose')}</option>
        <ServerOptions servers={others} reach={reach} />
      </select>
      <button type="button" onClick={() => void add()} disabled={!chosen || chosenWhy !== undefined || operation.running} data-testid="person-add-server-button">
        {operation.running ? t('common.adding') : t('person.addServer.give')}
      </button>
      <span className="muted small">{t('person.addServer.with')}</span>
      <InlineError message={operation.error} testId="person-add-server-error" />
      <ChangeFailures outcomes={lastChange?.outcomes} testId="person-add-server-failures" />
    </div>
  );
}
