/** GOV.UK date inputs post a day, a month and a year; services take one `YYYY-MM-DD`. */
import type { FieldError } from '../validation.js';

export type Form = Record<string, string | undefined>;

export function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** The date from the `<prefix>-day`, `-month` and `-year` boxes, or an error when it is part-filled. */
export function dateFromParts(form: Form, prefix: string, label: string): { value: string; error?: string } {
  const day = text(form[`${prefix}-day`]).trim();
  const month = text(form[`${prefix}-month`]).trim();
  const year = text(form[`${prefix}-year`]).trim();
  if (day === '' && month === '' && year === '') return { value: '' };
  if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year)) {
    return { value: '', error: `${label} must include a day, month and year, like 27 3 2016` };
  }
  return { value: `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}` };
}

/**
 * Reads several date inputs at once: for each field, its `[prefix, label]`. Gives each field's date (empty when
 * not given or part-filled) and an error for each part-filled one.
 */
export function datesFromParts<F extends string>(
  form: Form,
  dates: Record<F, readonly [prefix: string, label: string]>,
): { dates: Record<F, string>; errors: FieldError[] } {
  const values = {} as Record<F, string>;
  const errors: FieldError[] = [];
  for (const field of Object.keys(dates) as F[]) {
    const [prefix, label] = dates[field];
    const parsed = dateFromParts(form, prefix, label);
    values[field] = parsed.value;
    if (parsed.error) errors.push({ field, message: parsed.error });
  }
  return { dates: values, errors };
}

/** A service's errors, with a part-filled date's own error in place of whatever the service said of that field. */
export function withDateErrors<E extends FieldError>(errors: readonly E[], dateErrors: readonly E[]): E[] {
  return [...errors.filter((e) => !dateErrors.some((d) => d.field === e.field)), ...dateErrors];
}
