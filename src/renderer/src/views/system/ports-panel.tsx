import { memo, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { PortsInUse } from '../../../../shared/contract/api-types.ts';
import { StatCard } from '../../components/stat-card.tsx';
import { VirtualRows } from '../../components/virtual-rows.tsx';
import { formatNumber } from '../../format/format-number.ts';

type Assignment = PortsInUse['assignments'][number];

const AssignmentRow = memo(function AssignmentRow({ assignment }: { assignment: Assignment }) {
  const { t } = useTranslation();
  return (
    <div role="row" className="ports-row" data-testid={`port-row-${assignment.port}`}>
      <div role="cell" className="number">{assignment.port}</div>
      <div role="cell" className="cell-name">{assignment.key_name}</div>
      <div role="cell">{assignment.is_active ? t('system.ports.active') : t('system.ports.disabled')}</div>
      <div role="cell" className="muted mono">{assignment.key_id}</div>
    </div>
  );
});

/** The key port range, how full it is, and which key has which port. */
export function PortsPanel({ ports }: { ports: PortsInUse }) {
  const { t } = useTranslation();
  const assignments = useMemo(() => [...ports.assignments].sort((a, b) => a.port - b.port), [ports.assignments]);
  const header = (
    <div role="row" className="ports-row ports-header">
      <div role="columnheader" className="number">{t('system.ports.port')}</div>
      <div role="columnheader">{t('system.ports.key')}</div>
      <div role="columnheader">{t('system.ports.state')}</div>
      <div role="columnheader">{t('system.ports.keyId')}</div>
    </div>
  );
  return (
    <section className="panel ports-panel" data-testid="ports-panel">
      <h2>{t('system.ports.title')}</h2>
      <div className="stat-cards">
        <StatCard label={t('system.ports.range')} value={`${ports.range.from}–${ports.range.to}`} testId="ports-range" />
        <StatCard label={t('system.ports.inUse')} value={formatNumber(ports.used_ports)} testId="ports-used" />
        <StatCard label={t('system.ports.free')} value={formatNumber(ports.free_ports)} testId="ports-free" />
      </div>
      <VirtualRows
        items={assignments}
        rowHeight={30}
        rowKey={(assignment) => String(assignment.port)}
        header={header}
        testId="ports-table"
        className="ports-table"
        empty={<p className="muted">{t('system.ports.none')}</p>}
        renderRow={(assignment) => <AssignmentRow assignment={assignment} />}
      />
    </section>
  );
}
