/**
 * Whether a row of any table that keeps a child's details (enquiries, CME cases, joiners) is about the same child:
 * the same date of birth, and the same UPN or the same names as written. Stricter than the repository's fuzzy
 * match on purpose: it links records that people then act on, and must not link two children.
 */
import { sql, type RawBuilder } from 'kysely';

export interface ChildKey {
  upn: string | null;
  surname: string;
  forename: string;
  dateOfBirth: string;
}

export function sameChild(child: ChildKey): RawBuilder<boolean> {
  const byName = sql<boolean>`(lower(surname) = lower(${child.surname}) AND lower(forename) = lower(${child.forename}))`;
  return child.upn
    ? sql<boolean>`(date_of_birth = ${child.dateOfBirth} AND (upn = ${child.upn} OR ${byName}))`
    : sql<boolean>`(date_of_birth = ${child.dateOfBirth} AND ${byName})`;
}
