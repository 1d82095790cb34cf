/**
 * A new pupil's details read from the CTF they brought (emailed, on a memory stick, downloaded from another
 * system), to fill in the registration form for the school to check: names, date of birth, sex, UPN, and the
 * previous school from the file's source. Nothing is registered or kept until the school sends the form.
 */
import { z } from 'zod';
import type { CtfHeader } from '../ctf/index.js';
import type { CtfPupilRead } from '../platform/ctf-upload.js';
import type { User } from '../platform/user.js';
import type { Form } from '../platform/web/date-parts.js';

/** Pupils a school may choose from in one file; a larger file is a year group, not a family's paperwork. */
export const MAX_PUPILS_TO_CHOOSE = 100;

/** The previous school the file names: its source, when that is a school other than this one. */
export function previousSchoolOf(header: CtfHeader, user: User): string {
  const source = header.source.laestab ?? '';
  return /^[0-9]{7}$/.test(source) && source !== user.orgCode ? source : '';
}

/** The registration form's boxes, filled in from one pupil of the file. */
export function registrationValues(pupil: CtfPupilRead, previousLAEstab: string): Form {
  const [year = '', month = '', day = ''] = pupil.dateOfBirth.split('-');
  return {
    surname: pupil.surname,
    forename: pupil.forename,
    'dob-day': String(Number(day) || day),
    'dob-month': String(Number(month) || month),
    'dob-year': year,
    sex: pupil.sex ?? '',
    upn: pupil.upn,
    previousLAEstab,
    'joined-day': '',
    'joined-month': '',
    'joined-year': '',
  };
}

const choiceSchema = z.object({
  pupil: z.object({
    surname: z.string().max(100),
    forename: z.string().max(100),
    dateOfBirth: z.string().max(10),
    sex: z.enum(['M', 'F']).nullable(),
    upn: z.string().max(13),
  }),
  previousLAEstab: z.string().max(7),
});

/**
 * One pupil of the file as a radio button's value, so the choice page needs nothing kept between requests. It only
 * fills in a form the school checks and may change, so it carries no more authority than typing would.
 */
export function choiceValue(pupil: CtfPupilRead, previousLAEstab: string): string {
  return Buffer.from(JSON.stringify({ pupil, previousLAEstab })).toString('base64url');
}

function readChoice(choice: unknown): z.infer<typeof choiceSchema> | null {
  if (typeof choice !== 'string' || choice.length > 2000) return null;
  try {
    const parsed = choiceSchema.safeParse(JSON.parse(Buffer.from(choice, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The form's boxes for the pupil chosen, or null when the choice is missing or not one the page offered. */
export function chosenValues(choice: unknown): Form | null {
  const read = readChoice(choice);
  return read ? registrationValues(read.pupil, read.previousLAEstab) : null;
}

/** The choices a page offered (sent back with it), to offer them again when none was selected. */
export function offeredChoices(offered: unknown): Array<{ pupil: CtfPupilRead; value: string }> {
  const values = [offered ?? []].flat().slice(0, MAX_PUPILS_TO_CHOOSE);
  return values.flatMap((value) => {
    const read = readChoice(value);
    return read ? [{ pupil: read.pupil, value: value as string }] : [];
  });
}
