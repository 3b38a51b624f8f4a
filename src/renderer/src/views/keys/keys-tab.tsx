import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { CsvButton } from '../../components/csv-button.tsx';
import { ErrorWithAction } from '../../components/error-with-action.tsx';
import { InlineError } from '../../components/inline-error.tsx';
import { OfflineBanner } from '../../components/offline-banner.tsx';
import type { SortOrder } from '../../components/sort-header.tsx';
import { Spinner } from '../../components/spinner.tsx';
import { useTranslation } from 'react-i18next';
import { formatDay, formatMonth, formatUtcTime } from '../../format/format-time.ts';
import { measuredAt } from '../../format/measured-at.ts';
import { currentYearMonth, formatYearMonth, utcToday } from '../../format/utc-dates.ts';
import { useVisibleInterval } from '../../hooks/use-visible-interval.ts';
import { useServerCondition, useWhenServerReturns } from '../../hooks/use-server-condition.ts';
import { activeKeyCaveat, changeBlockedWhy } from '../../format/server-condition-words.ts';
import { createKeyOperation, removeKeyOperation, selectKeyList, selectLive, toggleKeyOperation, useKeysStore } from '../../state/keys-store.ts';
import { useNavigationStore } from '../../state/navigation-store.ts';
import { clearFailures, useOperation } from '../../state/operations-store.ts';
import { isReachFailure } from '../../state/server-condition.ts';
import { selectDayByKey, selectMonthly, useTrafficStore } from '../../state/traffic-store.ts';
import { selectServer, selectSummary, useFleetStore } from '../../state/fleet-store.ts';
import { CreateKeyForm } from './create-key-form.tsx';
import { CreateManyDialog } from './create-many-dialog.tsx';
import { filterKeyRows, joinKeyRows, KEY_FILTERS, keysWithLimits, sortKeyRows, type KeyColumn, type KeyFilter } from './key-rows.ts';
import { keysCsv } from './keys-csv.ts';
import { KeysTable } from './keys-table.tsx';

const LIVE_REFRESH_MS = 5_000;
/**
 * A live refresh waits until the table has been still this long: fetching and joining 10,000 keys'
 * rates mid-scroll costs frames (on a 2-core machine, a dropped frame or three per refresh).
 */
const SCROLL_QUIET_MS = 1_000;
/** Today's and this month's bytes per key; and the minute that expiries are judged at. */
const USAGE_REFRESH_MS = 60_000;

/** A server's keys with their limits and traffic: search, filter, sort, create, enable or disable, delete. */
export function KeysTab({ serverId }: { serverId: string }) {
  const { t, i18n } = useTranslation();
  const [month] = useState(currentYearMonth);
  const list = useKeysStore(selectKeyList(serverId));
  const live = useKeysStore(selectLive(serverId));
  const monthly = useTrafficStore(selectMonthly(serverId, month));
  const [today, setToday] = useState(utcToday);
  const dayByKey = useTrafficStore(selectDayByKey(serverId, today));
  const { loadKeys, loadLive, setActive, removeKey } = useKeysStore.getState();
  const { loadMonthly, loadDayByKey } = useTrafficStore.getState();
  const openKey = useNavigationStore((state) => state.openKey);

  const [search, setSearch] = useState('');
  const deferredSearch = useDeferredValue(search);
  const [filter, setFilter] = useState<KeyFilter>('all');
  const [nowMs, setNowMs] = useState(Date.now);
  const [order, setOrder] = useState<SortOrder<KeyColumn>>({ column: 'port', descending: false });
  const [deletingKeyId, setDeletingKeyId] = useState<string | null>(null);
  const [creatingMany, setCreatingMany] = useState(false);
  const serverName = useFleetStore(selectServer(serverId))?.name ?? serverId;
  const summary = useFleetStore(selectSummary(serverId))?.value;
  const loadSummary = useFleetStore((state) => state.loadSummary);
  const [lastToggledKeyId, setLastToggledKeyId] = useState('');
  const toggle = useOperation(toggleKeyOperation(lastToggledKeyId));
  const condition = useServerCondition(serverId);
  // Told in words: told again in another language.
  const blockedWhy = useMemo(() => changeBlockedWhy(condition, serverName), [condition, serverName, i18n.language]);
  const keyCaveat = useMemo(() => activeKeyCaveat(condition), [condition, i18n.language]);

  useEffect(() => {
    void loadKeys(serverId);
    void loadMonthly(serverId, month);
  }, [loadKeys, loadMonthly, serverId, month]);
  useEffect(() => {
    void loadDayByKey(serverId, today);
    // Its last sample says when Today and This month were measured.
    void loadSummary(serverId);
  }, [loadDayByKey, loadSummary, serverId, today]);
  // Back from offline: what shows from the cache, or could not show, is read from the server again.
  useWhenServerReturns(serverId, () => {
    // A change refused while it was out of reach is no failure to keep showing once it answers.
    const keyChanges = (useKeysStore.getState().lists[serverId]?.value?.data ?? []).flatMap((key) => [toggleKeyOperation(key.id), removeKeyOperation(key.id)]);
    const ids = new Set([createKeyOperation(serverId), ...keyChanges]);
    clearFailures((id) => ids.has(id), isReachFailure);
    void loadKeys(serverId);
    void loadMonthly(serverId, month);
    void loadDayByKey(serverId, today);
    void loadSummary(serverId);
  });
  const lastScrollAt = useRef(Number.NEGATIVE_INFINITY);
  const onScroll = useCallback(() => {
    lastScrollAt.current = performance.now();
  }, []);
  useVisibleInterval(() => {
    if (performance.now() - lastScrollAt.current < SCROLL_QUIET_MS) return;
    if (!useKeysStore.getState().live[serverId]?.loading) void loadLive(serverId);
  }, LIVE_REFRESH_MS);
  useVisibleInterval(() => {
    setNowMs(Date.now());
    void loadMonthly(serverId, month);
    // A new UTC day is a new "Today": changing the date loads it.
    const now = utcToday();
    if (now !== today) setToday(now);
    else {
      void loadDayByKey(serverId, today);
      void loadSummary(serverId);
    }
  }, USAGE_REFRESH_MS);

  const keys = list?.value?.data;
  // A cached rate is an old "now": rates show only when they are fresh.
  const liveNow = live?.value?.source === 'live' ? live.value.data : undefined;
  // Judged once per key list and minute; live refreshes every few seconds only join traffic to them.
  const withLimits = useMemo(() => keysWithLimits(keys ?? [], nowMs), [keys, nowMs, i18n.language]);
  const joined = useMemo(
    () => joinKeyRows(withLimits, liveNow, monthly?.value?.data, dayByKey?.value?.data),
    [withLimits, liveNow, monthly?.value, dayByKey?.value],
  );
  const filtered = useMemo(() => filterKeyRows(joined, deferredSearch, filter), [joined, deferredSearch, filter]);
  const statusCounts = useMemo(() => {
    const counts = { active: 0, disabled: 0, limited: 0, expired: 0 };
    for (const { limits } of withLimits) counts[limits.status] += 1;
    return counts;
  }, [withLimits]);
  const rows = useMemo(() => sortKeyRows(filtered, order), [filtered, order]);

  const onOpen = useCallback((keyId: string) => openKey(serverId, keyId), [openKey, serverId]);
  const onToggle = useCallback(
    (keyId: string, active: boolean) => {
      setLastToggledKeyId(keyId);
      void setActive(serverId, keyId, active);
    },
    [serverId, setActive],
  );
  const deletingKey = keys?.find((key) => key.id === deletingKeyId);

  if (!keys) {
    return list?.error ? <ErrorWithAction failure={list} serverId={serverId} onRetry={() => void loadKeys(serverId)} testId="keys-error" /> : <Spinner label={t('keys.loading')} />;
  }

  return (
    <div className="keys-tab" data-testid="keys-tab" data-server-state={condition.state}>
      <OfflineBanner reads={[list?.value, live?.value, monthly?.value, dayByKey?.value]} />
      <div className="toolbar">
        <input
          type="search"
          className="search"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
          placeholder={t('keys.search')}
          aria-label={t('keys.searchLabel')}
          data-testid="key-search"
        />
        <select value={filter} onChange={(event) => setFilter(event.target.value as KeyFilter)} aria-label={t('keys.filterLabel')} data-testid="key-filter">
          {KEY_FILTERS.map((choice) => (
            <option key={choice} value={choice}>
              {t(`keys.filter.${choice}`)}
            </option>
          ))}
        </select>
        <span className="muted" data-testid="keys-count">
          {[
            t('counts.keys', { count: keys.length }),
            t('keys.active', { count: statusCounts.active }),
            statusCounts.limited > 0 && t('keys.limited', { count: statusCounts.limited }),
            statusCounts.expired > 0 && t('keys.expired', { count: statusCounts.expired }),
            (deferredSearch.trim() || filter !== 'all') && t('keys.shown', { count: rows.length }),
          ]
            .filter(Boolean)
            .join(' · ')}
        </span>
        {(list?.loading || live?.loading) && <Spinner />}
        <div className="toolbar-end">
          <CreateKeyForm serverId={serverId} blockedWhy={blockedWhy} />
          <button type="button" onClick={() => setCreatingMany(true)} disabled={blockedWhy !== null} title={blockedWhy ?? undefined} data-testid="create-many-open">
            {t('keys.createMany')}
          </button>
        </div>
      </div>
      <ErrorWithAction failure={list} serverId={serverId} onRetry={() => void loadKeys(serverId)} testId="keys-error" />
      <ErrorWithAction failure={live} serverId={serverId} onRetry={() => void loadLive(serverId)} prefix={t('keys.liveTraffic')} testId="live-error" unreachable="hidden" />
      <InlineError message={blockedWhy !== null && isReachFailure(toggle.errorCode) ? null : toggle.error} testId="key-toggle-error" />
      <KeysTable
        rows={rows}
        order={order}
        onSort={setOrder}
        onOpen={onOpen}
        onToggle={onToggle}
        onDelete={setDeletingKeyId}
        onScroll={onScroll}
        blockedWhy={blockedWhy}
        activeCaveat={keyCaveat}
        emptyText={keys.length === 0 ? t('keys.noKeys') : t('keys.noMatch')}
      />
      <div className="panel-actions">
        <CsvButton fileName={`${serverName}-keys-${today}`} table={() => keysCsv(rows, { today, month: formatYearMonth(month) })} testId="keys-csv" />
        {summary && (
          <span className="muted small" data-testid="keys-usage-as-of">
            {t('keys.column.usageAsOf', { day: formatDay(today), month: formatMonth(formatYearMonth(month)), time: formatUtcTime(measuredAt(summary)) })}
          </span>
        )}
      </div>
      {creatingMany && <CreateManyDialog serverId={serverId} serverName={serverName} onClose={() => setCreatingMany(false)} />}
      {deletingKeyId && (
        <ConfirmDialog
          title={t('key.deleteTitle', { name: deletingKey?.name ?? t('keys.thisKey') })}
          confirmLabel={t('key.delete')}
          operationId={removeKeyOperation(deletingKeyId)}
          onConfirm={() => removeKey(serverId, deletingKeyId)}
          onClose={() => setDeletingKeyId(null)}
        >
          <p>{t('key.deleteText', { port: deletingKey?.port ?? '' })}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
