/** Table types for Kysely: the one description of the database that every query is checked against. */
import type { ColumnType, Generated } from 'kysely';
import type {
  CmeCaseSource,
  CmeOutcome,
  CtfRequestAnswer,
  DestinationKind,
  EnquiryAnswer,
  EnquiryMatchKind,
  EnquiryOutcome,
  EnquiryState,
  FileStatus,
  FileType,
  FoundOutcome,
  JoinerState,
  LeaverDestination,
  LeaverReason,
  MatchVerdict,
  OrgKind,
  RecordStatus,
  Role,
  Sex,
  WithLaReason,
} from './vocabulary.js';

export type {
  CmeOutcome,
  DestinationKind,
  EnquiryAnswer,
  EnquiryOutcome,
  EnquiryState,
  FileStatus,
  JoinerState,
  LeaverDestination,
  LeaverReason,
  OrgKind,
  Role,
  WithLaReason,
};

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** A calendar date as 'YYYY-MM-DD'. */
type DateOnly = string;
type Json = ColumnType<Record<string, unknown>, string, string>;

export interface LocalAuthoritiesTable {
  code: string;
  name: string;
  nation: 'england' | 'wales';
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface EstablishmentsTable {
  laestab: string;
  urn: string | null;
  la_code: string;
  establishment_number: string;
  name: string;
  type_code: string;
  type_name: string;
  type_group: string;
  phase: string;
  status: string;
  open_date: DateOnly | null;
  close_date: DateOnly | null;
  street: string;
  town: string;
  postcode: string;
  previous_laestab: string | null;
  ukprn: string | null;
  last_changed: DateOnly | null;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  org_kind: OrgKind;
  org_code: string;
  la_code: string | null;
  role: Role;
  status: Generated<'active' | 'disabled'>;
  password_hash: string | null;
  totp_secret: Buffer | null;
  /** The master key the TOTP secret is sealed under; NULL for secrets sealed before ids were kept. */
  totp_key_id: string | null;
  totp_enrolled_at: Timestamp | null;
  totp_last_step: number | null;
  failed_sign_ins: Generated<number>;
  locked_until: Timestamp | null;
  setup_token_hash: string | null;
  setup_expires_at: Timestamp | null;
  created_at: GeneratedTimestamp;
  created_by: string | null;
  updated_at: GeneratedTimestamp;
}

export interface SessionsTable {
  id_hash: string;
  user_id: string;
  stage: 'two-factor' | 'enrol' | 'active';
  pending_totp_secret: Buffer | null;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  source_ip: string | null;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  label: string;
  token_hash: string;
  prefix: string;
  created_at: Timestamp;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface AuditEventsTable {
  seq: number;
  at: Timestamp;
  actor_user_id: string | null;
  actor_email: string | null;
  actor_role: string | null;
  org_kind: string | null;
  org_code: string | null;
  la_code: string | null;
  action: string;
  outcome: 'success' | 'failure' | 'denied';
  target_kind: string | null;
  target_id: string | null;
  source_ip: string | null;
  details: Json;
  prev_hash: string;
  hash: string;
}

export interface ServiceKeysTable {
  purpose: 'csrf' | 'audit-chain' | 'sent-ctf-pupils';
  key_id: string;
  sealed: Buffer;
  created_at: GeneratedTimestamp;
}

export interface BlobKeysTable {
  blob_id: string;
  wrapped_key: Buffer;
  /** The master key the data key is wrapped under; NULL for keys wrapped before ids were kept. */
  key_id: string | null;
  store: 'fs' | 'postgres';
  size: number | null;
  sha256: string | null;
  created_at: GeneratedTimestamp;
}

export interface BlobChunksTable {
  blob_id: string;
  seq: number;
  data: Buffer;
  created_at: GeneratedTimestamp;
}

export interface RateLimitsTable {
  key: string;
  window_start: Timestamp;
  count: number;
}

/** A user's lookups in the current minute and day, counted as they are admitted or refused. */
export interface LookupBudgetsTable {
  user_id: string;
  span: 'minute' | 'day' | 'refused-by-id-day';
  window_start: Timestamp;
  count: number;
}

export interface TransferFilesTable {
  id: string;
  blob_id: string;
  file_name: string;
  file_type: FileType;
  source_code: string;
  sender_user_id: string;
  sender_org_kind: OrgKind;
  sender_org_code: string;
  sender_la_code: string | null;
  destination_code: string;
  destination_kind: DestinationKind;
  recipient_org_kind: 'school' | 'la' | null;
  recipient_org_code: string | null;
  recipient_la_code: string | null;
  redirected_from: string | null;
  pupils: number;
  size: number;
  sha256: string;
  layout: ColumnType<Record<string, unknown> | null, string | null, string | null>;
  status: FileStatus;
  received_at: Timestamp;
  collected_at: Timestamp | null;
  collected_by: string | null;
  removed_at: Timestamp | null;
  removed_by: string | null;
  expires_at: Timestamp;
  purged_at: Timestamp | null;
  /** False until the sender has been sent the answer that stored the file (true for files from before it was kept). */
  acknowledged: Generated<boolean>;
  /** What contributors found when the file arrived that its sender and recipient should know (a UPN seen before with another identity). */
  cautions: ColumnType<Array<{ code: string; message: string }>, string | undefined, string>;
}

export interface TransferDownloadsTable {
  file_id: string;
  user_id: string;
  org_code: string;
  at: Timestamp;
}

export interface RepositoryRecordsTable {
  id: string;
  file_id: string;
  pupil_index: number;
  byte_start: number;
  byte_end: number;
  upn: string | null;
  former_upns: ColumnType<string[], string[] | undefined, string[]>;
  uln: string | null;
  surname: string | null;
  forename: string | null;
  middle_names: string | null;
  preferred_surname: string | null;
  preferred_forename: string | null;
  former_surname: string | null;
  former_forename: string | null;
  date_of_birth: DateOnly | null;
  sex: string | null;
  postcode: string | null;
  left_laestab: string | null;
  left_la_code: string | null;
  left_school_name: string | null;
  left_on: DateOnly | null;
  uploaded_at: Timestamp;
  expires_at: Timestamp;
  status: ColumnType<RecordStatus, RecordStatus | undefined, RecordStatus>;
  search_keys: ColumnType<string[], string[] | undefined, string[]>;
  found_at: Timestamp | null;
  found_by: string | null;
  found_by_org_code: string | null;
  found_outcome: FoundOutcome | null;
  found_laestab: string | null;
  found_note: string | null;
}

export interface RepositorySearchesTable {
  id: string;
  user_id: string;
  org_code: string;
  la_code: string | null;
  searched_at: Timestamp;
  results: number;
}

export interface RepositoryDisclosuresTable {
  user_id: string;
  record_id: string;
  search_id: string;
  shown_at: Timestamp;
}

export interface RepositoryOpeningsTable {
  id: string;
  record_id: string;
  user_id: string;
  org_code: string;
  reason: string;
  opened_at: Timestamp;
}

export interface ProbingAlertsTable {
  id: string;
  la_code: string;
  user_id: string;
  org_code: string;
  refusals: number;
  raised_at: Timestamp;
  reviewed_at: Timestamp | null;
  reviewed_by: string | null;
  /** The UTC day the flag is for: one flag per user and day. */
  day: ColumnType<DateOnly, DateOnly, never>;
}

export interface RepositorySearchAlertsTable {
  id: string;
  la_code: string;
  user_id: string;
  org_code: string;
  searches: number;
  raised_at: Timestamp;
  reviewed_at: Timestamp | null;
  reviewed_by: string | null;
  /** The UTC day the flag is for: one flag per user and day (null only on duplicates from before the key). */
  day: ColumnType<DateOnly | null, DateOnly, never>;
}

export interface IdempotencyKeysTable {
  user_id: string;
  key: string;
  fingerprint: string | null;
  status_code: number | null;
  response: ColumnType<Record<string, unknown> | null, string | null, string | null>;
  created_at: Timestamp;
  /** The request holding the claim while it works (null on claims from before leases). */
  owner: string | null;
  /** When the claim may be taken over unless its owner renews it; null on claims from before leases. */
  lease_expires_at: Timestamp | null;
}

export interface JobsTable {
  id: string;
  kind: string;
  org_code: string;
  payload: ColumnType<Record<string, unknown>, string, string>;
  state: 'queued' | 'running' | 'done' | 'failed';
  attempts: ColumnType<number, number | undefined, number>;
  result: ColumnType<Record<string, unknown> | null, string | null, string | null>;
  error: string | null;
  created_at: Timestamp;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  lease_until: Timestamp | null;
}

export interface JobItemsTable {
  job_id: string;
  seq: number;
  result: ColumnType<Record<string, unknown>, string, string>;
}

export interface JoinersTable {
  id: string;
  school_laestab: string;
  la_code: string;
  surname: string;
  forename: string;
  date_of_birth: DateOnly;
  sex: Sex | null;
  upn: string | null;
  previous_laestab: string | null;
  joined_on: DateOnly;
  registered_by: string;
  registered_at: Timestamp;
  state: JoinerState;
  with_la_reason: WithLaReason | null;
  with_la_at: Timestamp | null;
  ctf_file_id: string | null;
  received_at: Timestamp | null;
  /** A repository record that strongly matched the pupil when registered, for the school to look at. */
  match_record_id: string | null;
  match_reviewed_at: Timestamp | null;
  match_verdict: MatchVerdict | null;
}

export interface CtfRequestsTable {
  id: string;
  joiner_id: string;
  requesting_laestab: string;
  holder_laestab: string;
  requested_at: Timestamp;
  due_on: DateOnly;
  answered_at: Timestamp | null;
  answered_by: string | null;
  answer: CtfRequestAnswer | null;
  file_id: string | null;
  note: string | null;
  /** When the previous school says it has sent the CTF: the school day by which it must have arrived. */
  arrival_due_on: DateOnly | null;
}

export interface EnquiriesTable {
  id: string;
  la_code: string;
  officer_id: string;
  surname: string;
  forename: string;
  date_of_birth: DateOnly;
  sex: Sex | null;
  upn: string | null;
  last_address: string;
  concern: string;
  state: EnquiryState;
  created_at: Timestamp;
  sent_at: Timestamp | null;
  approved_by: string | null;
  closed_at: Timestamp | null;
  outcome: EnquiryOutcome | null;
  outcome_note: string | null;
  /** Why the LA administrator sent it back to its officer, when it was. */
  sent_back_reason: string | null;
  sent_back_at: Timestamp | null;
  sent_back_by: string | null;
}

export interface EnquiryRecipientsTable {
  enquiry_id: string;
  la_code: string;
  reason: string;
  sent_at: Timestamp | null;
  answer: EnquiryAnswer | null;
  answer_detail: string | null;
  answered_by: string | null;
  answered_at: Timestamp | null;
}

export interface EnquiryMatchesTable {
  enquiry_id: string;
  kind: EnquiryMatchKind;
  ref_id: string;
  score: number;
  reasons: string[];
  found_at: Timestamp;
}

export interface NotificationsTable {
  id: string;
  user_id: string;
  kind: string;
  message: string;
  link: string;
  created_at: Timestamp;
  read_at: Timestamp | null;
  /** How many times the same notice came while this one was unread. */
  repeats: Generated<number>;
  email_state: Generated<'pending' | 'sending' | 'sent' | 'failed' | 'off'>;
  email_attempts: Generated<number>;
  email_claimed_at: Timestamp | null;
}

export interface CmeCasesTable {
  id: string;
  la_code: string;
  opened_by: string;
  opened_at: Timestamp;
  source: CmeCaseSource;
  enquiry_id: string | null;
  leaver_id: ColumnType<string | null, string | null | undefined, string | null>;
  surname: string;
  forename: string;
  date_of_birth: DateOnly;
  sex: Sex | null;
  upn: string | null;
  last_in_education_on: DateOnly;
  identified_on: DateOnly;
  state: 'open' | 'closed';
  outcome: CmeOutcome | null;
  resolved_on: DateOnly | null;
  outcome_note: string | null;
}

export interface LeaversTable {
  id: string;
  school_laestab: string;
  la_code: string;
  surname: string;
  forename: string;
  date_of_birth: DateOnly;
  sex: Sex | null;
  upn: string;
  left_on: DateOnly;
  destination: LeaverDestination;
  destination_laestab: string | null;
  reason: LeaverReason | null;
  reason_note: string | null;
  recorded_by: string;
  recorded_at: Timestamp;
  ctf_due_on: DateOnly;
  next_reminder_on: DateOnly | null;
  ctf_file_id: string | null;
  ctf_sent_to: string | null;
  ctf_sent_at: Timestamp | null;
}

export interface CtfPupilsSentTable {
  file_id: string;
  source_laestab: string;
  upn_digest: Buffer;
  /** Keyed digest of the pupil's normalised surname and date of birth; null for pupils sent before it was kept. */
  identity_digest: Buffer | null;
  sent_at: Timestamp;
}

export interface Database {
  leavers: LeaversTable;
  ctf_pupils_sent: CtfPupilsSentTable;
  cme_cases: CmeCasesTable;
  enquiries: EnquiriesTable;
  enquiry_recipients: EnquiryRecipientsTable;
  enquiry_matches: EnquiryMatchesTable;
  notifications: NotificationsTable;
  joiners: JoinersTable;
  ctf_requests: CtfRequestsTable;
  job_items: JobItemsTable;
  transfer_files: TransferFilesTable;
  transfer_downloads: TransferDownloadsTable;
  repository_records: RepositoryRecordsTable;
  repository_searches: RepositorySearchesTable;
  repository_disclosures: RepositoryDisclosuresTable;
  repository_openings: RepositoryOpeningsTable;
  repository_search_alerts: RepositorySearchAlertsTable;
  idempotency_keys: IdempotencyKeysTable;
  jobs: JobsTable;
  local_authorities: LocalAuthoritiesTable;
  establishments: EstablishmentsTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  audit_events: AuditEventsTable;
  blob_keys: BlobKeysTable;
  service_keys: ServiceKeysTable;
  blob_chunks: BlobChunksTable;
  rate_limits: RateLimitsTable;
  lookup_budgets: LookupBudgetsTable;
  probing_alerts: ProbingAlertsTable;
}
