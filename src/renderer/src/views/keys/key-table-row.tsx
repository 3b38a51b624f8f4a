import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import { formatBytes } from '../../format/format-bytes.ts';
import { formatRate } from '../../format/format-rate.ts';
import { keyStatusLabel } from '../../format/key-limit-words.ts';
import { toggleKeyOperation } from '../../state/keys-store.ts';
import { useOperation } from '../../state/operations-store.ts';
import { NEAR_QUOTA_SHARE, type KeyRow } from './key-rows.ts';

interface KeyTableRowProps {
  row: KeyRow;
  onOpen: (keyId: string) => void;
  onToggle: (keyId: string, active: boolean) => void;
  onDelete: (keyId: string) => void;
  /** Why the key cannot be changed now, or null. */
  blockedWhy: string | null;
  /** Why an active key's link may not work now, or null. */
  activeCaveat: string | null;
}

const quotaTone = (share: number) => (share >= 1 ? 'full' : share > NEAR_QUOTA_SHARE ? 'near' : '');

const bytesOrDash = (bytes: number | undefined) => (bytes === undefined ? '—' : formatBytes(bytes));

/** One key's line; memoised so scrolling and live refreshes redraw only the lines that changed. */
export const KeyTableRow = memo(function KeyTableRow({ row, onOpen, onToggle, onDelete, blockedWhy, activeCaveat }: KeyTableRowProps) {
  const { t } = useTranslation();
  const { key, limits } = row;
  const toggle = useOperation(toggleKeyOperation(key.id));
  // Only a key that should serve is judged by the server's state; a disabled, limited or expired one serves nothing anyway.
  const caveat = limits.status === 'active' ? activeCaveat : null;
  return (
    <div role="row" className={`key-row ${limits.status === 'active' ? '' : 'inactive'}`} data-testid={`key-row-${key.id}`} onClick={() => onOpen(key.id)}>
      <div role="cell" className="cell-name">
        <button type="button" className="link-button" data-testid={`key-open-${key.id}`} title={key.id}>
          {key.name}
        </button>
      </div>
      <div role="cell" className="number">
        {key.port}
      </div>
      <div role="cell">
        <span
          className={`key-status status-${limits.status}${caveat ? ' not-confirmed' : ''}`}
          data-testid={`key-status-${key.id}`}
          data-status={limits.status}
          data-caveat={caveat ? 'true' : undefined}
          title={caveat ?? undefined}
        >
          {keyStatusLabel(limits.status)}
        </span>
      </div>
      <div role="cell">
        {/* The switch and the delete button act on the key; the rest of the row opens it. */}
        <label
          className="switch"
          title={blockedWhy ?? toggle.error ?? (key.is_active ? t('keys.row.disable') : t('keys.row.enable'))}
          onClick={(event) => event.stopPropagation()}
        >
          <input
            type="checkbox"
            role="switch"
            checked={key.is_active}
            disabled={toggle.running || blockedWhy !== null}
            aria-label={t('keys.row.activeLabel', { name: key.name })}
            data-testid={`key-toggle-${key.id}`}
            onChange={(event) => onToggle(key.id, event.target.checked)}
          />
          <span className="switch-label">{toggle.running ? '…' : key.is_active ? t('keys.row.on') : t('keys.row.off')}</span>
        </label>
      </div>
      <div role="cell" className="cell-usage" data-testid={`key-usage-${key.id}`}>
        {limits.usageText === null ? (
          <span className="muted">{t('common.noQuota')}</span>
        ) : (
          <>
            <span
              className={`quota-bar ${quotaTone(limits.quotaShare ?? 0)}`}
              role="meter"
              aria-label={t('keys.row.quotaLabel', { name: key.name })}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={Math.round(Math.min(limits.quotaShare ?? 0, 1) * 100)}
              aria-valuetext={limits.usageText}
            >
              <span className="quota-fill" style={{ width: `${Math.min(limits.quotaShare ?? 0, 1) * 100}%` }} />
            </span>
            <span className="quota-figure">{limits.usageText}</span>
          </>
        )}
      </div>
      <div role="cell" className={limits.status === 'expired' ? 'expiry-past' : limits.expiringSoon ? 'expiry-soon' : 'muted'} data-testid={`key-expiry-${key.id}`}>
        {limits.expiryText}
      </div>
      <div role="cell" className="cell-note" title={key.note || undefined} data-testid={`key-note-${key.id}`}>
        {key.note}
      </div>
      <div role="cell" className="number" title={row.connections === undefined ? undefined : t('keys.row.connectionsNow', { count: row.connections })}>
        {formatRate(row.rateBytesPerSecond)}
      </div>
      <div role="cell" className="number" data-testid={`key-today-${key.id}`}>
        {bytesOrDash(row.todayBytes)}
      </div>
      <div role="cell" className="number">
        {bytesOrDash(row.monthBytes)}
      </div>
      <div role="cell" className="cell-actions">
        <button
          type="button"
          className="danger-outline small-button"
          disabled={blockedWhy !== null}
          title={blockedWhy ?? undefined}
          data-testid={`key-delete-${key.id}`}
          onClick={(event) => {
            event.stopPropagation();
            onDelete(key.id);
          }}
        >
          {t('keys.row.delete')}
        </button>
      </div>
    </div>
  );
});
