/**
 * A new pupil whose details strongly match a record in the unknown-destination repository: the school looks at the
 * match before anyone else searches. "This is our pupil" ends the search with the record's CTF; "not this child"
 * lets the search go on, to the LA at once when nobody knows the previous school.
 */
import { auditActor, type User } from '../platform/user.js';
import { isUuid } from '../platform/ids.js';
import type { MatchVerdict } from '../platform/vocabulary.js';
import { laUsers, notify } from '../notifications/public.js';
import { criteriaOf } from '../enquiries/public.js';
import { searchRepository, type RepositoryDeps } from '../repository/public.js';
import { receive } from './receive-ctfs.js';
import { PASSED_TO_LA } from './register-joiner.js';

async function joinerToReview(deps: RepositoryDeps, user: User, joinerId: string) {
  if (!isUuid(joinerId)) return undefined;
  return deps.db
    .selectFrom('joiners')
    .select(['id', 'upn', 'surname', 'forename', 'date_of_birth', 'sex', 'la_code', 'previous_laestab'])
    .select('match_record_id')
    .where('id', '=', joinerId)
    .where('school_laestab', '=', user.orgCode)
    .where('state', '=', 'seeking')
    .where('match_record_id', 'is not', null)
    .where('match_reviewed_at', 'is', null)
    .executeTakeFirst();
}

export type MatchPage =
  | {
      kind: 'review';
      joiner: {
        id: string;
        surname: string;
        forename: string;
        dateOfBirth: string;
        upn: string | null;
        previousLAEstab: string | null;
      };
      recordId: string;
      searched: Awaited<ReturnType<typeof searchRepository>>;
    }
  | undefined;

/**
 * The match for the page: the pupil's details searched again as the user's own search (audited, counted and rate
 * limited like any other), so whoever in the school looks at it is shown the record as a search shows it.
 */
export async function matchForReview(
  deps: RepositoryDeps,
  user: User,
  joinerId: string,
  sourceIp: string | null,
): Promise<MatchPage> {
  const joiner = await joinerToReview(deps, user, joinerId);
  if (!joiner) return undefined;
  const searched = await searchRepository(deps, user, criteriaOf(joiner), sourceIp);
  return {
    kind: 'review',
    joiner: {
      id: joiner.id,
      surname: joiner.surname,
      forename: joiner.forename,
      dateOfBirth: joiner.date_of_birth,
      upn: joiner.upn,
      previousLAEstab: joiner.previous_laestab,
    },
    recordId: joiner.match_record_id!,
    searched,
  };
}

export type ReviewOutcome =
  { kind: 'reviewed'; verdict: MatchVerdict; recordId: string; passedToLa: boolean } | undefined;

export async function reviewMatch(
  deps: RepositoryDeps,
  user: User,
  joinerId: string,
  verdict: MatchVerdict,
  sourceIp: string | null,
): Promise<ReviewOutcome> {
  const joiner = await joinerToReview(deps, user, joinerId);
  if (!joiner) return undefined;
  const now = deps.now();
  const toLa = verdict === 'not-this-child' && !joiner.previous_laestab;
  const updated = await deps.db
    .updateTable('joiners')
    .set({
      match_reviewed_at: now,
      match_verdict: verdict,
      ...(toLa ? { state: 'with-la' as const, with_la_reason: 'no-previous-school' as const, with_la_at: now } : {}),
    })
    .where('id', '=', joinerId)
    .where('match_reviewed_at', 'is', null)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) return undefined;
  const recordId = joiner.match_record_id!;
  await deps.audit({
    action: 'joiner.match-reviewed',
    actor: auditActor(user),
    target: { kind: 'joiner', id: joinerId },
    sourceIp,
    details: { verdict, repositoryRecord: recordId },
  });
  if (verdict === 'same-child') {
    const record = await deps.db
      .selectFrom('repository_records')
      .select('file_id')
      .where('id', '=', recordId)
      .executeTakeFirst();
    if (record) await receive(deps, joinerId, record.file_id);
  } else if (toLa) {
    await notify(deps.db, now, await laUsers(deps.db, joiner.la_code, ['la-user', 'la-admin']), PASSED_TO_LA);
  }
  return { kind: 'reviewed', verdict, recordId, passedToLa: toLa };
}
