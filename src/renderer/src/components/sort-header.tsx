/** Which column a table is sorted by, and which way. */
export interface SortOrder<C extends string> {
  column: C;
  descending: boolean;
}

interface SortHeaderProps<C extends string> {
  column: C;
  label: string;
  order: SortOrder<C>;
  onSort: (order: SortOrder<C>) => void;
  /** Numbers read best biggest first; names A to Z. */
  firstDescending?: boolean;
  className?: string;
  /** Said on hover where the label is too short to say it (that a day is UTC). */
  title?: string;
}

/** A column header that sorts by its column, and turns the order round when clicked again. */
export function SortHeader<C extends string>({ column, label, order, onSort, firstDescending = false, className, title }: SortHeaderProps<C>) {
  const active = order.column === column;
  return (
    <div role="columnheader" className={className} aria-sort={active ? (order.descending ? 'descending' : 'ascending') : 'none'}>
      <button
        type="button"
        className="sort-button"
        title={title}
        data-testid={`sort-${column}`}
        onClick={() => onSort({ column, descending: active ? !order.descending : firstDescending })}
      >
        {label}
        <span className="sort-mark" aria-hidden="true">
          {active ? (order.descending ? '▼' : '▲') : ''}
        </span>
      </button>
    </div>
  );
}
