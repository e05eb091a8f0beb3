/**
 * Cursor paging over lists whose sort key never changes.
 *
 * The order listing sorts by creation sequence, newest first: an immutable key, unlike
 * `last_updated`. A cursor is the (opaque, base64url) position of the boundary item, and the next
 * page is "items strictly beyond that position that still match the filters". So an order that is
 * updated between two pages keeps its place and is seen exactly once; an order created while a
 * client pages lands before the first page (the next poll finds it through `updated_after`); an
 * order that stops matching a filter (e.g. acknowledged while listing `state=CREATED`) is simply
 * not returned by later pages, which is what the filter asks for.
 */
import { invalidParameter } from './errors.js';

const CURSOR_VERSION = 'sbx1';

export function encodeCursor(scope: string, position: number): string {
  return Buffer.from(`${CURSOR_VERSION}|${scope}|${position}`, 'utf8').toString('base64url');
}

export function decodeCursor(scope: string, cursor: string): number {
  const text = /^[A-Za-z0-9_-]{1,200}={0,2}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const [version, cursorScope, position] = text.split('|');
  const value = Number(position);
  if (version !== CURSOR_VERSION || cursorScope !== scope || position === undefined || !Number.isSafeInteger(value)) {
    throw invalidParameter('Invalid cursor: use the before/after values from a previous response of the same edge');
  }
  return value;
}

/** A list in display order whose positions strictly increase with the index. */
export interface OrderedList<T> {
  length: number;
  at(index: number): T;
  position(item: T): number;
}

export interface PageWindow {
  limit: number;
  afterPosition?: number | undefined;
  beforePosition?: number | undefined;
}

export interface Page<T> {
  items: T[];
  hasNext: boolean;
  hasPrevious: boolean;
}

/** Smallest index whose position is > p (list.length when none). */
function firstIndexAbove<T>(list: OrderedList<T>, p: number): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (list.position(list.at(mid)) > p) high = mid;
    else low = mid + 1;
  }
  return low;
}

/** Largest index whose position is < p (-1 when none). */
function lastIndexBelow<T>(list: OrderedList<T>, p: number): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (list.position(list.at(mid)) < p) low = mid + 1;
    else high = mid;
  }
  return low - 1;
}

function anyMatch<T>(list: OrderedList<T>, from: number, step: 1 | -1, include: (item: T) => boolean): boolean {
  for (let i = from; i >= 0 && i < list.length; i += step) if (include(list.at(i))) return true;
  return false;
}

export function paginate<T>(
  list: OrderedList<T>,
  window: PageWindow,
  include: (item: T) => boolean = () => true,
): Page<T> {
  const { limit } = window;
  if (window.beforePosition !== undefined && window.afterPosition === undefined) {
    const indexes: number[] = [];
    for (let i = lastIndexBelow(list, window.beforePosition); i >= 0 && indexes.length <= limit; i -= 1) {
      if (include(list.at(i))) indexes.push(i);
    }
    const hasPrevious = indexes.length > limit;
    const kept = indexes.slice(0, limit).reverse();
    const after = kept.length > 0 ? kept[kept.length - 1]! + 1 : lastIndexBelow(list, window.beforePosition) + 1;
    return { items: kept.map((i) => list.at(i)), hasPrevious, hasNext: anyMatch(list, after, 1, include) };
  }
  const start = window.afterPosition === undefined ? 0 : firstIndexAbove(list, window.afterPosition);
  const indexes: number[] = [];
  for (let i = start; i < list.length && indexes.length <= limit; i += 1) {
    if (include(list.at(i))) indexes.push(i);
  }
  const hasNext = indexes.length > limit;
  const kept = indexes.slice(0, limit);
  const hasPrevious = window.afterPosition !== undefined && anyMatch(list, start - 1, -1, include);
  return { items: kept.map((i) => list.at(i)), hasNext, hasPrevious };
}

/** Indexes 0..length-1 of an array, for paging arrays that only ever grow at the end. */
export function indexList(length: number): OrderedList<number> {
  return { length, at: (i) => i, position: (i) => i };
}
