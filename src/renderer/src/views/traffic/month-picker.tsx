import { useTranslation } from 'react-i18next';
import type { YearMonth } from '../../../../shared/contract/services.ts';
import { currentYearMonth, formatYearMonth, parseYearMonth, shiftMonth } from '../../format/utc-dates.ts';

/** A month to look at, up to the current one (UTC, as the agent counts). */
export function MonthPicker({ month, onChange }: { month: YearMonth; onChange: (month: YearMonth) => void }) {
  const { t } = useTranslation();
  const latest = formatYearMonth(currentYearMonth());
  const shown = formatYearMonth(month);
  return (
    <div className="month-picker">
      <button type="button" onClick={() => onChange(shiftMonth(month, -1))} aria-label={t('traffic.previousMonth')} data-testid="traffic-month-previous">
        ‹
      </button>
      <input
        type="month"
        value={shown}
        max={latest}
        aria-label={t('traffic.month')}
        data-testid="traffic-month"
        onChange={(event) => {
          const picked = parseYearMonth(event.target.value);
          if (picked && formatYearMonth(picked) <= latest) onChange(picked);
        }}
      />
      <button
        type="button"
        onClick={() => onChange(shiftMonth(month, 1))}
        disabled={shown >= latest}
        aria-label={t('traffic.nextMonth')}
        data-testid="traffic-month-next"
      >
        ›
      </button>
    </div>
  );
}
