/**
 * Enquiries' effect of a file arriving in the repository (or repaired there): its pupils are checked against the open
 * missing-pupil enquiries moments after the upload commits, by the job queue, so the sender never waits for matching.
 * Run again after a crash it alerts nobody twice: a match and its notification commit together, and a match already
 * recorded is not notified again.
 */
import { noticeOf, type AfterCommitEffect } from '../transfers/public.js';
import { alertEnquiries } from './alert-enquiries.js';

export const ENQUIRY_ALERT_JOB = 'enquiry-alerts';

export const enquiryAlertEffect: AfterCommitEffect = {
  kind: ENQUIRY_ALERT_JOB,
  on: ['file.accepted', 'file.repaired'],
  wants: (event) => event.kind === 'file.repaired' || (event.kind === 'file.accepted' && event.to === 'repository'),
  handler: (services) => async (job) => {
    const { fileId } = noticeOf(job.payload);
    const alerted = await services.db.transaction().execute(async (trx) => {
      const records = await trx
        .selectFrom('repository_records')
        .select(['id', 'upn', 'surname', 'forename', 'date_of_birth', 'sex'])
        .where('file_id', '=', fileId)
        .where('status', '<>', 'expired')
        .orderBy('pupil_index')
        .execute();
      return alertEnquiries(
        trx,
        services.now(),
        records.flatMap((r) =>
          r.date_of_birth && r.surname && r.forename
            ? [
                {
                  kind: 'repository' as const,
                  id: r.id,
                  upn: r.upn,
                  surname: r.surname,
                  forename: r.forename,
                  date_of_birth: r.date_of_birth,
                  sex: r.sex,
                },
              ]
            : [],
        ),
      );
    });
    return { alerted };
  },
};
