/**
 * Registering a new pupil from the CTF they brought: the school uploads the file, picks the pupil when it holds
 * several, and checks the registration form filled in from it; registering is then the ordinary form's. The file is
 * read in memory and not kept.
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { readCtfPupils, readUploadForm, type CtfProblem } from '../platform/ctf-upload.js';
import type { Services } from '../platform/services.js';
import { HttpError } from '../platform/web/http-error.js';
import { gateRefusal, uploadGateFor } from '../transfers/public.js';
import type { Form } from '../platform/web/date-parts.js';
import {
  MAX_PUPILS_TO_CHOOSE,
  choiceValue,
  chosenValues,
  offeredChoices,
  previousSchoolOf,
  registrationValues,
} from './joiner-from-ctf.js';

export const joinerFromCtfPages: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  /** The registration form, filled in from the file (or empty, with what was wrong with the file). */
  function registerPage(
    reply: FastifyReply,
    options: { values?: Form; fromCtf?: string; problems?: CtfProblem[]; error?: string; status?: number },
  ) {
    const problems = options.problems ?? [];
    const message =
      options.error ?? (problems.length > 0 ? 'The file is not a CTF s2s can read: see what is wrong' : '');
    return reply.render(
      'joiners/views/register.njk',
      {
        title: 'Register a new pupil',
        values: options.values ?? {},
        fromCtf: options.fromCtf,
        problems,
        errors: message ? [{ text: message, href: problems.length > 0 ? '#file-problems' : '#ctf' }] : [],
      },
      options.status ?? 200,
    );
  }

  function choicePage(
    reply: FastifyReply,
    fileName: string,
    choices: ReturnType<typeof offeredChoices>,
    error?: string,
  ) {
    return reply.render(
      'joiners/views/choose-pupil.njk',
      {
        title: 'Which pupil are you registering?',
        fileName,
        choices,
        errors: error ? [{ text: error, href: '#pupil' }] : [],
      },
      error ? 422 : 200,
    );
  }

  app.post(
    '/joiners/from-ctf',
    { config: { access: 'joiners:register', csrfInHandler: true } },
    async (request, reply) => {
      const user = request.user!;
      // The file is held in memory while it is read: uploads share the process's bounded slots with sending files.
      const entered = uploadGateFor(services).enter(user);
      if ('refused' in entered) {
        const { statusCode, code, message } = gateRefusal(entered.refused);
        reply.header('retry-after', '10');
        throw new HttpError(statusCode, code, message);
      }
      let upload;
      try {
        upload = await readUploadForm(request, services.keys.csrfKey, services.config.maxFileMb * 1024 * 1024);
      } finally {
        entered.release();
      }
      if (!upload) return registerPage(reply, { error: 'Choose the CTF the pupil brought', status: 400 });
      if (upload.tooLarge)
        return registerPage(reply, {
          error: `The file is larger than the limit of ${services.config.maxFileMb} MB`,
          status: 413,
        });
      const read = await readCtfPupils(upload.bytes, upload.fileName);
      if (!read.ok) return registerPage(reply, { problems: read.problems, status: 422 });
      if (read.pupils.length === 0) return registerPage(reply, { error: 'The CTF holds no pupils', status: 422 });
      if (read.pupils.length > MAX_PUPILS_TO_CHOOSE)
        return registerPage(reply, {
          error: `The CTF holds ${read.pupils.length} pupils; choose from at most ${MAX_PUPILS_TO_CHOOSE}. Register the pupil by typing their details`,
          status: 422,
        });
      const previous = previousSchoolOf(read.header, user);
      if (read.pupils.length === 1)
        return registerPage(reply, {
          values: registrationValues(read.pupils[0]!, previous),
          fromCtf: read.fileName,
        });
      return choicePage(
        reply,
        read.fileName,
        read.pupils.map((p) => ({ pupil: p, value: choiceValue(p, previous) })),
      );
    },
  );

  app.post<{ Body: Form & { fileName?: string } }>(
    '/joiners/from-ctf/choose',
    { config: { access: 'joiners:register' } },
    async (request, reply) => {
      const fileName = typeof request.body?.fileName === 'string' ? request.body.fileName.slice(0, 200) : 'the CTF';
      const values = chosenValues(request.body?.pupil);
      if (!values) {
        const choices = offeredChoices(request.body?.offered);
        if (choices.length === 0)
          return registerPage(reply, {
            error: 'Choose the CTF again, then select the pupil you are registering',
            status: 400,
          });
        return choicePage(reply, fileName, choices, 'Select the pupil you are registering');
      }
      return registerPage(reply, { values, fromCtf: fileName });
    },
  );
};
