/**
 * What every form and API body is checked with: a field's problem in words, zod's issues turned into those, and
 * the text and date rules most fields share.
 */
import { z } from 'zod';
import { isRealDate } from '../ctf/dates.js';

export interface FieldError {
  field: string;
  message: string;
}

/** A form's or body's problems, one per field, in words; `knownFields` tells a caller who sent an unknown field. */
export function fieldErrors(error: z.ZodError, knownFields: string): FieldError[] {
  return error.issues.map((issue) => ({
    field:
      issue.path.length > 0
        ? issue.path.join('.')
        : issue.code === 'unrecognized_keys'
          ? issue.keys.join(', ')
          : 'body',
    message:
      issue.code === 'unrecognized_keys'
        ? `Unknown field: ${issue.keys.join(', ')}. ${knownFields}`
        : issue.code === 'invalid_type'
          ? `${issue.path.join('.') || 'The body'} must be ${issue.expected === 'object' ? 'a JSON object' : 'text'}`
          : issue.message,
  }));
}

/**
 * Text that must be given: a missing field and an empty one get the same plain request, and nothing else is said
 * about an empty field (later checks stop there).
 */
export const requiredText = (missing: string, max = 500) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? missing : 'must be text') })
    .trim()
    .min(1, { message: missing, abort: true })
    .max(max, `must be ${max} characters or fewer`);

/** A date that must be given, written YYYY-MM-DD, and real. */
export const requiredDate = (missing: string, label: string) =>
  requiredText(missing).refine(isRealDate, `${label} must be a real date written YYYY-MM-DD`);

/** Text that may be left empty, meaning not given; given, it must pass `check` or be refused with `message`. */
export const optionalText = (check: (value: string) => boolean = () => true, message = '') =>
  z
    .string()
    .trim()
    .transform((v) => (v === '' ? undefined : v))
    .refine((v) => v === undefined || check(v), message)
    .optional();

/** An optional LAEstab: seven digits; `message` says which school's number it must be. */
export const optionalLaestab = (message: string) => optionalText((v) => /^[0-9]{7}$/.test(v), message);
