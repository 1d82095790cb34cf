/**
 * The unknown-destination repository's records of a file's pupils: what is kept of each child to find them by
 * (identifiers, names, date of birth, search keys), written with the file that carries them when it arrives or is
 * read again to repair it, and marked expired with it.
 */
import crypto from 'node:crypto';
import type { CtfPupil } from '../ctf/index.js';
import type { Db } from '../platform/database.js';
import type { TransferContributor } from '../transfers/public.js';
import { recordSearchKeys } from './search-keys.js';

export type PupilRecord = ReturnType<typeof pupilIdentity>;

export function pupilIdentity(p: CtfPupil, sourceLaestab: string | null) {
  const leaving = p.schoolHistory.find((h) => h.lea !== null && h.estab !== null && h.lea + h.estab === sourceLaestab);
  const dateOfBirth = p.dateOfBirth && /^\d{4}-\d{2}-\d{2}$/.test(p.dateOfBirth) ? p.dateOfBirth : null;
  return {
    pupil_index: p.index,
    byte_start: p.byteRange.start,
    byte_end: p.byteRange.end,
    upn: p.upn,
    former_upns: p.formerUpns,
    uln: p.uln,
    surname: p.surname,
    forename: p.forename,
    middle_names: p.middleNames,
    preferred_surname: p.preferredSurname,
    preferred_forename: p.preferredForename,
    former_surname: p.formerSurname,
    former_forename: p.formerForename,
    date_of_birth: dateOfBirth,
    search_keys: recordSearchKeys(p, dateOfBirth),
    sex: p.sex,
    postcode: p.postcode,
    left_on: leaving?.leavingDate && /^\d{4}-\d{2}-\d{2}$/.test(leaving.leavingDate) ? leaving.leavingDate : null,
  };
}

export interface RecordsOfFile {
  fileId: string;
  records: PupilRecord[];
  /** One a record, in the same order. */
  recordIds: string[];
  /** The school the pupils left: the header's source, else the name's. */
  leftLaestab: string;
  leftSchoolName: string | null;
  uploadedAt: Date;
  expiresAt: Date;
}

/** Inserts the records in statements of 500 (well inside the bound-value limit); call within the file's transaction. */
export async function insertRepositoryRecords(trx: Db, file: RecordsOfFile): Promise<void> {
  for (let start = 0; start < file.records.length; start += 500) {
    await trx
      .insertInto('repository_records')
      .values(
        file.records.slice(start, start + 500).map((r, i) => ({
          ...r,
          id: file.recordIds[start + i]!,
          file_id: file.fileId,
          left_laestab: file.leftLaestab,
          left_la_code: file.leftLaestab.slice(0, 3),
          left_school_name: file.leftSchoolName,
          uploaded_at: file.uploadedAt,
          expires_at: file.expiresAt,
        })),
      )
      .execute();
  }
}

export const repositoryContributors: TransferContributor = {
  name: 'repository',
  arriving(file) {
    if (file.to !== 'repository') return undefined;
    const records: PupilRecord[] = [];
    return {
      onPupil: (p) => void records.push(pupilIdentity(p, file.source)),
      writes(event) {
        if (records.length === 0) return undefined;
        const leftLaestab = event.header.laestab ?? event.source;
        return {
          afterFile: (trx) =>
            insertRepositoryRecords(trx, {
              fileId: event.fileId,
              records,
              recordIds: records.map(() => crypto.randomUUID()),
              leftLaestab,
              leftSchoolName: event.header.schoolName,
              uploadedAt: event.kind === 'file.repaired' ? event.receivedAt : event.at,
              expiresAt: event.expiresAt,
            }),
        };
      },
    };
  },
  async expired(trx, event) {
    const records = await trx
      .updateTable('repository_records')
      .set({ status: 'expired' })
      .where('file_id', '=', event.fileId)
      .where('status', '<>', 'expired')
      .executeTakeFirst();
    return { repositoryRecords: Number(records.numUpdatedRows) };
  },
};
