/** A figure with its label, in a row of such cards. */
export function StatCard({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="stat-card" data-testid={testId}>
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
    </div>
  );
}
