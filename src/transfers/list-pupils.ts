/**
 * Which children a list's files are for, so that staff know whose file is whose before they download it. s2s keeps
 * no names beside a file, so each body is decrypted and read again: a list page reads only its newest files, and
 * shows the first few names of each.
 */
import type { FilePupil } from './file-pupils.js';

/** Files of one list page whose pupils are read, newest first. */
export const FILES_WITH_NAMES = 50;
/** Names shown for one file; the rest are counted. */
export const NAMES_PER_FILE = 5;
/** Files read at once: a list page should not take every connection to the blob store. */
const AT_ONCE = 4;

export interface PupilNames {
  shown: FilePupil[];
  /** Pupils in the file beyond those shown. */
  more: number;
}

/**
 * Each file with its pupils' names, for the newest `FILES_WITH_NAMES` CTFs among them (`names` undefined for the
 * rest, and for files that are not CTFs). `read` gives up to `NAMES_PER_FILE` pupils of a file, or null.
 */
export async function withPupilNames<F extends { id: string; fileType: string; pupils: number }>(
  files: readonly F[],
  read: (fileId: string, max: number) => Promise<FilePupil[] | null>,
  /** A file that cannot be read shows no names, rather than taking the whole list down; this hears why. */
  onError: (fileId: string, error: unknown) => void = () => undefined,
): Promise<Array<F & { names?: PupilNames }>> {
  const out: Array<F & { names?: PupilNames }> = files.map((f) => ({ ...f }));
  const toRead = out.filter((f) => f.fileType === 'CTF').slice(0, FILES_WITH_NAMES);
  let next = 0;
  const worker = async () => {
    while (next < toRead.length) {
      const file = toRead[next++]!;
      let pupils: FilePupil[] | null = null;
      try {
        pupils = await read(file.id, NAMES_PER_FILE);
      } catch (error) {
        onError(file.id, error);
      }
      if (pupils) file.names = { shown: pupils, more: Math.max(0, file.pupils - pupils.length) };
    }
  };
  await Promise.all(Array.from({ length: AT_ONCE }, worker));
  return out;
}
