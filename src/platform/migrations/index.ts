/**
 * Every migration, in order. Listed by hand (not read from disk) so that the compiled service and the tests
 * run exactly the same set, and so a template database can be keyed by this list.
 */
import type { Migration, MigrationProvider } from 'kysely';
import * as foundation from './0001-foundation.js';
import * as transfers from './0002-transfers.js';
import * as repository from './0003-repository.js';
import * as joiners from './0004-joiners.js';
import * as enquiries from './0005-enquiries.js';
import * as cmeCases from './0006-cme-cases.js';
import * as leavers from './0007-leavers.js';
import * as enquiryCtfMatches from './0008-enquiry-ctf-matches.js';
import * as emailNotices from './0009-email-notices.js';
import * as uncompressedBlobChunks from './0010-uncompressed-blob-chunks.js';
import * as lookupBudgets from './0011-lookup-budgets.js';
import * as probingAlerts from './0012-probing-alerts.js';
import * as masterKeyIds from './0013-master-key-ids.js';
import * as retryLeases from './0014-retry-leases.js';
import * as blobChunkAges from './0015-blob-chunk-ages.js';
import * as boundedSearchKeys from './0019-bounded-search-keys.js';
import * as ctfRequestsAnsweredByFiles from './0020-ctf-requests-answered-by-files.js';
import * as pupilIdentityDigests from './0021-pupil-identity-digests.js';
import * as enquiriesSentBack from './0022-enquiries-sent-back.js';
import * as whatNeedsDoing from './0023-what-needs-doing.js';

export const migrations: Record<string, Migration> = {
  '0001-foundation': foundation,
  '0002-transfers': transfers,
  '0003-repository': repository,
  '0004-joiners': joiners,
  '0005-enquiries': enquiries,
  '0006-cme-cases': cmeCases,
  '0007-leavers': leavers,
  '0008-enquiry-ctf-matches': enquiryCtfMatches,
  '0009-email-notices': emailNotices,
  '0010-uncompressed-blob-chunks': uncompressedBlobChunks,
  '0011-lookup-budgets': lookupBudgets,
  '0012-probing-alerts': probingAlerts,
  '0013-master-key-ids': masterKeyIds,
  '0014-retry-leases': retryLeases,
  '0015-blob-chunk-ages': blobChunkAges,
  '0019-bounded-search-keys': boundedSearchKeys,
  '0020-ctf-requests-answered-by-files': ctfRequestsAnsweredByFiles,
  '0021-pupil-identity-digests': pupilIdentityDigests,
  '0022-enquiries-sent-back': enquiriesSentBack,
  '0023-what-needs-doing': whatNeedsDoing,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
