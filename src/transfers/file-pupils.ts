/**
 * Who a CTF in an inbox is for, read from its body: names, date of birth, sex and UPN of each pupil, nothing else.
 * s2s keeps no names beside a file, so the body is decrypted and read again each time; a CTF for a school holds a
 * few pupils, and a larger one is read pupil by pupil without being kept. Used to tell which new pupil a file that
 * arrives is for, and to show staff which child a file is for before they download it.
 */
import { parseCtf } from '../ctf/index.js';
import type { BlobStore } from '../platform/blobs.js';
import type { Db } from '../platform/database.js';
import type { OrgKind } from '../platform/schema.js';

export interface FilePupil {
  upn: string | null;
  surname: string;
  forename: string;
  /** `YYYY-MM-DD`. */
  dateOfBirth: string;
  sex: string | null;
}

/** Pupils read from one file at most: enough for any CTF a school sends another. */
export const MAX_PUPILS_READ = 2000;

/**
 * The pupils of a CTF delivered to `recipient` (a removed or expired file has none), or null when it is not one.
 * Pupils without a name or a valid date of birth are left out: nobody can be matched to them.
 */
export async function pupilsInFile(
  deps: { db: Db; blobs: BlobStore },
  fileId: string,
  recipient: string,
  max = MAX_PUPILS_READ,
): Promise<FilePupil[] | null> {
  const file = await deps.db
    .selectFrom('transfer_files')
    .select(['blob_id', 'file_name'])
    .where('id', '=', fileId)
    .where('recipient_org_code', '=', recipient)
    .where('file_type', '=', 'CTF')
    .where('status', '=', 'delivered')
    .executeTakeFirst();
  return file ? readPupils(deps, file, max) : null;
}

/**
 * The pupils of a CTF `sender` (an organisation's code and kind) sent, still held for its destination or in the
 * unknown-destination repository, or null when it is not one: the sender sent these details, so may see them.
 */
export async function pupilsInSentFile(
  deps: { db: Db; blobs: BlobStore },
  fileId: string,
  sender: { orgCode: string; orgKind: string },
  max = MAX_PUPILS_READ,
): Promise<FilePupil[] | null> {
  const file = await deps.db
    .selectFrom('transfer_files')
    .select(['blob_id', 'file_name'])
    .where('id', '=', fileId)
    .where('sender_org_code', '=', sender.orgCode)
    .where('sender_org_kind', '=', sender.orgKind as OrgKind)
    .where('file_type', '=', 'CTF')
    .where('status', 'in', ['delivered', 'in-repository'])
    .executeTakeFirst();
  return file ? readPupils(deps, file, max) : null;
}

async function readPupils(
  deps: { blobs: BlobStore },
  file: { blob_id: string; file_name: string },
  max: number,
): Promise<FilePupil[]> {
  const pupils: FilePupil[] = [];
  await parseCtf(await deps.blobs.get(file.blob_id), {
    fileName: file.file_name,
    retainPupils: false,
    consumeAll: true,
    onPupil: (p) => {
      if (pupils.length >= max || !p.surname || !p.forename) return;
      if (!p.dateOfBirth || !/^\d{4}-\d{2}-\d{2}$/.test(p.dateOfBirth)) return;
      pupils.push({ upn: p.upn, surname: p.surname, forename: p.forename, dateOfBirth: p.dateOfBirth, sex: p.sex });
    },
  });
  return pupils;
}
