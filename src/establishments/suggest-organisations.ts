/**
 * Suggestions for a field that takes a school's LAEstab or an LA's code, as the user types its name: each one
 * the number the field wants and the words to show for it. Few and short, because they are fetched at every
 * key press and read out by screen readers.
 */
import type { Db } from '../platform/database.js';
import { nameSearch, searchEstablishments } from './search-establishments.js';

export const MAX_SUGGESTIONS = 10;

/** `any` is for a field that takes either, such as a new user's organisation: LAs first, being fewer. */
export type OrganisationKind = 'school' | 'la' | 'any';

export const organisationKinds: readonly OrganisationKind[] = ['school', 'la', 'any'];

export interface OrganisationSuggestion {
  /** What goes in the field: a 7-digit LAEstab or a 3-digit LA code. */
  value: string;
  /** "St Aidan's CofE Primary School, Ashdown (8232002)": the town tells apart the many schools of one name. */
  label: string;
}

export async function suggestOrganisations(
  db: Db,
  kind: OrganisationKind,
  query: string,
): Promise<OrganisationSuggestion[]> {
  if (kind === 'school') return suggestSchools(db, query);
  if (kind === 'la') return suggestLocalAuthorities(db, query);
  const [las, schools] = await Promise.all([suggestLocalAuthorities(db, query), suggestSchools(db, query)]);
  return [...las, ...schools].slice(0, MAX_SUGGESTIONS);
}

async function suggestSchools(db: Db, query: string): Promise<OrganisationSuggestion[]> {
  const schools = await searchEstablishments(db, query, MAX_SUGGESTIONS);
  return schools.slice(0, MAX_SUGGESTIONS).map((school) => {
    const place = school.town && !school.name.includes(school.town) ? `, ${school.town}` : '';
    const closed = school.status === 'Closed' ? ', closed' : '';
    return { value: school.laestab, label: `${school.name}${place} (${school.laestab}${closed})` };
  });
}

async function suggestLocalAuthorities(db: Db, query: string): Promise<OrganisationSuggestion[]> {
  const q = query.trim().slice(0, 100);
  const las = db.selectFrom('local_authorities').select(['code', 'name']).limit(MAX_SUGGESTIONS);
  let rows: { code: string; name: string }[];
  if (/^\d{1,3}$/.test(q)) {
    rows = await las.where('code', 'like', `${q}%`).orderBy('code').execute();
  } else if (q.replace(/[^\p{L}\p{N}]/gu, '').length < 2) {
    return [];
  } else {
    const { matches, rank } = nameSearch('name', q);
    rows = await las.where(matches).orderBy(rank, 'desc').orderBy('name').execute();
  }
  return rows.map((la) => ({ value: la.code, label: `${la.name} (${la.code})` }));
}
