/** Transfers: send, route, hold and collect files; what the composition root registers for them. */
import type { Capability } from '../platform/capability.js';
import { transferApiRoutes } from './api-routes.js';
import { IDEMPOTENCY_HOURS } from './idempotency.js';
import { transferPages } from './pages.js';
import { purgeExpired } from './retention.js';
import { UNZIP_JOB, unpackZip, type ZipPayload } from './unpack-zip.js';
import { transfersToDo } from './to-do.js';

export const transfers: Capability = {
  name: 'transfers',
  toDo: transfersToDo,
  routes: [transferApiRoutes, transferPages],
  navigation: [
    { href: '/inbox', text: 'Inbox', permission: 'transfers:receive' },
    { href: '/send', text: 'Send files', permission: 'transfers:send' },
    { href: '/sent', text: 'Sent files', permission: 'transfers:send' },
    { href: '/files-within-la', text: 'Files at your schools', permission: 'transfers:oversee' },
  ],
  homeTiles: [
    {
      href: '/inbox',
      title: 'Inbox',
      text: 'Collect the CTFs and other files sent to you.',
      permission: 'transfers:receive',
    },
    {
      href: '/send',
      title: 'Send files',
      text: 'Send a CTF when a pupil leaves, or other files to a school or local authority. See who collected them on the sent list.',
      permission: 'transfers:send',
    },
    {
      href: '/files-within-la',
      title: 'Files at your schools',
      text: 'See files waiting at your schools, and chase those not collected before they are deleted.',
      permission: 'transfers:oversee',
    },
  ],
  housekeeping: [
    {
      name: 'forget idempotency keys',
      async run(services, now) {
        await services.db
          .deleteFrom('idempotency_keys')
          .where('created_at', '<', new Date(now.getTime() - IDEMPOTENCY_HOURS * 3_600_000))
          .execute();
        return {};
      },
    },
    {
      name: 'destroy files past their retention',
      run: async (services) => ({ ...(await purgeExpired(services)) }),
      purged: { files: 'files', repositoryRecords: 'repository_records' },
    },
  ],
  jobs: [
    {
      kind: UNZIP_JOB,
      handler: (services, log) => (job, context) => unpackZip(services, job.payload as ZipPayload, context, log),
      // A zip given up is never unpacked: its encrypted copy goes.
      options: (services) => ({ onAbandoned: (job) => services.blobs.delete((job.payload as ZipPayload).blobId) }),
    },
  ],
};
