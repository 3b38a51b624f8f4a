import { useState } from 'react';
import type { MoveRequest } from '../../../../shared/contract/people.ts';
import { InlineError } from '../../components/inline-error.tsx';
import { ModalDialog } from '../../components/modal-dialog.tsx';
import { countOf } from '../../format/count-of.ts';
import { useFleetStore } from '../../state/fleet-store.ts';
import { selectPeople, usePeopleStore } from '../../state/people-store.ts';
import { MoveOutcome } from './move-outcome.tsx';
import { unreachableWhy } from './server-reach.ts';
import { ServerOptions } from './server-options.tsx';
import { useFleetReach } from './use-fleet-reach.ts';

const DAY_MS = 86_400_000;

type AfterMove = 'keep' | 'now' | 'later';

/**
 * Moves people off a server (blocked, say, or being replaced): keys on the target with their uuids,
 * names and limits, every subscription updated, and their keys on the source disabled now, later or never.
 */
export function MoveDialog({ onClose }: { onClose: () => void }) {
  const servers = useFleetStore((state) => state.servers);
  const people = usePeopleStore(selectPeople) ?? [];
  const run = usePeopleStore((state) => state.move);
  const reach = useFleetReach();
  const [from, setFrom] = useState(() => servers.find((server) => people.some((person) => person.keys.some((entry) => entry.serverId === server.id)))?.id ?? '');
  const [to, setTo] = useState('');
  const [everyone, setEveryone] = useState(true);
  const [chosen, setChosen] = useState<string[]>([]);
  const [after, setAfter] = useState<AfterMove>('keep');
  const [graceDays, setGraceDays] = useState('7');

  const close = () => {
    usePeopleStore.getState().dismissMove();
    onClose();
  };
  const nameOf = (serverId: string) => servers.find((server) => server.id === serverId)?.name ?? serverId;
  const onSource = people.filter((person) => person.keys.some((entry) => entry.serverId === from));
  const picked = onSource.filter((person) => chosen.includes(person.uuid));
  const sourceWhy = unreachableWhy(reach[from]);
  const targetWhy = unreachableWhy(reach[to]);
  const days = Number(graceDays);
  const graceOk = after !== 'later' || (Number.isFinite(days) && days > 0);
  const count = everyone ? onSource.length : picked.length;
  const locked = run !== null;
  const canMove = !locked && from !== '' && to !== '' && from !== to && targetWhy === undefined && count > 0 && graceOk && !(after === 'now' && sourceWhy);

  const move = () => {
    const request: MoveRequest = {
      from,
      to,
      ...(everyone ? { all: true } : { people: picked.map((person) => person.uuid) }),
      ...(after === 'now' ? { disableAfterMs: 0 } : after === 'later' ? { disableAfterMs: Math.round(days * DAY_MS) } : {}),
    };
    void usePeopleStore.getState().startMove(request);
  };
  const toggle = (uuid: string) => setChosen(chosen.includes(uuid) ? chosen.filter((other) => other !== uuid) : [...chosen, uuid]);

  return (
    <ModalDialog title="Move people to another server" onClose={close} testId="move-dialog" wide>
      <fieldset className="move-form" disabled={locked}>
        <label className="stacked">
          From
          <select value={from} onChange={(event) => setFrom(event.target.value)} data-testid="move-from">
            <option value="">Choose a server…</option>
            {servers.map((server) => (
              <option key={server.id} value={server.id}>
                {server.name}
              </option>
            ))}
          </select>
        </label>
        {sourceWhy && (
          <p className="muted small" data-testid="move-from-unreachable">
            {sourceWhy}. Their keys there are copied from the cache; disabling them there has to wait until it answers.
          </p>
        )}
        <label className="stacked">
          To
          <select value={to} onChange={(event) => setTo(event.target.value)} data-testid="move-to">
            <option value="">Choose a server…</option>
            <ServerOptions servers={servers.filter((server) => server.id !== from)} reach={reach} />
          </select>
        </label>
        <fieldset className="server-choice">
          <legend>Who</legend>
          <label>
            <input type="radio" checked={everyone} onChange={() => setEveryone(true)} data-testid="move-everyone" /> Everyone on {nameOf(from) || 'it'} (
            {countOf(onSource.length, 'person', 'people')})
          </label>
          <label>
            <input type="radio" checked={!everyone} onChange={() => setEveryone(false)} data-testid="move-some" /> Only those ticked:
          </label>
          {!everyone && (
            <ul className="move-people">
              {onSource.map((person) => (
                <li key={person.uuid}>
                  <label>
                    <input type="checkbox" checked={chosen.includes(person.uuid)} onChange={() => toggle(person.uuid)} data-testid={`move-person-${person.uuid}`} />{' '}
                    {person.name}
                  </label>
                </li>
              ))}
            </ul>
          )}
        </fieldset>
        <fieldset className="server-choice">
          <legend>Their keys on {nameOf(from) || 'the old server'} afterwards</legend>
          <label>
            <input type="radio" checked={after === 'keep'} onChange={() => setAfter('keep')} data-testid="move-keep" /> Keep working
          </label>
          <label title={sourceWhy}>
            <input type="radio" checked={after === 'now'} disabled={sourceWhy !== undefined} onChange={() => setAfter('now')} data-testid="move-disable-now" />{' '}
            Disable now
          </label>
          <label>
            <input type="radio" checked={after === 'later'} onChange={() => setAfter('later')} data-testid="move-disable-later" /> Disable after{' '}
            <input
              type="number"
              min={1}
              className="grace-days"
              value={graceDays}
              onChange={(event) => setGraceDays(event.target.value)}
              onFocus={() => setAfter('later')}
              aria-label="Grace period in days"
              data-testid="move-grace-days"
            />{' '}
            days (time for their apps to refresh the subscription)
          </label>
        </fieldset>
        {!graceOk && <InlineError message="A grace period is a number of days above 0." testId="move-grace-error" />}
      </fieldset>
      {run && <MoveOutcome run={run} sourceName={nameOf(run.request.from)} targetName={nameOf(run.request.to)} />}
      <div className="dialog-actions">
        <button type="button" onClick={close} disabled={run?.running} data-testid="move-close">
          {run && !run.running ? 'Close' : 'Cancel'}
        </button>
        {!locked && (
          <button type="button" className="primary" disabled={!canMove} onClick={move} data-testid="move-start">
            Move {countOf(count, 'person', 'people')}
            {to ? ` to ${nameOf(to)}` : ''}
          </button>
        )}
      </div>
    </ModalDialog>
  );
}
