import { useState, type FormEvent } from 'react';
import { InlineError } from '../../components/inline-error.tsx';
import { NO_LIMITS_DRAFT, readKeyLimitsDraft, type KeyLimitsDraftErrors } from '../../components/key-limits-draft.ts';
import { KeyLimitsFields } from '../../components/key-limits-fields.tsx';
import { TextInput } from '../../components/text-input.tsx';
import { useFleetStore } from '../../state/fleet-store.ts';
import { useOperation } from '../../state/operations-store.ts';
import { ADD_PERSON_OPERATION, usePeopleStore } from '../../state/people-store.ts';

/** A new person: a name, the servers to give them a key on (one uuid on all), and limits if wanted. */
export function AddPersonForm() {
  const servers = useFleetStore((state) => state.servers);
  const addPerson = usePeopleStore((state) => state.addPerson);
  const lastChange = usePeopleStore((state) => state.lastChange);
  const operation = useOperation(ADD_PERSON_OPERATION);
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [limits, setLimits] = useState(NO_LIMITS_DRAFT);
  const [limitErrors, setLimitErrors] = useState<KeyLimitsDraftErrors>({});

  const toggle = (serverId: string) => setChosen(chosen.includes(serverId) ? chosen.filter((id) => id !== serverId) : [...chosen, serverId]);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const read = readKeyLimitsDraft(limits, NO_LIMITS_DRAFT, Date.now());
    if (!read.ok) {
      setLimitErrors(read.errors);
      return;
    }
    setLimitErrors({});
    const change = await addPerson(name.trim(), chosen, Object.keys(read.limits).length > 0 ? read.limits : undefined);
    if (change) {
      setName('');
      setChosen([]);
      setLimits(NO_LIMITS_DRAFT);
    }
  };
  const failed = lastChange?.outcomes.filter((outcome) => !outcome.done) ?? [];

  return (
    <form className="panel add-person" onSubmit={(event) => void submit(event)} data-testid="add-person-form">
      <h2>Add a person</h2>
      <TextInput value={name} onChange={setName} placeholder="Name, e.g. Анна 📱" aria-label="Person's name" testId="add-person-name" />
      <fieldset className="server-choice">
        <legend>Servers (one key on each, one uuid on all)</legend>
        {servers.map((server) => (
          <label key={server.id}>
            <input type="checkbox" checked={chosen.includes(server.id)} onChange={() => toggle(server.id)} data-testid={`add-person-server-${server.name}`} /> {server.name}
          </label>
        ))}
      </fieldset>
      <KeyLimitsFields draft={limits} onChange={setLimits} errors={limitErrors} disabled={operation.running} testIdPrefix="add-person" />
      <div className="panel-actions">
        <button type="submit" className="primary" disabled={operation.running || !name.trim() || chosen.length === 0} data-testid="add-person-button">
          {operation.running ? 'Adding…' : 'Add person'}
        </button>
      </div>
      <InlineError message={operation.error} testId="add-person-error" />
      {failed.length > 0 && (
        <ul className="inline-error" role="alert" data-testid="add-person-failures">
          {failed.map((outcome) => (
            <li key={`${outcome.server}:${outcome.what}`}>
              {outcome.server}: {outcome.what} failed: {outcome.done ? '' : outcome.message}
            </li>
          ))}
        </ul>
      )}
    </form>
  );
}
