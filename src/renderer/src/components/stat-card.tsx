/** A figure with its label, in a row of such cards; `note` says what the figure is of, or as of when. */
export function StatCard({ label, value, note, title, testId }: { label: string; value: string; note?: string | null; title?: string; testId?: string }) {
  return (
    <div className="stat-card" data-testid={testId} title={title}>
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {note && <div className="stat-note">{note}</div>}
    </div>
  );
}
