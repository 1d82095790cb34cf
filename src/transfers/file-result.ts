/** The answer for one file of an upload, as the API and the upload page show it. */
import type { DestinationKind } from '../platform/schema.js';

export interface FileProblem {
  code: string;
  message: string;
  line?: number;
  column?: number;
  path?: string;
}

export interface FileResult {
  id: string | null;
  fileName: string;
  fileType: string | null;
  source: string | null;
  destination: string | null;
  destinationKind: DestinationKind | null;
  pupils: number;
  sha256: string | null;
  status: 'delivered' | 'in-repository' | 'rejected';
  errors?: FileProblem[];
  warnings?: FileProblem[];
  /** What the sender and the recipient are both told about an accepted file (a UPN seen with another identity). */
  cautions?: FileProblem[];
  /** The number the sender used, when the school has been renumbered and the file went to its new number. */
  redirectedFrom?: string;
  /**
   * The earlier identical file: when this one was refused as a duplicate, or, on a delivered entry, the file an
   * earlier request stored whose answer never reached the sender (then the same as `id`).
   */
  duplicateOf?: string;
}

export function rejected(fileName: string, errors: FileProblem[], partial: Partial<FileResult> = {}): FileResult {
  return {
    id: null,
    fileName,
    fileType: null,
    source: null,
    destination: null,
    destinationKind: null,
    pupils: 0,
    sha256: null,
    ...partial,
    status: 'rejected',
    errors,
  };
}

/**
 * 202 while a zip of the request is still being unpacked, whatever became of its other files: the request's
 * outcome is not known yet. Otherwise 201 when every file was accepted, 422 when none was, 207 when some were.
 */
export function uploadStatusCode(results: FileResult[], zipsUnpacking = false): 201 | 202 | 207 | 422 {
  if (zipsUnpacking) return 202;
  const accepted = results.filter((r) => r.status !== 'rejected').length;
  if (results.length > 0 && accepted === results.length) return 201;
  return accepted === 0 ? 422 : 207;
}
