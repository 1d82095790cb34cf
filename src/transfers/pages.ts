/**
 * Transfer pages: send files, the inbox, a file's page with its download, the sent list (with who collected what
 * and when), the organisation's .zip uploads with each one's progress, and for LA staff the files waiting at
 * their schools. Every page works without JavaScript; the send page adds drag and drop and a progress bar when it
 * can.
 */
import { askAreYouSure, isConfirmed } from '../platform/web/are-you-sure.js';
import { nameWithNumber } from '../platform/organisation-name.js';
import type { FastifyPluginAsync } from 'fastify';
import { HttpError } from '../platform/web/http-error.js';
import type { Services } from '../platform/services.js';
import { csrfValid } from '../platform/web/csrf.js';
import {
  downloadFile,
  fileActions,
  fileFor,
  listFilesWithinLa,
  listInbox,
  listSent,
  removeFile,
} from './collect-files.js';
import { uploadStatusCode } from './file-result.js';
import { expiresSoon } from './retention.js';
import { sendFiles, zipsUnpacking, type UploadPart } from './send-files.js';
import { recentZipJobs, zipJob, type ZipJobState } from './zip-jobs.js';
import { gateRefusal, sentState, uploadGateFor } from './upload-support.js';
import { sendDownload } from '../platform/web/send-file.js';
import { destinationNames } from './destination-names.js';

const stateTags: Record<string, { text: string; classes: string }> = {
  waiting: { text: 'Waiting', classes: 'govuk-tag--blue' },
  collected: { text: 'Collected', classes: 'govuk-tag--green' },
  'in-repository': { text: 'In unknown-destination repository', classes: 'govuk-tag--purple' },
  expired: { text: 'Expired', classes: 'govuk-tag--grey' },
  removed: { text: 'Removed', classes: 'govuk-tag--grey' },
};

const zipTags: Record<ZipJobState, { text: string; classes: string }> = {
  waiting: { text: 'Waiting to be unpacked', classes: 'govuk-tag--grey' },
  unpacking: { text: 'Being unpacked', classes: 'govuk-tag--blue' },
  done: { text: 'Done', classes: 'govuk-tag--green' },
  failed: { text: 'Failed', classes: 'govuk-tag--red' },
};

export const transferPages: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const gate = uploadGateFor(services);

  app.get('/send', { config: { access: 'transfers:send' } }, async (request, reply) =>
    reply.render('transfers/views/send.njk', {
      title: 'Send files',
      maxFileMb: services.config.maxFileMb,
      user: request.user,
    }),
  );

  app.post('/send', { config: { access: 'transfers:send', csrfInHandler: true } }, async (request, reply) => {
    if (!request.isMultipart()) throw new HttpError(400, 'NOT_MULTIPART', 'Choose the files to send.');
    const entered = gate.enter(request.user!);
    if ('refused' in entered) {
      const { statusCode, code, message } = gateRefusal(entered.refused);
      reply.header('retry-after', '10');
      throw new HttpError(statusCode, code, message);
    }
    const release = entered.release;
    try {
      const binding = request.session?.idHash;
      let csrfChecked = false;
      // The form puts its CSRF token before the files, so it is checked before any file is read.
      const parts = (async function* (): AsyncGenerator<UploadPart> {
        for await (const part of request.parts()) {
          if (part.type === 'field') {
            if (part.fieldname === '_csrf') csrfChecked = csrfValid(services.keys.csrfKey, binding, part.value);
            continue;
          }
          if (!csrfChecked)
            throw new HttpError(
              403,
              'CSRF',
              'This form has expired or did not come from s2s. Go back, reload the page and try again.',
            );
          if (part.filename === '') {
            for await (const _chunk of part.file) {
              // an empty file input: nothing chosen
            }
            continue;
          }
          yield { fileName: part.filename, body: part.file };
        }
      })();
      const { files: results, jobs } = await sendFiles(services, request.user!, parts, request.ip);
      if (!csrfChecked)
        throw new HttpError(
          403,
          'CSRF',
          'This form has expired or did not come from s2s. Go back, reload the page and try again.',
        );
      if (results.length === 0 && jobs.length === 0) {
        return reply.render(
          'transfers/views/send.njk',
          {
            title: 'Send files',
            maxFileMb: services.config.maxFileMb,
            errors: [{ text: 'Choose one or more files to send', href: '#files' }],
          },
          400,
        );
      }
      const unpacking = zipsUnpacking(jobs);
      const status = uploadStatusCode(results, unpacking.length > 0);
      const titles = { 201: 'Files sent', 202: 'Still unpacking', 207: 'Files sent', 422: 'No files were sent' };
      return reply.render('transfers/views/sent-results.njk', {
        title: titles[status],
        results,
        names: await destinationNames(
          services.db,
          results.map((r) => r.destination),
        ),
        accepted: results.filter((r) => r.status !== 'rejected').length,
        unpacking,
        zips: jobs.length > 0,
      });
    } finally {
      release();
    }
  });

  app.get('/inbox', { config: { access: 'transfers:receive' } }, async (request, reply) => {
    const files = await listInbox(services.db, request.user!);
    return reply.render('transfers/views/inbox.njk', { title: 'Inbox', files });
  });

  app.get('/sent', { config: { access: 'transfers:send' } }, async (request, reply) => {
    const now = services.now();
    const files = (await listSent(services.db, request.user!)).map((f) => ({
      ...f,
      state: stateTags[sentState(f)],
      expiringSoon: expiresSoon(f, now),
    }));
    return reply.render('transfers/views/sent.njk', { title: 'Sent files', files });
  });

  app.get('/zips', { config: { access: 'transfers:send' } }, async (request, reply) => {
    const user = request.user!;
    const jobs = (await recentZipJobs(services.db, user, services.now())).map((job) => ({
      ...job,
      tag: zipTags[job.state],
    }));
    return reply.render('transfers/views/zips.njk', { title: 'Your .zip uploads', jobs, user });
  });

  app.get<{ Params: { id: string } }>('/zips/:id', { config: { access: 'transfers:send' } }, async (request, reply) => {
    const job = await zipJob(services.db, request.user!, request.params.id);
    if (!job) return reply.callNotFound();
    return reply.render('transfers/views/zip.njk', {
      title: job.zipName,
      job,
      names: await destinationNames(
        services.db,
        job.files.map((r) => r.destination),
      ),
      tag: zipTags[job.state],
      backLink: '/zips',
      backLinkText: 'Your .zip uploads',
    });
  });

  app.get('/files-within-la', { config: { access: 'transfers:oversee' } }, async (request, reply) => {
    const user = request.user!;
    const now = services.now();
    const files = (await listFilesWithinLa(services.db, user)).map((f) => ({
      ...f,
      expiringSoon: expiresSoon(f, now),
    }));
    return reply.render('transfers/views/within-la.njk', {
      title: 'Files waiting at your schools',
      files,
      expiring: files.filter((f) => f.expiringSoon).length,
    });
  });

  app.get<{ Params: { id: string } }>(
    '/files/:id',
    { config: { access: 'transfers:receive' } },
    async (request, reply) => {
      const user = request.user!;
      const file = await fileFor(services.db, user, request.params.id);
      if (!file) return reply.callNotFound();
      const actions = fileActions(user, file);
      return reply.render('transfers/views/file.njk', {
        title: file.fileName,
        file,
        state: stateTags[sentState(file)],
        canDownload: actions.download,
        canRemove: actions.remove,
        backLink: file.recipient === user.orgCode ? '/inbox' : '/sent',
      });
    },
  );

  app.get<{ Params: { id: string } }>(
    '/files/:id/download',
    { config: { access: 'transfers:receive' } },
    async (request, reply) => {
      const download = await downloadFile(services, request.user!, request.params.id, request.ip);
      if (!download) return reply.callNotFound();
      return sendDownload(reply, download);
    },
  );

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/files/:id/remove',
    { config: { access: 'transfers:send' } },
    async (request, reply) => {
      const user = request.user!;
      const file = await fileFor(services.db, user, request.params.id);
      if (!file) return reply.callNotFound();
      const to = nameWithNumber(file.recipient ?? file.destination, file.recipientName);
      // Only a file the page offers to remove is asked about; removeFile refuses the rest in its own words.
      if (!isConfirmed(request.body) && fileActions(user, file).remove) {
        return askAreYouSure(reply, {
          heading: 'Are you sure you want to remove this file?',
          rows: [
            { key: { text: 'File' }, value: { text: file.fileName } },
            { key: { text: 'Sent to' }, value: { text: to } },
            { key: { text: 'Pupils' }, value: { text: String(file.pupils) } },
          ],
          explanation: [
            `${to} will no longer be able to download it, and its content is destroyed. Send the file again if it was right after all.`,
          ],
          warning: 'You cannot undo this.',
          action: `/files/${file.id}/remove`,
          confirm: 'Yes, remove the file',
          cancel: `/files/${file.id}`,
          destructive: true,
        });
      }
      const outcome = await removeFile(services, user, request.params.id, request.ip);
      if (!outcome) return reply.callNotFound();
      if (outcome === 'collected')
        throw new HttpError(409, 'ALREADY_COLLECTED', 'The file has been collected, so it can no longer be removed.');
      return reply
        .confirm(`${file.fileName} has been removed: ${to} can no longer download it.`)
        .redirect('/sent', 303);
    },
  );
};
