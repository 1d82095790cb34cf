/**
 * A school another school names — a new pupil's previous school, a leaver's new one — must be in the register and
 * not the naming school itself; the messages say so in the words of the form it was typed into.
 */
import type { Db } from '../platform/database.js';

export async function otherSchoolProblem(
  db: Db,
  own: string,
  laestab: string,
  field: string,
  say: { own: string; unknownHint: string },
): Promise<{ field: string; message: string } | undefined> {
  if (laestab === own) return { field, message: say.own };
  const found = await db
    .selectFrom('establishments')
    .select('laestab')
    .where('laestab', '=', laestab)
    .executeTakeFirst();
  return found
    ? undefined
    : {
        field,
        message: `There is no school with LAEstab ${laestab}. Check the number in “Find a school”${say.unknownHint}`,
      };
}
