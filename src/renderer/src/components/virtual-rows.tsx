import { Fragment, useLayoutEffect, useRef, useState, type ReactNode } from 'react';

interface VirtualRowsProps<T> {
  items: readonly T[];
  /** Every row has this height in px; the CSS gives rows the same. */
  rowHeight: number;
  rowKey: (item: T) => string;
  renderRow: (item: T, index: number) => ReactNode;
  /** Column headers, kept in view above the rows. */
  header: ReactNode;
  testId: string;
  className?: string;
  /** Rows rendered beyond each edge of the viewport, so fast scrolling shows no blank band. */
  overscan?: number;
  /** Called on every scroll event. */
  onScroll?: () => void;
  empty?: ReactNode;
}

/**
 * A table body that renders only the rows in view (plus a few), so ten thousand keys cost the
 * DOM and React no more than forty: one spacer as tall as all the rows, and the visible slice
 * moved into place inside it.
 */
export function VirtualRows<T>({ items, rowHeight, rowKey, renderRow, header, testId, className, overscan = 8, onScroll, empty }: VirtualRowsProps<T>) {
  const scroller = useRef<HTMLDivElement>(null);
  const headerBox = useRef<HTMLDivElement>(null);
  const [firstInView, setFirstInView] = useState(0);
  const [rowsInView, setRowsInView] = useState(30);

  const measure = () => {
    const element = scroller.current;
    if (!element) return;
    const headerHeight = headerBox.current?.offsetHeight ?? 0;
    setFirstInView(Math.max(0, Math.floor((element.scrollTop - headerHeight) / rowHeight)));
    setRowsInView(Math.max(1, Math.ceil((element.clientHeight - headerHeight) / rowHeight) + 1));
  };

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [rowHeight]);

  const total = items.length;
  const lastInView = Math.min(total, firstInView + rowsInView);
  const first = Math.max(0, Math.min(firstInView, total) - overscan);
  const last = Math.min(total, lastInView + overscan);

  const rows: ReactNode[] = [];
  for (let index = first; index < last; index += 1) {
    const item = items[index] as T;
    rows.push(<Fragment key={rowKey(item)}>{renderRow(item, index)}</Fragment>);
  }

  return (
    <div
      ref={scroller}
      className={`virtual-rows ${className ?? ''}`}
      role="table"
      data-testid={testId}
      data-rendered-rows={last - first}
      data-total-rows={total}
      onScroll={() => {
        measure();
        onScroll?.();
      }}
      style={{ ['--row-height' as string]: `${rowHeight}px` }}
    >
      <div ref={headerBox} className="virtual-header" role="rowgroup">
        {header}
      </div>
      {total === 0 && empty ? (
        <div className="virtual-empty">{empty}</div>
      ) : (
        <div className="virtual-body" role="rowgroup" style={{ height: total * rowHeight }}>
          <div className="virtual-slice" style={{ transform: `translateY(${first * rowHeight}px)` }}>
            {rows}
          </div>
        </div>
      )}
    </div>
  );
}
