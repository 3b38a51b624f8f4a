import { memo } from 'react';
import { formatBytes } from '../../../../shared/agent-api.ts';
import { formatRate } from '../../format/format-rate.ts';
import { toggleKeyOperation } from '../../state/keys-store.ts';
import { useOperation } from '../../state/operations-store.ts';
import type { KeyRow } from './key-rows.ts';

interface KeyTableRowProps {
  row: KeyRow;
  onOpen: (keyId: string) => void;
  onToggle: (keyId: string, active: boolean) => void;
  onDelete: (keyId: string) => void;
}

const bytesOrDash = (bytes: number | undefined) => (bytes === undefined ? '—' : formatBytes(bytes));

/** One key's line; memoised so scrolling and live refreshes redraw only the lines that changed. */
export const KeyTableRow = memo(function KeyTableRow({ row, onOpen, onToggle, onDelete }: KeyTableRowProps) {
  const { key } = row;
  const toggle = useOperation(toggleKeyOperation(key.id));
  return (
    <div role="row" className={`key-row ${key.is_active ? '' : 'inactive'}`} data-testid={`key-row-${key.id}`} onClick={() => onOpen(key.id)}>
      <div role="cell" className="cell-name">
        <button type="button" className="link-button" data-testid={`key-open-${key.id}`} title={key.id}>
          {key.name}
        </button>
      </div>
      <div role="cell" className="number">
        {key.port}
      </div>
      <div role="cell">
        {/* The switch and the delete button act on the key; the rest of the row opens it. */}
        <label
          className="switch"
          title={toggle.error ?? (key.is_active ? 'Disable this key' : 'Enable this key')}
          onClick={(event) => event.stopPropagation()}
        >
          <input
            type="checkbox"
            role="switch"
            checked={key.is_active}
            disabled={toggle.running}
            aria-label={`${key.name} active`}
            data-testid={`key-toggle-${key.id}`}
            onChange={(event) => onToggle(key.id, event.target.checked)}
          />
          <span className="switch-label">{toggle.running ? '…' : key.is_active ? 'On' : 'Off'}</span>
        </label>
      </div>
      <div role="cell" className="number" title={row.connections === undefined ? undefined : `${row.connections} connections now`}>
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
          data-testid={`key-delete-${key.id}`}
          onClick={(event) => {
            event.stopPropagation();
            onDelete(key.id);
          }}
        >
          Delete
        </button>
      </div>
    </div>
  );
});
