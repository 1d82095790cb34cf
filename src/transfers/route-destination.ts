/**
 * Decides where a file goes from the destination in its name: a school's inbox (following a renumbered school to
 * its new number), an LA's inbox, or the unknown-destination repository. A destination that does not exist or has
 * closed is refused with what to do instead.
 */
import type { Db } from '../platform/database.js';
import { recentAnswers } from '../platform/recent-answers.js';
import type { DestinationKind } from '../platform/schema.js';
import type { FileProblem } from './file-result.js';

export type Route =
  | { to: 'inbox'; orgKind: 'school' | 'la'; orgCode: string; laCode: string; name: string; redirectedFrom?: string }
  | { to: 'repository' };

const whatToDo =
  'Check the number in “Find a school”. If you do not know where the pupil has gone, send the CTF to XXXXXXX; if they have left for an independent school, abroad, Scotland or Northern Ireland, send it to MMMMMMM.';

function longDate(iso: string): string {
  return new Date(`${iso}T12:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric' });
}

/**
 * Routes found lately, per database: senders send to the same few schools over and over, and the register changes
 * a few times a year. Only routes are kept, never refusals, and each for a minute, so a school that closes
 * stops receiving, and a renumbered one's files follow it, within that time of the register's import.
 */
const recentRoutes = recentAnswers<Route>(60_000, 50_000);

export async function routeDestination(
  db: Db,
  destination: string,
  kind: DestinationKind,
): Promise<{ route: Route } | { problem: FileProblem }> {
  if (kind === 'unknown' || kind === 'outside-maintained-sector') return { route: { to: 'repository' } };
  const key = `${kind}:${destination}`;
  const recent = recentRoutes.get(db, key);
  if (recent) return { route: recent };
  const found = await lookUpDestination(db, destination, kind);
  if ('route' in found) recentRoutes.set(db, key, found.route);
  return found;
}

async function lookUpDestination(
  db: Db,
  destination: string,
  kind: 'school' | 'la',
): Promise<{ route: Route } | { problem: FileProblem }> {
  if (kind === 'la') {
    const code = destination.slice(0, 3);
    const la = await db
      .selectFrom('local_authorities')
      .select(['code', 'name'])
      .where('code', '=', code)
      .executeTakeFirst();
    if (!la) {
      return {
        problem: {
          code: 'DESTINATION_NOT_FOUND',
          message: `There is no local authority with code ${code}. ${whatToDo}`,
        },
      };
    }
    return { route: { to: 'inbox', orgKind: 'la', orgCode: la.code, laCode: la.code, name: la.name } };
  }
  const school = await db
    .selectFrom('establishments')
    .select(['laestab', 'la_code', 'name', 'status', 'close_date', 'open_date'])
    .where('laestab', '=', destination)
    .executeTakeFirst();
  if (school && (school.status === 'Open' || school.status === 'Open, but proposed to close')) {
    return {
      route: { to: 'inbox', orgKind: 'school', orgCode: school.laestab, laCode: school.la_code, name: school.name },
    };
  }
  // A closed or unknown number may belong to a school that was renumbered (an academy conversion).
  const successor = await db
    .selectFrom('establishments')
    .select(['laestab', 'la_code', 'name'])
    .where('previous_laestab', '=', destination)
    .where('status', 'in', ['Open', 'Open, but proposed to close'])
    .executeTakeFirst();
  if (successor) {
    return {
      route: {
        to: 'inbox',
        orgKind: 'school',
        orgCode: successor.laestab,
        laCode: successor.la_code,
        name: successor.name,
        redirectedFrom: destination,
      },
    };
  }
  if (!school) {
    return {
      problem: {
        code: 'DESTINATION_NOT_FOUND',
        message: `There is no school with LAEstab ${destination}. ${whatToDo}`,
      },
    };
  }
  if (school.status === 'Proposed to open') {
    const opens = school.open_date ? ` until ${longDate(school.open_date)}` : '';
    return {
      problem: {
        code: 'DESTINATION_NOT_OPEN',
        message: `${school.name} (${destination}) does not open${opens}, so it cannot receive files yet. ${whatToDo}`,
      },
    };
  }
  const closed = school.close_date ? ` on ${longDate(school.close_date)}` : '';
  return {
    problem: {
      code: 'DESTINATION_CLOSED',
      message: `${school.name} (${destination}) closed${closed} and has no successor school. ${whatToDo}`,
    },
  };
}
