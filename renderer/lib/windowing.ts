// Which rows of a long list to draw: only those in view (plus a few either side), so the
// ledger grid stays quick with a million entries loaded page by page.

export interface RowWindow {
  first: number;
  last: number;
  /** Space above and below the drawn rows, so the scrollbar matches the whole list. */
  padTop: number;
  padBottom: number;
}

export function rowWindow(o: {
  scrollTop: number;
  viewHeight: number;
  rowHeight: number;
  count: number;
  overscan?: number;
}): RowWindow {
  const overscan = o.overscan ?? 8;
  if (o.count === 0) return { first: 0, last: -1, padTop: 0, padBottom: 0 };
  const first = Math.max(0, Math.floor(o.scrollTop / o.rowHeight) - overscan);
  const last = Math.min(
    o.count - 1,
    Math.ceil((o.scrollTop + o.viewHeight) / o.rowHeight) + overscan,
  );
  return {
    first,
    last,
    padTop: first * o.rowHeight,
    padBottom: (o.count - 1 - last) * o.rowHeight,
  };
}

/** True when the view is within `pages` screens of the end: time to load the next page. */
export const nearEnd = (o: {
  scrollTop: number;
  viewHeight: number;
  rowHeight: number;
  count: number;
}) => o.scrollTop + o.viewHeight * 3 >= o.count * o.rowHeight;
