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
import { contentDisposition, sendDownload } from '../platform/web/send-file.js';
import { Readable } from 'node:stream';
import { isUuid } from '../platform/ids.js';
import { londonDate } from '../platform/school-days.js';
import { writeZip, type ZipEntryInput } from '../platform/zip-writer.js';
import { pupilsInFile, pupilsInSentFile } from './file-pupils.js';
import { withPupilNames } from './list-pupils.js';
import { destinationNames } from './destination-names.js';

const stateTags: Record<string, { text: string; classes: string }> = {
  waiting: { text: 'Waiting', classes: 'govuk-tag--blue' },
  collected: { text: 'Collected', classes: 'govuk-tag--green' },
  'in-repository': { text: 'In unknown-destination repository', classes: 'govuk-tag--purple' },
  expired: { text: 'Expired', classes: 'govuk-tag--grey' },
  removed: { text: 'Removed', classes: 'govuk-tag--grey' },
};

/** Files one zip of the inbox may hold: a page's worth, chosen one by one. */
export const MAX_FILES_PER_ZIP = 50;

/** What a refused zip download is told on the inbox it came from. */
const zipProblems: Record<string, string> = {
  'none-chosen': 'Select the files to download as a zip',
  'too-many': `Select at most ${MAX_FILES_PER_ZIP} files to download as one zip`,
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

  // The inbox names each file's pupils (read from the file: the organisation is entitled to them), so it is a read of
  // pupil data, audited as one.
  app.get<{ Querystring: { show?: string; problem?: string } }>(
    '/inbox',
    { config: { access: 'transfers:receive', pupilData: true } },
    async (request, reply) => {
      const user = request.user!;
      const notDownloaded = request.query.show === 'not-downloaded';
      const files = await withPupilNames(
        await listInbox(services.db, user, { notDownloaded }),
        (id, max) => pupilsInFile(services, id, user.orgCode, max),
        (fileId, error) => request.log.error({ err: error, fileId }, 'could not read a file’s pupils for the inbox'),
      );
      const problem = zipProblems[request.query.problem ?? ''];
      return reply.render(
        'transfers/views/inbox.njk',
        {
          title: 'Inbox',
          files,
          show: notDownloaded ? 'not-downloaded' : 'all',
          maxFilesPerZip: MAX_FILES_PER_ZIP,
          errors: problem ? [{ text: problem, href: '#inbox-files' }] : [],
        },
        // 422 like any refused form shown again, which the audit of pupil data counts as a read.
        problem ? 422 : 200,
      );
    },
  );

  // Several files at once, as one zip streamed as it is written: each file is downloaded exactly as one alone is
  // (recorded, collected on the first download, audited), when its turn in the zip comes.
  app.post<{ Body: { file?: string | string[] } }>(
    '/inbox/download',
    { config: { access: 'transfers:receive' } },
    async (request, reply) => {
      const user = request.user!;
      const chosen = [request.body?.file ?? []].flat().filter((id): id is string => typeof id === 'string');
      const ids = [...new Set(chosen)];
      if (ids.length === 0) return reply.redirect('/inbox?problem=none-chosen', 303);
      if (ids.length > MAX_FILES_PER_ZIP) return reply.redirect('/inbox?problem=too-many', 303);
      // Every file is checked before the zip starts, so that one not the user's refuses the request whole.
      const files = [];
      for (const id of ids) {
        const file = isUuid(id) ? await fileFor(services.db, user, id) : undefined;
        if (!file || file.status !== 'delivered' || !fileActions(user, file).download) return reply.callNotFound();
        files.push(file);
      }
      const names = new Set<string>();
      const entries: ZipEntryInput[] = files.map((file) => {
        let name = file.fileName;
        for (let n = 2; names.has(name.toUpperCase()); n++) name = `${n}_${file.fileName}`;
        names.add(name.toUpperCase());
        return {
          name,
          modified: file.receivedAt,
          open: async () => {
            const download = await downloadFile(services, user, file.id, request.ip);
            if (!download) throw new Error('a file of the zip could no longer be downloaded');
            return download.content;
          },
        };
      });
      return reply
        .header('content-type', 'application/zip')
        .header('content-disposition', contentDisposition(`inbox-${londonDate(services.now())}.zip`))
        .send(Readable.from(writeZip(entries)));
    },
  );

  // The sent list names each CTF's pupils: the sender sent them. A read of pupil data, audited as one.
  app.get('/sent', { config: { access: 'transfers:send', pupilData: true } }, async (request, reply) => {
    const now = services.now();
    const user = request.user!;
    const sent = (await listSent(services.db, user)).map((f) => ({
      ...f,
      state: stateTags[sentState(f)],
      expiringSoon: expiresSoon(f, now),
    }));
    const files = await withPupilNames(
      sent,
      (id, max) => pupilsInSentFile(services, id, user, max),
      (fileId, error) => request.log.error({ err: error, fileId }, 'could not read a file’s pupils for the sent list'),
    );
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
