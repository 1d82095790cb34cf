/**
 * What transfers offers the other capabilities. They import from here and nowhere else in transfers/ (the dependency
 * rule in .dependency-cruiser.cjs), so what is shared is named in one place and the rest can change freely.
 */
export type { TransferDeps } from './accept-file.js';
export { afterCommitEffects, noticeOf, transferContributors } from './file-events.js';
export type { AfterCommitEffect, TransferContributor } from './file-events.js';
export { pupilsInFile } from './file-pupils.js';
export type { FilePupil } from './file-pupils.js';
export { gateRefusal, uploadGateFor } from './upload-support.js';
