/** GOV.UK date inputs post a day, a month and a year; services take one `YYYY-MM-DD`. */
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
