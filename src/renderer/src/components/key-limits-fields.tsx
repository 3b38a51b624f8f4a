import { DATA_LIMIT_RESETS, KEY_NOTE_MAX_CHARACTERS, type DataLimitReset } from '../../../shared/agent-api.ts';
import { useTranslation } from 'react-i18next';
import { formatDay, formatUtcTime } from '../format/format-time.ts';
import { resetLabel } from '../format/key-limit-words.ts';
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

/** The expiry button's step: about a month of use. */
const PLUS_DAYS = 30;

const FieldError = ({ message, testId }: { message: string | undefined; testId: string }) =>
  message ? (
    <span className="inline-error small" role="alert" data-testid={testId}>
      {message}
    </span>
  ) : null;

/** Quota with units, its reset period, an expiry day (picker, "+30 days", "Never") and a note. */
export function KeyLimitsFields({ draft, onChange, errors, disabled, testIdPrefix, currentExpiresAt }: KeyLimitsFieldsProps) {
  const { t } = useTranslation();
  const set = (change: Partial<KeyLimitsDraft>) => onChange({ ...draft, ...change });
  const id = (name: string) => `${testIdPrefix}-${name}`;
  return (
    <div className="key-limits-fields">
      <label className="stacked">
        {t('limits.quota')}
        <input
          value={draft.quota}
          onChange={(event) => set({ quota: event.target.value })}
          placeholder={t('limits.quotaPlaceholder')}
          disabled={disabled}
          aria-invalid={errors.quota ? true : undefined}
          data-testid={id('quota')}
        />
        <FieldError message={errors.quota} testId={id('quota-error')} />
      </label>
      <label className="stacked">
        {t('limits.resets')}
        <select value={draft.reset} onChange={(event) => set({ reset: event.target.value as DataLimitReset })} disabled={disabled} data-testid={id('reset')}>
          {DATA_LIMIT_RESETS.map((reset) => (
            <option key={reset} value={reset}>
              {resetLabel(reset)}
            </option>
          ))}
        </select>
      </label>
      <div className="stacked key-expiry-field">
        <label htmlFor={id('expiry')}>{t('limits.expiresOn')}</label>
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
          <button type="button" className="small-button" onClick={() => set({ expiryDay: dayPlusDays(draft.expiryDay, PLUS_DAYS, Date.now()) })} disabled={disabled} data-testid={id('plus-30')}>
            {t('limits.plusDays', { count: PLUS_DAYS })}
          </button>
          <button type="button" className="small-button" onClick={() => set({ expiryDay: '' })} disabled={disabled || draft.expiryDay === ''} data-testid={id('never')}>
            {t('limits.never')}
          </button>
        </div>
        <span className="muted small" data-testid={id('expiry-shown')}>
          {draft.expiryDay === ''
            ? t('limits.neverExpires')
            : currentExpiresAt && currentExpiresAt.startsWith(draft.expiryDay)
              ? t('limits.expiryKept', { time: formatUtcTime(currentExpiresAt) })
              : t('limits.expiryDay', { day: formatDay(draft.expiryDay) })}
        </span>
        <FieldError message={errors.expiryDay} testId={id('expiry-error')} />
      </div>
      <label className="stacked key-note-field">
        {t('limits.note')}
        <textarea
          value={draft.note}
          onChange={(event) => set({ note: event.target.value })}
          rows={2}
          placeholder={t('limits.notePlaceholder', { max: KEY_NOTE_MAX_CHARACTERS })}
          disabled={disabled}
          aria-invalid={errors.note ? true : undefined}
          data-testid={id('note')}
        />
        <FieldError message={errors.note} testId={id('note-error')} />
      </label>
    </div>
  );
}
