import { memo, useMemo } from 'react';
import type { PortsInUse } from '../../../../shared/contract/api-types.ts';
import { StatCard } from '../../components/stat-card.tsx';
import { VirtualRows } from '../../components/virtual-rows.tsx';

type Assignment = PortsInUse['assignments'][number];

const AssignmentRow = memo(function AssignmentRow({ assignment }: { assignment: Assignment }) {
  return (
    <div role="row" className="ports-row" data-testid={`port-row-${assignment.port}`}>
      <div role="cell" className="number">{assignment.port}</div>
      <div role="cell" className="cell-name">{assignment.key_name}</div>
      <div role="cell">{assignment.is_active ? 'active' : 'disabled'}</div>
      <div role="cell" className="muted mono">{assignment.key_id}</div>
    </div>
  );
});

/** The key port range, how full it is, and which key has which port. */
export function PortsPanel({ ports }: { ports: PortsInUse }) {
  const assignments = useMemo(() => [...ports.assignments].sort((a, b) => a.port - b.port), [ports.assignments]);
  const header = (
    <div role="row" className="ports-row ports-header">
      <div role="columnheader" className="number">Port</div>
      <div role="columnheader">Key</div>
      <div role="columnheader">State</div>
      <div role="columnheader">Key id</div>
    </div>
  );
  return (
    <section className="panel ports-panel" data-testid="ports-panel">
      <h2>Ports</h2>
      <div className="stat-cards">
        <StatCard label="Range" value={`${ports.range.from}–${ports.range.to}`} testId="ports-range" />
        <StatCard label="In use" value={ports.used_ports.toLocaleString()} testId="ports-used" />
        <StatCard label="Free" value={ports.free_ports.toLocaleString()} testId="ports-free" />
      </div>
      <VirtualRows
        items={assignments}
        rowHeight={30}
        rowKey={(assignment) => String(assignment.port)}
        header={header}
        testId="ports-table"
        className="ports-table"
        empty={<p className="muted">No port is assigned yet.</p>}
        renderRow={(assignment) => <AssignmentRow assignment={assignment} />}
      />
    </section>
  );
}
