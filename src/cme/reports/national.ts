/**
 * The national picture for DfE: each LA's CME figures for an academic year, with counts under five withheld (and
 * the figures that would reveal them), and the unknown-destination repository's size and age. No child-level data.
 */
import type { Db } from '../../platform/database.js';
import { cmeFigures } from '../cases.js';
import { publishTable, type Cell } from './suppress.js';

export interface NationalLaRow {
  laCode: string;
  laName: string | null;
  identified: Cell;
  returnedToEducation: Cell;
  stillMissing: Cell;
  /** Withheld (null) where the LA's own counts are withheld: a median of two or three cases says too much. */
  medianDaysToResolution: number | null;
}

export interface NationalFigures {
  year: { label: string; start: string; end: string };
  las: NationalLaRow[];
  totals: Cell[];
  repository: { active: Cell; byAge: Array<{ band: string; records: Cell }> };
}

const AGE_BANDS: Array<{ band: string; fromDays: number; toDays: number }> = [
  { band: 'Under 1 month', fromDays: 0, toDays: 30 },
  { band: '1 to 3 months', fromDays: 30, toDays: 91 },
  { band: '3 to 6 months', fromDays: 91, toDays: 182 },
  { band: '6 to 12 months', fromDays: 182, toDays: 100_000 },
];

export async function nationalFigures(
  db: Db,
  year: { label: string; start: string; end: string },
  now: Date,
): Promise<NationalFigures> {
  const counted = new Map((await cmeFigures(db, year, now)).map((f) => [f.laCode, f]));
  const names = new Map(
    (await db.selectFrom('local_authorities').select(['code', 'name']).execute()).map((la) => [la.code, la.name]),
  );
  // Every LA is listed, with zeros where it has no cases: leaving it out would say something of its own.
  const figures = [...new Set([...names.keys(), ...counted.keys()])].sort().map(
    (laCode) =>
      counted.get(laCode) ?? {
        laCode,
        identified: 0,
        returnedToEducation: 0,
        stillMissing: 0,
        medianDaysToResolution: null,
      },
  );
  // Each LA reads this table knowing its own row, so no LA may be able to work out another's withheld figures.
  const table = publishTable(
    figures.map((f) => [f.identified, f.returnedToEducation, f.stillMissing]),
    { columnTotals: true, rowsKnownToOwners: true },
  );
  const las = figures.map((f, i): NationalLaRow => {
    const [identified, returned, missing] = table.cells[i]!;
    return {
      laCode: f.laCode,
      laName: names.get(f.laCode) ?? null,
      identified: identified!,
      returnedToEducation: returned!,
      stillMissing: missing!,
      medianDaysToResolution: returned!.suppressed || identified!.suppressed ? null : f.medianDaysToResolution,
    };
  });

  const active = await db
    .selectFrom('repository_records')
    .select('uploaded_at')
    .where('status', '=', 'active')
    .where('expires_at', '>', now)
    .execute();
  const ages = active.map((r) => (now.getTime() - new Date(r.uploaded_at).getTime()) / 86_400_000);
  const counts = AGE_BANDS.map(
    ({ fromDays, toDays }) => ages.filter((days) => days >= fromDays && days < toDays).length,
  );
  // The number held is the total of the bands, so it is published with them as one table.
  const profile = publishTable([counts], { rowTotals: true });
  return {
    year,
    las,
    totals: table.columnTotals ?? [],
    repository: {
      active: profile.rowTotals![0]!,
      byAge: AGE_BANDS.map(({ band }, i) => ({ band, records: profile.cells[0]![i]! })),
    },
  };
}
