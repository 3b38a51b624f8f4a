/** Work under way; `label` says what, for screen readers and for the admin beside it. */
export function Spinner({ label }: { label?: string }) {
  return (
    <span className="spinner-line" role="status">
      <span className="spinner" aria-hidden="true" />
      {label && <span>{label}</span>}
    </span>
  );
}
