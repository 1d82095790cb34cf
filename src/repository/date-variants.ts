/**
 * Dates of birth as they get mistyped: day and month swapped, or one digit wrong. A search looks for the date as
 * given and each of these variants, and says which one matched.
 */
import { isRealDate } from '../ctf/dates.js';

export type DateMatch = 'same' | 'day-month-swapped' | 'one-digit';

/** `YYYY-MM-DD` with day and month swapped, when that is a different real date. */
export function swappedDayMonth(date: string): string | null {
  const [y, m, d] = date.split('-');
  if (!y || !m || !d || m === d) return null;
  const swapped = `${y}-${d}-${m}`;
  return isRealDate(swapped) ? swapped : null;
}

/** Every real date that differs from `date` in exactly one digit, years limited to `[minYear, maxYear]`. */
export function oneDigitVariants(date: string, minYear: number, maxYear: number): string[] {
  const digits = date.replace(/-/g, '');
  const out: string[] = [];
  for (let i = 0; i < digits.length; i++) {
    for (let c = 0; c <= 9; c++) {
      if (String(c) === digits[i]) continue;
      const changed = digits.slice(0, i) + String(c) + digits.slice(i + 1);
      const candidate = `${changed.slice(0, 4)}-${changed.slice(4, 6)}-${changed.slice(6)}`;
      const year = Number(changed.slice(0, 4));
      if (year >= minYear && year <= maxYear && isRealDate(candidate)) out.push(candidate);
    }
  }
  return out;
}

/** How a record's date of birth relates to the one searched for, or null when it is neither the same nor a slip. */
export function compareDates(searched: string, recorded: string): DateMatch | null {
  if (searched === recorded) return 'same';
  if (swappedDayMonth(searched) === recorded) return 'day-month-swapped';
  if (searched.length === recorded.length) {
    let differences = 0;
    for (let i = 0; i < searched.length; i++) if (searched[i] !== recorded[i]) differences++;
    if (differences === 1) return 'one-digit';
  }
  return null;
}
