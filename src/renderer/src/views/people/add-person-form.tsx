import { useState, type FormEvent } from 'react';
import { InlineError } from '../../components/inline-error.tsx';
import { NO_LIMITS_DRAFT, readKeyLimitsDraft, type KeyLimitsDraftErrors } from '../../components/key-limits-draft.ts';
import { KeyLimitsFields } from '../../components/key-limits-fields.tsx';
import { TextInput } from '../../components/text-input.tsx';
import { useFleetStore } from '../../state/fleet-store.ts';
import { useOperation } from '../../state/operations-store.ts';
import { ADD_PERSON_OPERATION, selectChange, usePeopleStore } from '../../state/people-store.ts';
import { ChangeFailures } from './change-failures.tsx';
import { unreachableWhy } from './server-reach.ts';
import { useFleetReach } from './use-fleet-reach.ts';
import { useTranslation } from 'react-i18next';

/** A new person: a name, the servers to give them a key on (one uuid on all), and limits if wanted. */
export function AddPersonForm() {
  const { t } = useTranslation();
  const servers = useFleetStore((state) => state.servers);
  const reach = useFleetReach();
  const addPerson = usePeopleStore((state) => state.addPerson);
  const lastChange = usePeopleStore(selectChange(ADD_PERSON_OPERATION));
  const operation = useOperation(ADD_PERSON_OPERATION);
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [limits, setLimits] = useState(NO_LIMITS_DRAFT);
  const [limitErrors, setLimitErrors] = useState<KeyLimitsDraftErrors>({});

  // A server that went offline since it was ticked is not sent to.
  const sendTo = chosen.filter((serverId) => reach[serverId]?.reachable !== false);
  const toggle = (serverId: string) => setChosen(chosen.includes(serverId) ? chosen.filter((id) => id !== serverId) : [...chosen, serverId]);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const read = readKeyLimitsDraft(limits, NO_LIMITS_DRAFT, Date.now());
    if (!read.ok) {
      setLimitErrors(read.errors);
      return;
    }
    setLimitErrors({});
    const change = await addPerson(name.trim(), sendTo, Object.keys(read.limits).length > 0 ? read.limits : undefined);
    if (change) {
      setName('');
      setChosen([]);
      setLimits(NO_LIMITS_DRAFT);
    }
  };

  return (
    <form className="panel add-person" onSubmit={(event) => void submit(event)} data-testid="add-person-form">
      <h2>{t('people.add.title')}</h2>
      <TextInput value={name} onChange={setName} placeholder={t('people.add.placeholder')} aria-label={t('people.add.label')} testId="add-person-name" />
      <fieldset className="server-choice">
        <legend>{t('people.add.servers')}</legend>
        {servers.map((server) => {
          const why = unreachableWhy(reach[server.id]);
          return (
            <label key={server.id} title={why}>
              <input
                type="checkbox"
                checked={sendTo.includes(server.id)}
                disabled={why !== undefined || operation.running}
                onChange={() => toggle(server.id)}
                data-testid={`add-person-server-${server.name}`}
              />{' '}
              {server.name}
              {why && (
                <span className="muted small" data-testid={`add-person-unreachable-${server.name}`}>
                  {' '}
                  ({why})
                </span>
              )}
            </label>
          );
        })}
      </fieldset>
      <KeyLimitsFields draft={limits} onChange={setLimits} errors={limitErrors} disabled={operation.running} testIdPrefix="add-person" />
      <div className="panel-actions">
        <button type="submit" className="primary" disabled={operation.running || !name.trim() || sendTo.length === 0} data-testid="add-person-button">
          {operation.running ? t('common.adding') : t('people.add.add')}
        </button>
      </div>
      <InlineError message={operation.error} testId="add-person-error" />
      <ChangeFailures outcomes={lastChange?.outcomes} testId="add-person-failures" />
    </form>
  );
}
