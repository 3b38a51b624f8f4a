import { useState } from 'react';
import type { MoveRequest } from '../../../../shared/contract/people.ts';
import { InlineError } from '../../components/inline-error.tsx';
import { ModalDialog } from '../../components/modal-dialog.tsx';
import { useTranslation } from 'react-i18next';
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
  const { t } = useTranslation();
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
    <ModalDialog title={t('move.title')} onClose={close} testId="move-dialog" wide>
      <fieldset className="move-form" disabled={locked}>
        <label className="stacked">
          {t('move.from')}
          <select value={from} onChange={(event) => setFrom(event.target.value)} data-testid="move-from">
            <option value="">{t('move.choose')}</option>
            {servers.map((server) => (
              <option key={server.id} value={server.id}>
                {server.name}
              </option>
            ))}
          </select>
        </label>
        {sourceWhy && (
          <p className="muted small" data-testid="move-from-unreachable">
            {t('move.fromUnreachable', { why: sourceWhy })}
          </p>
        )}
        <label className="stacked">
          {t('move.to')}
          <select value={to} onChange={(event) => setTo(event.target.value)} data-testid="move-to">
            <option value="">{t('move.choose')}</option>
            <ServerOptions servers={servers.filter((server) => server.id !== from)} reach={reach} />
          </select>
        </label>
        <fieldset className="server-choice">
          <legend>{t('move.who')}</legend>
          <label>
            <input type="radio" checked={everyone} onChange={() => setEveryone(true)} data-testid="move-everyone" />{' '}
            {t('move.everyone', { server: nameOf(from) || t('move.thatServer'), people: t('counts.people', { count: onSource.length }) })}
          </label>
          <label>
            <input type="radio" checked={!everyone} onChange={() => setEveryone(false)} data-testid="move-some" /> {t('move.some')}
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
          <legend>{t('move.afterwards', { server: nameOf(from) || t('move.theOldServer') })}</legend>
          <label>
            <input type="radio" checked={after === 'keep'} onChange={() => setAfter('keep')} data-testid="move-keep" /> {t('move.keep')}
          </label>
          <label title={sourceWhy}>
            <input type="radio" checked={after === 'now'} disabled={sourceWhy !== undefined} onChange={() => setAfter('now')} data-testid="move-disable-now" />{' '}
            {t('move.disableNow')}
          </label>
          <label>
            <input type="radio" checked={after === 'later'} onChange={() => setAfter('later')} data-testid="move-disable-later" /> {t('move.disableAfter')}{' '}
            <input
              type="number"
              min={1}
              className="grace-days"
              value={graceDays}
              onChange={(event) => setGraceDays(event.target.value)}
              onFocus={() => setAfter('later')}
              aria-label={t('move.graceLabel')}
              data-testid="move-grace-days"
            />{' '}
            {t('move.graceDays')}
          </label>
        </fieldset>
        {!graceOk && <InlineError message={t('move.graceError')} testId="move-grace-error" />}
      </fieldset>
      {run && <MoveOutcome run={run} sourceName={nameOf(run.request.from)} targetName={nameOf(run.request.to)} />}
      <div className="dialog-actions">
        <button type="button" onClick={close} disabled={run?.running} data-testid="move-close">
          {run && !run.running ? t('common.close') : t('common.cancel')}
        </button>
        {!locked && (
          <button type="button" className="primary" disabled={!canMove} onClick={move} data-testid="move-start">
            {to
              ? t('move.startTo', { people: t('counts.people', { count }), server: nameOf(to) })
              : t('move.start', { people: t('counts.people', { count }) })}
          </button>
        )}
      </div>
    </ModalDialog>
  );
}
