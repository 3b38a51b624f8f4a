import { DATA_LIMIT_RESETS, KEY_NOTE_MAX_CHARACTERS, type DataLimitReset } from '../../../shared/agent-api.ts';
import { formatLocalTime } from '../format/format-time.ts';
import { RESET_LABELS } from '../format/key-limit-words.ts';
import { dayPlusDays, type KeyLimitsDraft, type KeyLimitsDraftErrors } from './key-limits-draft.ts';

interface KeyLimitsFieldsProps {
  draft: KeyLimitsDraft;
  onChange: (draft: KeyLimitsDraft) => void;
  errors: KeyLimitsDraftErrors;
  disabled?: boolean;
  /** Prefixes the fields' test ids, so two forms on one page stay apart. */
  testIdPrefix: string;
  /** The key's expiry now: while its day is the one shown, its own time of day holds. */
  currentExpiresAt?: string | null;
}

const FieldError = ({ message, testId }: { message: string | undefined; testId: string }) =>
  message ? (
    <span className="inline-error small" role="alert" data-testid={testId}>
      {message}
    </span>
  ) : null;

/** Quota with units, its reset period, an expiry day (picker, "+30 days", "Never") and a note. */
export function KeyLimitsFields({ draft, onChange, errors, disabled, testIdPrefix, currentExpiresAt }: KeyLimitsFieldsProps) {
  const set = (change: Partial<KeyLimitsDraft>) => onChange({ ...draft, ...change });
  const id = (name: string) => `${testIdPrefix}-${name}`;
  return (
    <div className="key-limits-fields">
      <label className="stacked">
        Data quota
        <input
          value={draft.quota}
          onChange={(event) => set({ quota: event.target.value })}
          placeholder="e.g. 50 GB; empty: no quota"
          disabled={disabled}
          aria-invalid={errors.quota ? true : undefined}
          data-testid={id('quota')}
        />
        <FieldError message={errors.quota} testId={id('quota-error')} />
      </label>
      <label className="stacked">
        Quota resets
        <select value={draft.reset} onChange={(event) => set({ reset: event.target.value as DataLimitReset })} disabled={disabled} data-testid={id('reset')}>
          {DATA_LIMIT_RESETS.map((reset) => (
            <option key={reset} value={reset}>
              {RESET_LABELS[reset]}
            </option>
          ))}
        </select>
      </label>
      <div className="stacked key-expiry-field">
        <label htmlFor={id('expiry')}>Expires on (00:00 UTC)</label>
        <div className="inline-form">
          <input
            id={id('expiry')}
            type="date"
            value={draft.expiryDay}
            onChange={(event) => set({ expiryDay: event.target.value })}
            disabled={disabled}
            aria-invalid={errors.expiryDay ? true : undefined}
            data-testid={id('expiry')}
          />
          <button type="button" className="small-button" onClick={() => set({ expiryDay: dayPlusDays(draft.expiryDay, 30, Date.now()) })} disabled={disabled} data-testid={id('plus-30')}>
            +30 days
          </button>
          <button type="button" className="small-button" onClick={() => set({ expiryDay: '' })} disabled={disabled || draft.expiryDay === ''} data-testid={id('never')}>
            Never
          </button>
        </div>
        <span className="muted small" data-testid={id('expiry-shown')}>
          {draft.expiryDay === ''
            ? 'Never expires.'
            : currentExpiresAt && currentExpiresAt.startsWith(draft.expiryDay)
              ? `Expiry: ${formatLocalTime(currentExpiresAt)} (your time).`
              : `Expiry: ${draft.expiryDay} at 00:00 UTC.`}
        </span>
        <FieldError message={errors.expiryDay} testId={id('expiry-error')} />
      </div>
      <label className="stacked key-note-field">
        Note
        <textarea
          value={draft.note}
          onChange={(event) => set({ note: event.target.value })}
          rows={2}
          placeholder={`For yourself, up to ${KEY_NOTE_MAX_CHARACTERS} characters`}
          disabled={disabled}
          aria-invalid={errors.note ? true : undefined}
          data-testid={id('note')}
        />
        <FieldError message={errors.note} testId={id('note-error')} />
      </label>
    </div>
  );
}
