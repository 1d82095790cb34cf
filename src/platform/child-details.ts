/**
 * The details that say which child a form or API body is about — surname, first name, date of birth, sex and UPN —
 * as new pupils, leavers, enquiries, CME cases and repository searches all ask for them: the rules each is checked
 * by, the zod object, the page's boxes for them, and which box an error about each field links to. The boxes
 * themselves are drawn by `platform/views/child-details.njk`.
 */
import { z } from 'zod';
import { isValidUpn } from '../ctf/upn.js';
import { requiredDate, requiredText, type FieldError } from './validation.js';
import { datesFromParts, text, type Form } from './web/date-parts.js';

/** A person's name as people type it: letters, spaces, hyphens and apostrophes. */
export const nameText = (label: string) =>
  z
    .string()
    .trim()
    .max(100, `${label} must be 100 characters or fewer`)
    .regex(/^[\p{L}\p{M}' ’.-]*$/u, `${label} can only include letters, spaces, hyphens and apostrophes`);

/** A name that must be given: `missing` asks for it, `nameText` checks what was typed. */
export const requiredName = (missing: string, label: string) => requiredText(missing).pipe(nameText(label));

const UPN_PROBLEM = 'Enter a UPN of 13 characters with a correct check letter';

/** An optional UPN, upper-cased, with its check letter checked; empty means not given. */
export const optionalUpn = z
  .string()
  .trim()
  .toUpperCase()
  .transform((v) => (v === '' ? undefined : v))
  .refine((v) => v === undefined || isValidUpn(v), UPN_PROBLEM)
  .optional();

/** A UPN that must be given, upper-cased, with its check letter checked. */
export const requiredUpn = (missing: string) => requiredText(missing).toUpperCase().refine(isValidUpn, UPN_PROBLEM);

/** An optional sex as the CTF records it, M or F; empty means not known. */
export const optionalSex = z
  .string()
  .trim()
  .toUpperCase()
  .transform((v) => (v === '' ? undefined : (v as 'M' | 'F')))
  .refine((v) => v === undefined || v === 'M' || v === 'F', 'Sex must be M or F')
  .optional();

/** Whom the messages ask about: a school's pupil, or a child an LA is looking for. */
export type ChildWord = 'pupil' | 'child';

/**
 * The child's details in a body: both names and the date of birth required, sex and UPN optional. Each capability
 * extends it with its own fields (and makes it strict); a leaver's UPN is required in place of the optional one.
 */
export function childDetailsSchema(who: ChildWord) {
  return z.object({
    surname: requiredName(`Enter the ${who}’s surname`, 'Surname'),
    forename: requiredName(`Enter the ${who}’s first name`, 'First name'),
    dateOfBirth: requiredDate(`Enter the ${who}’s date of birth`, 'Date of birth'),
    sex: optionalSex,
    upn: optionalUpn,
  });
}

type DateBoxes<F extends string> = Record<F, readonly [prefix: string, label: string]>;

const childFields = ['surname', 'forename', 'sex', 'upn'] as const;
const dateOfBirthBoxes = { dateOfBirth: ['dob', 'Date of birth'] } as const;

/** Which box each of the child's fields is; the date of birth's errors link to its day box. */
const childBoxes: Record<string, string> = {
  surname: 'surname',
  forename: 'forename',
  dateOfBirth: 'dob-day',
  sex: 'sex',
  upn: 'upn',
};

export interface ChildForm<F extends string> {
  /** Every box as it was typed, to show the form again. */
  values: Form;
  /** The child's details, named as the API body names them (the date of birth `YYYY-MM-DD`, or empty). */
  child: { surname: string; forename: string; dateOfBirth: string; sex: string; upn: string };
  /** The form's other dates, `YYYY-MM-DD`, or empty when not given or part-filled. */
  dates: Record<F, string>;
  /** A part-filled date's own error, for each such date: see `withDateErrors`. */
  dateErrors: FieldError[];
}

/**
 * Reads a posted form that asks for a child's details, with the form's own `fields` and `dates` (for each API
 * field, its boxes' prefix and its label), taking only the boxes the form has.
 */
export function readChildForm<F extends string = never>(
  form: Form,
  own: { fields?: readonly string[]; dates?: DateBoxes<F> } = {},
): ChildForm<F> {
  const ownDates = own.dates ?? ({} as DateBoxes<F>);
  const boxes: DateBoxes<F | 'dateOfBirth'> = { ...dateOfBirthBoxes, ...ownDates };
  const values: Form = {};
  for (const key of [...childFields, ...(own.fields ?? [])]) values[key] = text(form[key]);
  for (const [prefix] of Object.values<readonly [string, string]>(boxes))
    for (const part of ['day', 'month', 'year']) values[`${prefix}-${part}`] = text(form[`${prefix}-${part}`]);
  const { dates, errors } = datesFromParts(values, boxes);
  const { dateOfBirth, ...others } = dates;
  return {
    values,
    child: {
      surname: values.surname ?? '',
      forename: values.forename ?? '',
      dateOfBirth,
      sex: values.sex ?? '',
      upn: values.upn ?? '',
    },
    dates: others as Record<F, string>,
    dateErrors: errors,
  };
}

/**
 * Links each error to its box for the page's error summary: the child's fields to theirs, the form's own fields
 * through `ids`, and any other to `otherwise` or, without one, to the box named like the field.
 */
export function errorLinks(
  errors: readonly FieldError[],
  { ids = {}, otherwise }: { ids?: Record<string, string>; otherwise?: string } = {},
): { text: string; href: string }[] {
  return errors.map((e) => ({
    text: e.message,
    href: `#${ids[e.field] ?? childBoxes[e.field] ?? otherwise ?? e.field.replace(/\./g, '-')}`,
  }));
}
