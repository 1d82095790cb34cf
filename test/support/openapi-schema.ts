/**
 * The s2s API's paths, operations and schemas as TypeScript types, generated from /api/v1/openapi.json. Do not edit:
 * run `npx tsx scripts/api-types.ts` after changing an API route's declaration.
 */
export interface paths {
  '/api/v1/files': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Send files
     * @description multipart/form-data with one or more parts named "file". A .zip part is unpacked and each entry treated as a file; the request waits up to S2S_ZIP_WAIT_SECONDS (20 s) for its zips, then answers 202 with each one’s job to follow. Each file is checked by the CTF engine; a refused file is not stored. The answer has one entry per file judged, and one per .zip in `jobs`. Send an Idempotency-Key header to make retries safe: a retried request gets the first answer and stores nothing twice. A request that died part-way holds its key for at most about 10 seconds, then a retry goes ahead; files it had stored are reported as delivered with duplicateOf. Without a key, a file stored by a request whose answer never reached the sender is also reported as delivered with duplicateOf when sent again.
     */
    post: operations['postApiV1Files'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/inbox': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Files waiting for your organisation */
    get: operations['getApiV1Inbox'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/sent': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Files your organisation sent, with who collected them and when */
    get: operations['getApiV1Sent'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/jobs': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Your organisation’s .zip uploads of the last week, newest first
     * @description Each `{ id, zipName, state, sentAt, finishedAt, filesJudged, error }`; `state` is `waiting`, `unpacking`, `done` or `failed`, and `error` says why a failed one failed (null otherwise). Ask here when an upload of a .zip lost its answer, instead of sending the zip again.
     */
    get: operations['getApiV1Jobs'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/jobs/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * What became of one .zip upload, and each of its files
     * @description `{ id, zipName, state, sentAt, finishedAt, filesJudged, error, files }`: `files` are the per-file results the upload answers (`FileResult`), every one once `done`, those judged so far while `unpacking` (or before it `failed`). `error` says why a failed job failed, null otherwise: a job whose node stopped part-way through it on each of S2S_JOB_MAX_ATTEMPTS starts (5) is given up, and says so. Any user of the sending organisation may ask, for S2S_JOB_RETENTION_DAYS (30) after it finished.
     */
    get: operations['getApiV1JobsById'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/files/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** A file’s details */
    get: operations['getApiV1FilesById'];
    put?: never;
    post?: never;
    /** Remove a file you sent that has not been collected */
    delete: operations['deleteApiV1FilesById'];
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/files/{id}/content': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Collect a file: exactly the bytes sent
     * @description Records who collected it and when (re-downloads are allowed and recorded). X-Content-SHA256 carries the SHA-256 of the body.
     */
    get: operations['getApiV1FilesByIdContent'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/repository/search': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Search the unknown-destination repository
     * @description Finds children whose CTF was sent to XXXXXXX or MMMMMMM in the last 12 months. Details go in the JSON body, never the URL: a UPN (also matched against former UPNs), or a surname with a date of birth; a first name makes the search sharper. Spelling slips, sound-alike spellings, accents, either part of a double-barrelled surname, former and preferred surnames, short forms of first names, a middle name given as the first name, and a date of birth with day and month swapped or one digit wrong are all allowed for. At most 10 results above the match threshold, best first; each search is audited with its criteria and spends one lookup from the user’s budget.
     */
    post: operations['postApiV1RepositorySearch'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/repository/records/{id}/open': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Open a record a search showed you, saying why */
    post: operations['postApiV1RepositoryRecordsByIdOpen'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/repository/records/{id}/content': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Download the child’s CTF
     * @description A CTF holding only this child: the original header and the pupil’s XML, byte for byte. Only for the user who opened the record.
     */
    get: operations['getApiV1RepositoryRecordsByIdContent'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/repository/records/{id}/found': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Mark the child as found
     * @description By the organisation that opened the record. The record leaves active search; the LA the child left sees it was found.
     */
    post: operations['postApiV1RepositoryRecordsByIdFound'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/repository/found': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Children from your LA’s schools who were found
     * @description For LA users: who found each child, when, and where the child is.
     */
    get: operations['getApiV1RepositoryFound'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/joiners': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Your school’s new pupils and where each search stands */
    get: operations['getApiV1Joiners'];
    put?: never;
    /**
     * Register a new pupil who joined without a CTF
     * @description For school users. s2s searches the unknown-destination repository with the details (counted and audited as your search), lists CTFs from the previous school already in your inbox, and asks the previous school for the CTF; `receivedIn` names a CTF already in your inbox that carries the pupil. With no previous school, the search passes to your LA at once, unless a repository record matches so strongly (`strongMatch`) that it waits for you to say whether it is your pupil (`POST /api/v1/joiners/{id}/match`). `matchesChecked` is false (with `retryAfterSeconds`) when your lookups in the last minute (searches, new pupils and enquiries together) reached the limit.
     */
    post: operations['postApiV1Joiners'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/joiners/{id}/match': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Say whether the strongly matching repository record is your new pupil’s
     * @description `same-child` ends the search with the record’s CTF (open the record to download it); `not-this-child` lets the search go on: to your LA at once when the previous school is not known.
     */
    post: operations['postApiV1JoinersByIdMatch'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/joiners/with-la': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * New pupils at your LA’s schools whose records were not found
     * @description For LA users: searches passed to the LA because the previous school was not known, held no record, or did not answer in time.
     */
    get: operations['getApiV1JoinersWithLa'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/ctf-requests': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Requests for your former pupils’ CTFs: waiting for your answer, or for the CTF you sent */
    get: operations['getApiV1CtfRequests'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/ctf-requests/{id}/answer': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Answer a request: the CTF was sent, or you hold no record
     * @description `{ "answer": "sent" }` says your school has sent the CTF to the requesting school (optionally naming it by `fileId`). The request is answered when a CTF carrying the pupil (by UPN, or by name and date of birth) reaches that school: `state` is `received` when one of the CTFs you sent it already does, `said-sent` while none does; if none arrives by `arrivalDueOn`, the search passes to the new school’s LA. `{ "answer": "no-record", "note": "…" }` passes the search to the new school’s LA at once and tells the new school.
     */
    post: operations['postApiV1CtfRequestsByIdAnswer'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/leavers': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Your school’s leavers and where each CTF stands */
    get: operations['getApiV1Leavers'];
    put?: never;
    /**
     * Record a pupil leaving your school
     * @description For school users. With `destination` "school", give `destinationLAEstab`; otherwise give `reason` (and `reasonNote` when it is "other"): for "unknown", moved-address-unknown, not-returned or other; for "outside-maintained-sector", independent-school, abroad, scotland-or-northern-ireland or other. `leftOn` is within the last year, or up to a month ahead. The CTF is due within 15 school days of leaving. s2s marks it sent when a CTF from your school carrying the pupil’s UPN has been sent (in the 60 days before leaving, or afterwards), and reminds your school until then.
     */
    post: operations['postApiV1Leavers'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/leavers/from-ctf': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Record every pupil of a CTF your school is sending as a leaver
     * @description Send the CTF as the body (Content-Type application/xml) or as multipart/form-data with one part named "file". The file is read, not stored or sent. It must be from your school, addressed to a school (its LAEstab), XXXXXXX (destination not known) or MMMMMMM (outside the maintained sector); each pupil becomes a leaver going there, on `leftOn`. For XXXXXXX and MMMMMMM give `reason` (and `reasonNote` for "other"), as for one leaver. Pupils your school already recorded as leaving in the last year are skipped and named in `alreadyRecorded`. Nothing is recorded when the file or any pupil has a problem.
     */
    post: operations['postApiV1LeaversFromCtf'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/leavers/at-your-schools': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Leavers from your LA’s schools whose CTF has not been sent, or whose destination is not known */
    get: operations['getApiV1LeaversAtYourSchools'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/enquiries': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Your LA’s enquiries, with recipients, answers and matches */
    get: operations['getApiV1Enquiries'];
    put?: never;
    /**
     * Start a missing-pupil enquiry (a draft)
     * @description For LA users. A draft is neither sent nor looked up, and spends none of your lookups; `matches` is always empty here: the matches come once the enquiry is sent, on GET /api/v1/enquiries/{id}. Choose LAs with /send.
     */
    post: operations['postApiV1Enquiries'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/enquiries/received': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Enquiries other LAs sent to your LA, with their reason for choosing you */
    get: operations['getApiV1EnquiriesReceived'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/enquiries/{id}': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** One of your LA’s enquiries */
    get: operations['getApiV1EnquiriesById'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/enquiries/{id}/send': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Send a draft enquiry to chosen LAs, each with a reason
     * @description `{ "recipients": [{ "laCode": "909", "reason": "Mother has family in Kestrel Moor" }] }`. There is no “send to all”: at most 20 LAs, and more than S2S_ENQUIRY_LAS_WITHOUT_APPROVAL (default 3) waits for your LA administrator’s approval. Sending spends one lookup from your budget; once the enquiry goes out (now, or on approval) its details are matched against the repository (as your own, audited search), against new pupils registered at any school and, given a UPN with an agreeing name and date of birth, against the CTFs schools sent in the last year carrying it. The matches (`kind` `repository`, `joiner` or `sent-ctf`, with `where`) are on GET /api/v1/enquiries/{id}.
     */
    post: operations['postApiV1EnquiriesByIdSend'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/enquiries/{id}/approve': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Approve an enquiry to many LAs (LA administrators) */
    post: operations['postApiV1EnquiriesByIdApprove'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/enquiries/{id}/send-back': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Send an enquiry waiting for approval back to its officer, saying why (LA administrators)
     * @description The enquiry is a draft again and nothing is sent to any LA; the officer is notified and reads the reason on the enquiry.
     */
    post: operations['postApiV1EnquiriesByIdSendBack'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/enquiries/{id}/answer': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Answer an enquiry sent to your LA
     * @description `detail` is needed for `known`.
     */
    post: operations['postApiV1EnquiriesByIdAnswer'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/enquiries/{id}/close': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Record an enquiry’s outcome and close it
     * @description `note` is needed for `other`.
     */
    post: operations['postApiV1EnquiriesByIdClose'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/notifications': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Your notifications, newest first
     * @description What needs you: requests, enquiries and answers, likely matches. A notification never names a child; its link leads to the page that does.
     */
    get: operations['getApiV1Notifications'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/notifications/read': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /** Mark all your notifications read */
    post: operations['postApiV1NotificationsRead'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/cme-cases': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Your LA’s register, with school days out of education against the CME threshold */
    get: operations['getApiV1CmeCases'];
    put?: never;
    /**
     * Open a case on your LA’s register of children missing education
     * @description `{ "enquiryId": "…" }` takes the child’s details from one of your LA’s enquiries, and `{ "leaverId": "…" }` from a leaver recorded by one of its schools (whose leaving date is then the date last in education unless you give `lastInEducationOn`); otherwise send `surname`, `forename`, `dateOfBirth` (and `sex`, `upn` if known). Always `identifiedOn`, and `lastInEducationOn` except for a leaver (dates). A leaver goes on the register once.
     */
    post: operations['postApiV1CmeCases'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/cme-cases/{id}/close': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    get?: never;
    put?: never;
    /**
     * Close a case with its outcome
     * @description `note` is needed for `other`.
     */
    post: operations['postApiV1CmeCasesByIdClose'];
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/reports/cme': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Your LA’s CME figures for a school year
     * @description Children identified, returned to education, still missing, and the median days from identification to resolution.
     */
    get: operations['getApiV1ReportsCme'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/reports/national': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Every LA’s CME figures, with small numbers withheld, and the repository’s size and age (DfE)
     * @description Counts under 5, and counts that would reveal one, are shown as "c". No child-level data.
     */
    get: operations['getApiV1ReportsNational'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/establishments': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /**
     * Find a school
     * @description Search the establishment register by name, LAEstab (8231234 or 823/1234), URN, or a 3-digit LA code. At most 50 results.
     */
    get: operations['getApiV1Establishments'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
  '/api/v1/me': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Who this token acts as */
    get: operations['getApiV1Me'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    UploadAnswer: {
      /** @description One entry per file judged by the time of the answer, in the order sent: every plain file, and the entries of each .zip unpacked in time. The entries of a .zip still being unpacked are at its job’s statusUrl. */
      files: components['schemas']['UploadResult'][];
      /** @description One entry per .zip of the request (none without a .zip), finished or not. */
      jobs: components['schemas']['ZipJobAnswer'][];
    };
    UploadResult: {
      id: string | null;
      fileName: string;
      /** @description What the file is: a CTfile or ATfile root makes it a CTF or ATF whatever its name says */
      fileType: ('CTF' | 'ATF' | 'census' | 'generic') | null;
      source: string | null;
      /** @description Where it was delivered (a renumbered school’s new number) */
      destination: string | null;
      destinationKind: ('school' | 'la' | 'unknown' | 'outside-maintained-sector') | null;
      pupils: number;
      sha256: string | null;
      /** @enum {string} */
      status: 'delivered' | 'in-repository' | 'rejected';
      errors?: components['schemas']['Problem'][];
      warnings?: components['schemas']['Problem'][];
      /** @description What the recipient is told about the accepted file too, and should be checked: UPN_SEEN_WITH_OTHER_IDENTITY, a pupil’s UPN seen before with a different name or date of birth. Absent when there are none. */
      cautions?: components['schemas']['Problem'][];
      /** @description The old number the sender used */
      redirectedFrom?: string;
      /**
       * Format: uuid
       * @description The file already stored with these bytes. On a refused DUPLICATE, the earlier file; on a delivered entry, the file an earlier request stored without its answer reaching you (the same as id): it is delivered once.
       */
      duplicateOf?: string;
    };
    Problem: {
      /** @description Stable code, e.g. UPN_CHECK_LETTER, FILE_NAME_INVALID, DESTINATION_CLOSED, DUPLICATE, FILE_TOO_LARGE, TOO_MANY_PUPILS (more pupils than S2S_MAX_PUPILS_PER_FILE, 15,000, in one file), NOT_A_CTF_FOR_REPOSITORY (only a CTF can go to XXXXXXX or MMMMMMM); as a warning, FILE_NAME_TYPE_MISMATCH (the name gives another type than the content, which decides); as a caution, UPN_SEEN_WITH_OTHER_IDENTITY (a pupil’s UPN was seen before with a different name or date of birth: check the pupil’s identity before importing) */
      code: string;
      /** @description What is wrong and what to do, in plain English */
      message: string;
      line?: number;
      column?: number;
      /** @description Element path in the XML, e.g. /CTfile/CTFpupilData/Pupil[3]/UPN */
      path?: string;
    };
    ZipJobAnswer: {
      /**
       * Format: uuid
       * @description The job unpacking the .zip
       */
      id: string;
      zipName: string;
      /**
       * @description Where the job had got to when the request was answered
       * @enum {string}
       */
      state: 'waiting' | 'unpacking' | 'done' | 'failed';
      /** @description `/api/v1/jobs/{id}`: the job’s state and every file’s result, then and later */
      statusUrl: string;
    };
    Error: {
      error: {
        /** @description Stable code, such as NOT_FOUND or INVALID_SEARCH */
        code: string;
        /** @description What is wrong and what to do, in plain English */
        message: string;
        /** @description For invalid details: each field and why */
        fields?: components['schemas']['FieldError'][];
      };
    };
    /** @description One field’s problem: the field, and what is wrong with it in words. */
    FieldError: {
      field: string;
      message: string;
    };
    InboxFile: {
      /** Format: uuid */
      id: string;
      fileName: string;
      /** @enum {string} */
      fileType: 'CTF' | 'ATF' | 'census' | 'generic';
      source: string;
      destination: string;
      sha256: string;
      pupils: number;
      size: number;
      /** Format: date-time */
      receivedAt: string;
      collectedAt: string | null;
      /** @description What s2s found when the file arrived that its sender and recipient should know, e.g. UPN_SEEN_WITH_OTHER_IDENTITY: a pupil’s UPN was seen before with a different name or date of birth (never saying which, or who sent it). Empty for most files. */
      cautions: components['schemas']['Problem'][];
    };
    SentFile: {
      /** Format: uuid */
      id: string;
      fileName: string;
      /** @enum {string} */
      fileType: 'CTF' | 'ATF' | 'census' | 'generic';
      source: string;
      destination: string;
      sha256: string;
      pupils: number;
      size: number;
      /** Format: date-time */
      receivedAt: string;
      collectedAt: string | null;
      /** @description What s2s found when the file arrived that its sender and recipient should know, e.g. UPN_SEEN_WITH_OTHER_IDENTITY: a pupil’s UPN was seen before with a different name or date of birth (never saying which, or who sent it). Empty for most files. */
      cautions: components['schemas']['Problem'][];
      deliveredTo: string | null;
      redirectedFrom: string | null;
      /** @enum {string} */
      state: 'waiting' | 'collected' | 'in-repository' | 'expired' | 'removed';
      /** @description Email of the person who first collected it */
      collectedBy: string | null;
      /** Format: date-time */
      expiresAt: string;
      removedAt: string | null;
    };
    ZipJob: {
      /** Format: uuid */
      id: string;
      zipName: string;
      /** @enum {string} */
      state: 'waiting' | 'unpacking' | 'done' | 'failed';
      /** Format: date-time */
      sentAt: string;
      finishedAt: string | null;
      filesJudged: number;
      /** @description Why a failed zip failed, in words to act on; null unless `failed` */
      error: string | null;
    };
    ZipJobWithFiles: {
      /** Format: uuid */
      id: string;
      zipName: string;
      /** @enum {string} */
      state: 'waiting' | 'unpacking' | 'done' | 'failed';
      /** Format: date-time */
      sentAt: string;
      finishedAt: string | null;
      filesJudged: number;
      /** @description Why a failed zip failed, in words to act on; null unless `failed` */
      error: string | null;
      /** @description Each file’s result, in the zip’s order: all of them once done, those judged so far while unpacking. */
      files: components['schemas']['UploadResult'][];
    };
    /** @description Only what a person needs to recognise the child. */
    RepositoryMatch: {
      /** Format: uuid */
      id: string;
      surname: string | null;
      forename: string | null;
      dateOfBirth: string | null;
      sex: string | null;
      leftLAEstab: string | null;
      leftSchoolName: string | null;
      leftOn: string | null;
      score: number;
      /** @description Why it matched, in words: "UPN matches", "surname sounds alike", "day and month of birth swapped" */
      reasons: string[];
    };
    OpenedRecord: {
      /** Format: uuid */
      id: string;
      surname: string | null;
      forename: string | null;
      dateOfBirth: string | null;
      sex: string | null;
      leftLAEstab: string | null;
      leftSchoolName: string | null;
      leftOn: string | null;
      /** @enum {string} */
      status: 'active' | 'found' | 'expired';
      upn: string | null;
      formerUpns: string[];
      middleNames: string | null;
      preferredSurname: string | null;
      preferredForename: string | null;
      formerSurname: string | null;
      formerForename: string | null;
      postcode: string | null;
      leftLA: string | null;
      /** Format: date-time */
      uploadedAt: string;
      /** Format: date-time */
      expiresAt: string;
      found: {
        /** Format: date-time */
        at: string;
        byOrg: string;
        /** @enum {string} */
        outcome: 'enrolled' | 'known-elsewhere';
        laestab: string | null;
        note: string | null;
      } | null;
    };
    FoundRecord: {
      /** Format: uuid */
      id: string;
      surname: string | null;
      forename: string | null;
      dateOfBirth: string | null;
      leftLAEstab: string | null;
      leftSchoolName: string | null;
      leftOn: string | null;
      /** Format: date-time */
      foundAt: string;
      foundBy: string | null;
      foundByOrg: string;
      foundByOrgName: string | null;
      /** @enum {string} */
      outcome: 'enrolled' | 'known-elsewhere';
      enrolledAt: string | null;
      note: string | null;
    };
    NewPupilSummary: {
      /** Format: uuid */
      id: string;
      schoolLAEstab: string;
      schoolName: string | null;
      surname: string;
      forename: string;
      /** Format: date */
      dateOfBirth: string;
      upn: string | null;
      previousLAEstab: string | null;
      previousSchoolName: string | null;
      /** Format: date */
      joinedOn: string;
      /** Format: date-time */
      registeredAt: string;
      /** @enum {string} */
      state: 'seeking' | 'received' | 'with-la';
      withLaReason: ('no-previous-school' | 'unanswered' | 'no-record' | 'sent-not-received') | null;
      withLaAt: string | null;
      /** @description The CTF that carried the pupil: in your inbox, or in the unknown-destination repository. */
      ctfFileId: string | null;
      /** @description A repository record that strongly matches the pupil, which your school has not yet looked at: the search waits for you before it passes to your LA. */
      matchToReview: string | null;
      /** @description The repository record your school said is the pupil’s (the CTF is that record’s). */
      foundInRepository: string | null;
      /** @description The request to the previous school for the CTF, if one was made. */
      request: {
        /** Format: date-time */
        requestedAt: string;
        /** Format: date */
        dueOn: string;
        /** @description What the previous school answered; "sent" with state "seeking" means its CTF has not arrived yet. */
        answer: ('sent' | 'no-record') | null;
        /** @description After a "sent" answer: the school day by which the CTF must arrive before the LA takes over. */
        arrivalDueOn: string | null;
        note: string | null;
      } | null;
    };
    CtfRequest: {
      /** Format: uuid */
      id: string;
      /** Format: uuid */
      joinerId: string;
      surname: string;
      forename: string;
      /** Format: date */
      dateOfBirth: string;
      upn: string | null;
      requestingLAEstab: string;
      requestingSchoolName: string | null;
      /** Format: date-time */
      requestedAt: string;
      /** Format: date */
      dueOn: string;
      /** @description "sent": you said you had sent the CTF, and it has not yet reached the school carrying the pupil. */
      answer: 'sent' | null;
      /** @description After "sent": the day by which it must arrive. */
      arrivalDueOn: string | null;
    };
    LeaverSummary: {
      /** Format: uuid */
      id: string;
      schoolLAEstab: string;
      schoolName: string | null;
      surname: string;
      forename: string;
      /** Format: date */
      dateOfBirth: string;
      upn: string;
      /** Format: date */
      leftOn: string;
      /** @enum {string} */
      destination: 'school' | 'unknown' | 'outside-maintained-sector';
      destinationLAEstab: string | null;
      destinationName: string | null;
      reason:
        | (
            | 'moved-address-unknown'
            | 'not-returned'
            | 'independent-school'
            | 'abroad'
            | 'scotland-or-northern-ireland'
            | 'other'
          )
        | null;
      reasonNote: string | null;
      /**
       * Format: date
       * @description 15 school days after leaving.
       */
      ctfDueOn: string;
      /** @enum {string} */
      ctf: 'sent' | 'due' | 'overdue';
      /** @description School days past the due date; null when the due date is outside the school calendar. */
      schoolDaysOverdue: number | null;
      /** @description Where the CTF went: a LAEstab, XXXXXXX or MMMMMMM. */
      ctfSentTo: string | null;
      ctfSentAt: string | null;
      /**
       * Format: uuid
       * @description For LA users: the case on your CME register opened from this leaver.
       */
      cmeCaseId?: string;
    };
    Enquiry: {
      /** Format: uuid */
      id: string;
      laCode: string;
      surname: string;
      forename: string;
      /** Format: date */
      dateOfBirth: string;
      sex: ('M' | 'F') | null;
      upn: string | null;
      lastAddress: string;
      concern: string;
      /** @enum {string} */
      state: 'draft' | 'awaiting-approval' | 'sent' | 'closed';
      /** Format: date-time */
      createdAt: string;
      sentAt: string | null;
      outcome: ('found-in-school' | 'found-elsewhere' | 'not-found' | 'other') | null;
      outcomeNote: string | null;
      /** @description While a draft again: why your LA administrator sent it back. */
      sentBack: {
        reason: string;
        /** Format: date-time */
        at: string;
      } | null;
      recipients: {
        laCode: string;
        laName: string | null;
        reason: string;
        sentAt: string | null;
        answer: ('known' | 'not-known' | 'checking') | null;
        answerDetail: string | null;
        answeredAt: string | null;
      }[];
      matches: {
        /** @enum {string} */
        kind: 'repository' | 'joiner' | 'sent-ctf';
        /** Format: uuid */
        refId: string;
        score: number;
        reasons: string[];
        /** Format: date-time */
        foundAt: string;
        /** @description Where the match is: the school the child left (repository) or joined (new pupil), or where a CTF went. */
        where: string | null;
      }[];
    };
    ReceivedEnquiry: {
      /** Format: uuid */
      id: string;
      fromLa: string;
      fromLaName: string | null;
      surname: string;
      forename: string;
      /** Format: date */
      dateOfBirth: string;
      sex: ('M' | 'F') | null;
      upn: string | null;
      lastAddress: string;
      concern: string;
      /** @description Why the enquiring LA chose yours. */
      reason: string;
      /** Format: date-time */
      sentAt: string;
      answer: ('known' | 'not-known' | 'checking') | null;
      answerDetail: string | null;
      closed: boolean;
    };
    Notification: {
      /** Format: uuid */
      id: string;
      kind: string;
      message: string;
      link: string;
      /** Format: date-time */
      createdAt: string;
      read: boolean;
      /** @description How many times the same notice came while unread (its newest time is createdAt). */
      times: number;
    };
    CmeCase: {
      /** Format: uuid */
      id: string;
      /** @enum {string} */
      source: 'enquiry' | 'new-pupil' | 'by-hand' | 'leaver';
      surname: string;
      forename: string;
      /** Format: date */
      dateOfBirth: string;
      /** Format: date */
      lastInEducationOn: string;
      /** Format: date */
      identifiedOn: string;
      /** @enum {string} */
      state: 'open' | 'closed';
      outcome: ('back-in-school' | 'educated-otherwise' | 'left-the-area' | 'other') | null;
      resolvedOn: string | null;
      /** @description School days out of education so far (open) or until resolved (closed); null when not countable. */
      schoolDaysOut: number | null;
      /** @description Past the CME threshold; null when the school days are not known. */
      overThreshold: boolean | null;
    };
    Establishment: {
      /** @description LA code and establishment number */
      laestab: string;
      urn: string | null;
      name: string;
      laCode: string;
      laName: string;
      type: string;
      phase: string;
      /** @description As the register gives it: Open, Closed, Open, but proposed to close, Proposed to open */
      status: string;
      town: string;
      postcode: string;
      closeDate: string | null;
      /** @description The number this school had before it was renumbered */
      previousLaestab: string | null;
    };
  };
  responses: {
    /** @description No such file, or not one this user may see (the two are deliberately indistinguishable). */
    NotFound: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['Error'];
      };
    };
    /** @description No valid API token was sent. */
    Unauthenticated: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['Error'];
      };
    };
    /** @description The token’s user does not have the permission. */
    Forbidden: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['Error'];
      };
    };
    /** @description The address is not valid percent-encoding (BAD_ADDRESS): check any % in the id or query. */
    BadAddress: {
      headers: {
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['Error'];
      };
    };
    /** @description Too many lookups in the last minute (SEARCH_RATE_LIMITED): repository searches, new pupils and enquiries share one budget per user (S2S_REPOSITORY_SEARCHES_PER_MINUTE). Retry after Retry-After seconds. */
    LookupsRefused: {
      headers: {
        /** @description Seconds until the minute’s budget renews. */
        'Retry-After'?: number;
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['Error'];
      };
    };
    /** @description The node is busy (BUSY), the database cannot be reached for the moment (DATABASE_UNAVAILABLE), or storage is full (STORAGE_FULL). Nothing from the request was kept: retry after Retry-After seconds, with the same Idempotency-Key for an upload. */
    Unavailable: {
      headers: {
        /** @description Seconds to wait before retrying. */
        'Retry-After'?: number;
        [name: string]: unknown;
      };
      content: {
        'application/json': components['schemas']['Error'];
      };
    };
  };
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
  postApiV1Files: {
    parameters: {
      query?: never;
      header?: {
        /** @description 1 to 200 visible ASCII characters; the same key and files again is answered the first answer. */
        'Idempotency-Key'?: string;
      };
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'multipart/form-data': {
          /** @description One part per file, each named "file"; a .zip is unpacked. */
          file: Blob[];
        };
      };
    };
    responses: {
      /** @description Every file was accepted. */
      201: {
        headers: {
          /** @description `true` on the first answer given again to a retry with the same Idempotency-Key. */
          'Idempotent-Replayed'?: 'true';
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['UploadAnswer'];
        };
      };
      /** @description A .zip of the request is still being unpacked after S2S_ZIP_WAIT_SECONDS (20 s): it goes on being unpacked, and its files are delivered one by one. `files` holds the results of the plain files (whether accepted or refused) and of any .zip finished in time; `jobs` names each .zip with its state and statusUrl, and Location is the statusUrl of the first still being unpacked. Ask there, never send the .zip again; a retry with the same Idempotency-Key is answered this same 202. */
      202: {
        headers: {
          /** @description The status address of the first .zip still being unpacked: /api/v1/jobs/{id} */
          Location?: string;
          /** @description `true` on the first answer given again to a retry with the same Idempotency-Key. */
          'Idempotent-Replayed'?: 'true';
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['UploadAnswer'];
        };
      };
      /** @description Some files were accepted, some refused. */
      207: {
        headers: {
          /** @description `true` on the first answer given again to a retry with the same Idempotency-Key. */
          'Idempotent-Replayed'?: 'true';
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['UploadAnswer'];
        };
      };
      /** @description No files in the request (NO_FILES); a body that is not well-formed multipart/form-data, perhaps cut short (MALFORMED_UPLOAD), of which nothing is kept; an Idempotency-Key that is not valid (IDEMPOTENCY_KEY_INVALID); or BAD_ADDRESS. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      401: components['responses']['Unauthenticated'];
      403: components['responses']['Forbidden'];
      /** @description A request with this Idempotency-Key is still running (IDEMPOTENCY_KEY_IN_USE). Retry with the same key after Retry-After seconds. */
      409: {
        headers: {
          /** @description Seconds to wait before retrying. */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description More files in one request than S2S_MAX_FILES_PER_REQUEST, 100 (TOO_MANY_FILES): the request is refused whole, none of its files stored or delivered. Send fewer, or put them in a .zip. */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The body is not multipart/form-data (NOT_MULTIPART). */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No file was accepted, each refused file with its errors (such as TOO_MANY_PUPILS); or the Idempotency-Key was reused for other files (IDEMPOTENCY_KEY_REUSED), answered with an error. */
      422: {
        headers: {
          /** @description `true` on the first answer given again to a retry with the same Idempotency-Key. */
          'Idempotent-Replayed'?: 'true';
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['UploadAnswer'] | components['schemas']['Error'];
        };
      };
      /** @description You, or your organisation, already have as many uploads in progress as one may at once (TOO_MANY_UPLOADS, S2S_MAX_CONCURRENT_UPLOADS_PER_USER and _PER_ORG): retry after Retry-After seconds. Nothing from the request was kept. */
      429: {
        headers: {
          /** @description Seconds to wait before retrying. */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      503: components['responses']['Unavailable'];
    };
  };
  getApiV1Inbox: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Newest first. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            files: components['schemas']['InboxFile'][];
          };
        };
      };
      401: components['responses']['Unauthenticated'];
      403: components['responses']['Forbidden'];
      503: components['responses']['Unavailable'];
    };
  };
  getApiV1Sent: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Newest first. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            files: components['schemas']['SentFile'][];
          };
        };
      };
      401: components['responses']['Unauthenticated'];
      403: components['responses']['Forbidden'];
      503: components['responses']['Unavailable'];
    };
  };
  getApiV1Jobs: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The jobs, newest first. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            jobs: components['schemas']['ZipJob'][];
          };
        };
      };
      401: components['responses']['Unauthenticated'];
      403: components['responses']['Forbidden'];
      503: components['responses']['Unavailable'];
    };
  };
  getApiV1JobsById: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The job and its files so far. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['ZipJobWithFiles'];
        };
      };
      400: components['responses']['BadAddress'];
      401: components['responses']['Unauthenticated'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      503: components['responses']['Unavailable'];
    };
  };
  getApiV1FilesById: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The file. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['SentFile'];
        };
      };
      400: components['responses']['BadAddress'];
      401: components['responses']['Unauthenticated'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      503: components['responses']['Unavailable'];
    };
  };
  deleteApiV1FilesById: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Removed; its content is destroyed. */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      400: components['responses']['BadAddress'];
      401: components['responses']['Unauthenticated'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      /** @description Already collected (ALREADY_COLLECTED). */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      503: components['responses']['Unavailable'];
    };
  };
  getApiV1FilesByIdContent: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The file. */
      200: {
        headers: {
          /** @description attachment, with a safe file name chosen by the server */
          'Content-Disposition'?: string;
          /** @description The SHA-256 of the body, in hex: check the bytes against it */
          'X-Content-SHA256'?: string;
          [name: string]: unknown;
        };
        content: {
          'application/octet-stream': Blob;
        };
      };
      400: components['responses']['BadAddress'];
      401: components['responses']['Unauthenticated'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      503: components['responses']['Unavailable'];
    };
  };
  postApiV1RepositorySearch: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          upn?: string;
          surname?: string;
          forename?: string;
          dateOfBirth?: string;
          sex?: string;
          postcode?: string;
          leftLA?: string;
          leftLAEstab?: string;
        };
      };
    };
    responses: {
      /** @description Likely matches, best first (possibly none). */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            results: components['schemas']['RepositoryMatch'][];
          };
        };
      };
      401: components['responses']['Unauthenticated'];
      403: components['responses']['Forbidden'];
      /** @description The details are not valid (INVALID_SEARCH), with each field and why. */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      429: components['responses']['LookupsRefused'];
      503: components['responses']['Unavailable'];
    };
  };
  postApiV1RepositoryRecordsByIdOpen: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @description Why you are opening the record, for the audit trail */
          reason: string;
        };
      };
    };
    responses: {
      /** @description The record’s identity details (UPN, names, date of birth, postcode, school left). */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['OpenedRecord'];
        };
      };
      400: components['responses']['BadAddress'];
      401: components['responses']['Unauthenticated'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      /** @description No reason, or one too short or long (REASON_REQUIRED). */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      503: components['responses']['Unavailable'];
    };
  };
  getApiV1RepositoryRecordsByIdContent: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The CTF. */
      200: {
        headers: {
          /** @description attachment, with a safe file name chosen by the server */
          'Content-Disposition'?: string;
          [name: string]: unknown;
        };
        content: {
          'application/xml': string;
        };
      };
      400: components['responses']['BadAddress'];
      401: components['responses']['Unauthenticated'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      503: components['responses']['Unavailable'];
    };
  };
  postApiV1RepositoryRecordsByIdFound: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json':
          | {
              /** @constant */
              outcome: 'enrolled';
              /** @description The LAEstab of the school the child is enrolled at */
              laestab: string;
              /** @description Ignored when enrolled */
              note?: string;
            }
          | {
              /** @constant */
              outcome: 'known-elsewhere';
              /** @description Where the child is known to be */
              note: string;
              /** @description Ignored when known elsewhere */
              laestab?: string;
            };
      };
    };
    responses: {
      /** @description Marked as found. */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      400: components['responses']['BadAddress'];
      401: components['responses']['Unauthenticated'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      /** @description Already marked as found (ALREADY_FOUND). */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The outcome, LAEstab or note is missing or wrong (INVALID_FOUND). */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      503: components['responses']['Unavailable'];
    };
  };
  getApiV1RepositoryFound: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Newest first. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            records: components['schemas']['FoundRecord'][];
          };
        };
      };
      401: components['responses']['Unauthenticated'];
      403: components['responses']['Forbidden'];
      503: components['responses']['Unavailable'];
    };
  };
  getApiV1Joiners: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Newest first. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            joiners: components['schemas']['NewPupilSummary'][];
          };
        };
      };
      401: components['responses']['Unauthenticated'];
      403: components['responses']['Forbidden'];
      503: components['responses']['Unavailable'];
    };
  };
  postApiV1Joiners: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          surname: string;
          forename: string;
          dateOfBirth: string;
          sex?: string;
          upn?: string;
          previousLAEstab?: string;
          joinedOn: string;
        };
      };
    };
    responses: {
      /** @description Registered. */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** Format: uuid */
            id: string;
            /** @description A CTF already in your inbox that carries the pupil: the search is over. */
            receivedIn: string | null;
            /** @description A repository record so like the pupil that the search waits for you to look at it (see matches). */
            strongMatch?: string | null;
            matchesChecked: boolean;
            /** @description When matchesChecked is false: seconds until a lookup is allowed. */
            retryAfterSeconds?: number;
            matches: components['schemas']['RepositoryMatch'][];
            /** @description CTFs from the previous school already in your inbox. */
            waitingFiles: {
              /** Format: uuid */
              id: string;
              fileName: string;
              /** Format: date-time */
              receivedAt: string;
              pupils: number;
            }[];
            /** @description Given a UPN: any school’s CTFs in the last year carrying it, and where each went. */
            ctfsForUpn: {
              /** Format: uuid */
              fileId: string;
              sentBy: string;
              sentByName: string | null;
              sentTo: string;
              sentToName: string | null;
              /** Format: date-time */
              sentAt: string;
              collected: boolean;
            }[];
          };
        };
      };
      401: components['responses']['Unauthenticated'];
      403: components['responses']['Forbidden'];
      /** @description The details are not valid (INVALID_JOINER), with each field and why. */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      503: components['responses']['Unavailable'];
    };
  };
  postApiV1JoinersByIdMatch: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @enum {string} */
          verdict: 'same-child' | 'not-this-child';
        };
      };
    };
    responses: {
      /** @description Recorded. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @enum {string} */
            verdict: 'same-child' | 'not-this-child';
            /** Format: uuid */
            recordId: string;
            passedToLa: boolean;
          };
        };
      };
      400: components['responses']['BadAddress'];
      401: components['responses']['Unauthenticated'];
      403: components['responses']['Forbidden'];
      /** @description No new pupil of your school with a match waiting for you (NOT_FOUND). */
      404: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description verdict is missing or not one of the two (INVALID_VERDICT). */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      503: components['responses']['Unavailable'];
    };
  };
  getApiV1JoinersWithLa: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Newest first. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            joiners: components['schemas']['NewPupilSummary'][];
          };
        };
      };
      401: components['responses']['Unauthenticated'];
      403: components['responses']['Forbidden'];
      503: components['responses']['Unavailable'];
    };
  };
  getApiV1CtfRequests: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The requests waiting for an answer. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            requests: components['schemas']['CtfRequest'][];
          };
        };
      };
      401: components['responses']['Unauthenticated'];
      403: components['responses']['Forbidden'];
      503: components['responses']['Unavailable'];
    };
  };
  postApiV1CtfRequestsByIdAnswer: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json':
          | {
              /** @constant */
              answer: 'sent';
              /**
               * Format: uuid
               * @description The CTF you sent, when you sent the school more than one.
               */
              fileId?: string;
            }
          | {
              /** @constant */
              answer: 'no-record';
              note?: string;
            };
      };
    };
    responses: {
      /** @description Answered. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @enum {string} */
            state: 'received' | 'said-sent' | 'with-la';
            /** @description The CTF that carried the pupil, when one has arrived. */
            fileId: string | null;
            arrivalDueOn: string | null;
          };
        };
      };
      400: components['responses']['BadAddress'];
      401: components['responses']['Unauthenticated'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      /** @description Already answered (ALREADY_ANSWERED). */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description Not a valid answer, or no CTF sent to that school yet (INVALID_ANSWER). */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      503: components['responses']['Unavailable'];
    };
  };
  getApiV1Leavers: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Newest first. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            leavers: components['schemas']['LeaverSummary'][];
          };
        };
      };
      401: components['responses']['Unauthenticated'];
      403: components['responses']['Forbidden'];
      503: components['responses']['Unavailable'];
    };
  };
  postApiV1Leavers: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          surname: string;
          forename: string;
          dateOfBirth: string;
          sex?: string;
          upn: string;
          leftOn: string;
          /** @enum {string} */
          destination: 'school' | 'unknown' | 'outside-maintained-sector';
          destinationLAEstab?: string;
          /** @enum {string} */
          reason?:
            | 'moved-address-unknown'
            | 'not-returned'
            | 'independent-school'
            | 'abroad'
            | 'scotland-or-northern-ireland'
            | 'other'
            | '';
          reasonNote?: string;
        };
      };
    };
    responses: {
      /** @description Recorded; `ctfSent` when the CTF has already been sent. */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** Format: uuid */
            id: string;
            /** Format: date */
            ctfDueOn: string;
            ctfSent: {
              /** Format: uuid */
              fileId: string;
              sentTo: string;
              /** Format: date-time */
              sentAt: string;
            } | null;
          };
        };
      };
      401: components['responses']['Unauthenticated'];
      403: components['responses']['Forbidden'];
      /** @description The details are not valid (INVALID_LEAVER), with each field and why; also when the same pupil is already recorded as leaving that day. */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      503: components['responses']['Unavailable'];
    };
  };
  postApiV1LeaversFromCtf: {
    parameters: {
      query: {
        /** @description The day the pupils left, YYYY-MM-DD. */
        leftOn: string;
        /** @description For a file to XXXXXXX or MMMMMMM: why, or where. */
        reason?:
          | 'moved-address-unknown'
          | 'not-returned'
          | 'independent-school'
          | 'abroad'
          | 'scotland-or-northern-ireland'
          | 'other';
        /** @description Needed when `reason` is "other". */
        reasonNote?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'multipart/form-data': {
          /**
           * Format: binary
           * @description The CTF.
           */
          file: Blob;
        };
        'application/xml': string;
      };
    };
    responses: {
      /** @description Recorded: each leaver, and the pupils skipped as already recorded. */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            recorded: {
              /** Format: uuid */
              id: string;
              surname: string;
              forename: string;
              upn: string;
              /** Format: date */
              ctfDueOn: string;
              /** @description A CTF from your school carrying the pupil has already been sent. */
              ctfSent: boolean;
            }[];
            /** @description Pupils of the file your school had already recorded as leaving in the last year: left as they were. */
            alreadyRecorded: {
              surname: string;
              forename: string;
              upn: string;
            }[];
          };
        };
      };
      /** @description No file in the request (NO_FILE), or BAD_ADDRESS. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      401: components['responses']['Unauthenticated'];
      403: components['responses']['Forbidden'];
      /** @description The file is larger than the upload limit, S2S_MAX_FILE_MB (FILE_TOO_LARGE). */
      413: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The body is neither XML nor multipart/form-data (UNSUPPORTED_BODY). */
      415: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description The file is not a CTF s2s can read, or not one of your school’s leavers (INVALID_CTF), each problem in `fields` as "file" with its line and column; or the leaving details are not valid (INVALID_LEAVER), each field and why. */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description You, or your organisation, already have as many uploads in progress as one may at once (TOO_MANY_UPLOADS): retry after Retry-After seconds. */
      429: {
        headers: {
          /** @description Seconds to wait before retrying. */
          'Retry-After'?: number;
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      503: components['responses']['Unavailable'];
    };
  };
  getApiV1LeaversAtYourSchools: {
    parameters: {
      query?: {
        /** @description `without-ctf`: every leaver whose CTF has not been sent. `destination-unknown`: leavers in the last year whose destination was not known, sent or not. */
        show?: 'without-ctf' | 'destination-unknown';
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Longest ago first. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            leavers: components['schemas']['LeaverSummary'][];
          };
        };
      };
      /** @description show is neither without-ctf nor destination-unknown (INVALID_QUERY), or BAD_ADDRESS. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      401: components['responses']['Unauthenticated'];
      403: components['responses']['Forbidden'];
      503: components['responses']['Unavailable'];
    };
  };
  getApiV1Enquiries: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Newest first. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            enquiries: components['schemas']['Enquiry'][];
          };
        };
      };
      401: components['responses']['Unauthenticated'];
      403: components['responses']['Forbidden'];
      503: components['responses']['Unavailable'];
    };
  };
  postApiV1Enquiries: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          surname: string;
          forename: string;
          dateOfBirth: string;
          sex?: string;
          upn?: string;
          lastAddress: string;
          concern: string;
        };
      };
    };
    responses: {
      /** @description The draft. */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** Format: uuid */
            id: string;
            /** @constant */
            state: 'draft';
            matches: {
              /** @enum {string} */
              kind: 'repository' | 'joiner' | 'sent-ctf';
              /** Format: uuid */
              refId: string;
              score: number;
              reasons: string[];
              /** Format: date-time */
              foundAt: string;
              /** @description Where the match is: the school the child left (repository) or joined (new pupil), or where a CTF went. */
              where: string | null;
            }[];
          };
        };
      };
      401: components['responses']['Unauthenticated'];
      403: components['responses']['Forbidden'];
      /** @description The details are not valid (INVALID_ENQUIRY), with each field and why. */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      503: components['responses']['Unavailable'];
    };
  };
  getApiV1EnquiriesReceived: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Newest first. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            enquiries: components['schemas']['ReceivedEnquiry'][];
          };
        };
      };
      401: components['responses']['Unauthenticated'];
      403: components['responses']['Forbidden'];
      503: components['responses']['Unavailable'];
    };
  };
  getApiV1EnquiriesById: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The enquiry. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Enquiry'];
        };
      };
      400: components['responses']['BadAddress'];
      401: components['responses']['Unauthenticated'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      503: components['responses']['Unavailable'];
    };
  };
  postApiV1EnquiriesByIdSend: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          recipients: {
            laCode: string;
            reason: string;
          }[];
        };
      };
    };
    responses: {
      /** @description Sent, or waiting for approval; `recipients` is how many LAs it goes to. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @enum {string} */
            state: 'sent' | 'awaiting-approval';
            recipients: number;
          };
        };
      };
      400: components['responses']['BadAddress'];
      401: components['responses']['Unauthenticated'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      /** @description Already sent or waiting for approval (ALREADY_SENT), including when another request sent it at the same moment: the enquiry goes once, and the later request gets this answer. */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No LAs, an unknown LA, your own LA, a repeat, a missing reason or too many LAs (INVALID_RECIPIENTS). */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      429: components['responses']['LookupsRefused'];
      503: components['responses']['Unavailable'];
    };
  };
  postApiV1EnquiriesByIdApprove: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Sent. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @constant */
            state: 'sent';
          };
        };
      };
      400: components['responses']['BadAddress'];
      401: components['responses']['Unauthenticated'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      /** @description Not waiting for approval (NOT_AWAITING_APPROVAL). */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      503: components['responses']['Unavailable'];
    };
  };
  postApiV1EnquiriesByIdSendBack: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @description What the officer should change before sending it again */
          reason: string;
        };
      };
    };
    responses: {
      /** @description Sent back. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** @constant */
            state: 'draft';
          };
        };
      };
      400: components['responses']['BadAddress'];
      401: components['responses']['Unauthenticated'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      /** @description Not waiting for approval (NOT_AWAITING_APPROVAL). */
      409: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      /** @description No reason, or one too short or too long (INVALID_REASON). */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      503: components['responses']['Unavailable'];
    };
  };
  postApiV1EnquiriesByIdAnswer: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @enum {string} */
          answer: 'known' | 'not-known' | 'checking';
          /** @description Where the child is known, e.g. the school they attend; needed for known */
          detail?: string;
        };
      };
    };
    responses: {
      /** @description Answered; the enquiring officer is notified. */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      400: components['responses']['BadAddress'];
      401: components['responses']['Unauthenticated'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      /** @description Not a valid answer (INVALID_ANSWER). */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      503: components['responses']['Unavailable'];
    };
  };
  postApiV1EnquiriesByIdClose: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @enum {string} */
          outcome: 'found-in-school' | 'found-elsewhere' | 'not-found' | 'other';
          /** @description Needed for other */
          note?: string;
        };
      };
    };
    responses: {
      /** @description Closed. */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      400: components['responses']['BadAddress'];
      401: components['responses']['Unauthenticated'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      /** @description Not a valid outcome (INVALID_OUTCOME). */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      503: components['responses']['Unavailable'];
    };
  };
  getApiV1Notifications: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Newest first. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            notifications: components['schemas']['Notification'][];
          };
        };
      };
      401: components['responses']['Unauthenticated'];
      503: components['responses']['Unavailable'];
    };
  };
  postApiV1NotificationsRead: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Done. */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      401: components['responses']['Unauthenticated'];
      503: components['responses']['Unavailable'];
    };
  };
  getApiV1CmeCases: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Each case with `schoolDaysOut` and `overThreshold`; both are null for a case with a date outside the school calendar (2000 to 2035), whose school days cannot be counted. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            cases: components['schemas']['CmeCase'][];
          };
        };
      };
      401: components['responses']['Unauthenticated'];
      403: components['responses']['Forbidden'];
      503: components['responses']['Unavailable'];
    };
  };
  postApiV1CmeCases: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** Format: uuid */
          enquiryId?: string;
          /** Format: uuid */
          leaverId?: string;
          surname?: string;
          forename?: string;
          dateOfBirth?: string;
          sex?: string;
          upn?: string;
          lastInEducationOn?: string;
          identifiedOn: string;
        };
      };
    };
    responses: {
      /** @description Opened. */
      201: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** Format: uuid */
            id: string;
          };
        };
      };
      401: components['responses']['Unauthenticated'];
      403: components['responses']['Forbidden'];
      /** @description Not valid (INVALID_CASE), with each field and why. */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      503: components['responses']['Unavailable'];
    };
  };
  postApiV1CmeCasesByIdClose: {
    parameters: {
      query?: never;
      header?: never;
      path: {
        id: string;
      };
      cookie?: never;
    };
    requestBody: {
      content: {
        'application/json': {
          /** @enum {string} */
          outcome: 'back-in-school' | 'educated-otherwise' | 'left-the-area' | 'other';
          /**
           * Format: date
           * @description Not before the case was identified, nor after today.
           */
          resolvedOn: string;
          note?: string;
        };
      };
    };
    responses: {
      /** @description Closed. */
      204: {
        headers: {
          [name: string]: unknown;
        };
        content?: never;
      };
      400: components['responses']['BadAddress'];
      401: components['responses']['Unauthenticated'];
      403: components['responses']['Forbidden'];
      404: components['responses']['NotFound'];
      /** @description Not valid (INVALID_OUTCOME). */
      422: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      503: components['responses']['Unavailable'];
    };
  };
  getApiV1ReportsCme: {
    parameters: {
      query?: {
        /** @description School year, like 2026/27, from 2000/01 to 2035/36; the current one when left out. */
        year?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The figures. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            year: string;
            laCode: string;
            /** @description Cases identified in the year. */
            identified: number;
            /** @description Cases resolved in the year with the child back in school or educated otherwise. */
            returnedToEducation: number;
            /** @description Cases identified by the year’s end and not resolved by then. */
            stillMissing: number;
            medianDaysToResolution: number | null;
          };
        };
      };
      /** @description Not a school year from 2000/01 to 2035/36 (INVALID_YEAR), or BAD_ADDRESS. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      401: components['responses']['Unauthenticated'];
      403: components['responses']['Forbidden'];
      503: components['responses']['Unavailable'];
    };
  };
  getApiV1ReportsNational: {
    parameters: {
      query?: {
        /** @description School year, like 2026/27, from 2000/01 to 2035/36; the current one when left out. */
        year?: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The figures. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            year: string;
            note: string;
            las: {
              laCode: string;
              laName: string | null;
              /** @description A count, or "c": fewer than 5 children, or a figure that would reveal one. */
              identified: string;
              /** @description A count, or "c": fewer than 5 children, or a figure that would reveal one. */
              returnedToEducation: string;
              /** @description A count, or "c": fewer than 5 children, or a figure that would reveal one. */
              stillMissing: string;
              medianDaysToResolution: number | null;
            }[];
            totals: string[];
            repository: {
              /** @description A count, or "c": fewer than 5 children, or a figure that would reveal one. */
              active: string;
              byAge: {
                band: string;
                /** @description A count, or "c": fewer than 5 children, or a figure that would reveal one. */
                records: string;
              }[];
            };
          };
        };
      };
      /** @description Not a school year from 2000/01 to 2035/36 (INVALID_YEAR), or BAD_ADDRESS. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      401: components['responses']['Unauthenticated'];
      403: components['responses']['Forbidden'];
      503: components['responses']['Unavailable'];
    };
  };
  getApiV1Establishments: {
    parameters: {
      query: {
        q: string;
      };
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description Matching establishments, best first. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            establishments: components['schemas']['Establishment'][];
          };
        };
      };
      /** @description The query is missing or too long, or BAD_ADDRESS. */
      400: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['Error'];
        };
      };
      401: components['responses']['Unauthenticated'];
      403: components['responses']['Forbidden'];
      503: components['responses']['Unavailable'];
    };
  };
  getApiV1Me: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      /** @description The token’s user and organisation. */
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': {
            /** Format: uuid */
            id: string;
            email: string;
            name: string;
            /** @enum {string} */
            role: 'school-user' | 'la-user' | 'la-admin' | 'dfe-admin';
            organisation: {
              /** @enum {string} */
              kind: 'dfe' | 'la' | 'school';
              code: string;
            };
            laCode: string | null;
          };
        };
      };
      401: components['responses']['Unauthenticated'];
      503: components['responses']['Unavailable'];
    };
  };
}
