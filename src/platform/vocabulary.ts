/**
 * The closed lists of words the database, the code and the API share: roles, file types, transfer and search states,
 * leaver reasons. Each is one list, from which the Kysely column types, the zod checks and the OpenAPI document's
 * enums are made; the database's CHECK constraints hold the same values (a test reads them back to compare).
 */

export const roles = ['school-user', 'la-user', 'la-admin', 'dfe-admin'] as const;
export type Role = (typeof roles)[number];

export const orgKinds = ['dfe', 'la', 'school'] as const;
export type OrgKind = (typeof orgKinds)[number];

export const fileTypes = ['CTF', 'ATF', 'census', 'generic'] as const;
export type FileType = (typeof fileTypes)[number];

export const destinationKinds = ['school', 'la', 'unknown', 'outside-maintained-sector'] as const;
export type DestinationKind = (typeof destinationKinds)[number];

export const fileStatuses = ['delivered', 'in-repository', 'removed', 'expired'] as const;
export type FileStatus = (typeof fileStatuses)[number];

export const sexes = ['M', 'F'] as const;
export type Sex = (typeof sexes)[number];

export const recordStatuses = ['active', 'found', 'expired'] as const;
export type RecordStatus = (typeof recordStatuses)[number];

export const foundOutcomes = ['enrolled', 'known-elsewhere'] as const;
export type FoundOutcome = (typeof foundOutcomes)[number];

export const joinerStates = ['seeking', 'received', 'with-la'] as const;
export type JoinerState = (typeof joinerStates)[number];

export const withLaReasons = ['no-previous-school', 'unanswered', 'no-record', 'sent-not-received'] as const;

export const matchVerdicts = ['same-child', 'not-this-child'] as const;
export type MatchVerdict = (typeof matchVerdicts)[number];
export type WithLaReason = (typeof withLaReasons)[number];

export const ctfRequestAnswers = ['sent', 'no-record'] as const;
export type CtfRequestAnswer = (typeof ctfRequestAnswers)[number];

export const enquiryStates = ['draft', 'awaiting-approval', 'sent', 'closed'] as const;
export type EnquiryState = (typeof enquiryStates)[number];

export const enquiryOutcomes = ['found-in-school', 'found-elsewhere', 'not-found', 'other'] as const;
export type EnquiryOutcome = (typeof enquiryOutcomes)[number];

export const enquiryAnswers = ['known', 'not-known', 'checking'] as const;
export type EnquiryAnswer = (typeof enquiryAnswers)[number];

export const cmeOutcomes = ['back-in-school', 'educated-otherwise', 'left-the-area', 'other'] as const;
export type CmeOutcome = (typeof cmeOutcomes)[number];

export const cmeCaseSources = ['enquiry', 'new-pupil', 'by-hand', 'leaver'] as const;
export type CmeCaseSource = (typeof cmeCaseSources)[number];

export const leaverDestinations = ['school', 'unknown', 'outside-maintained-sector'] as const;
export type LeaverDestination = (typeof leaverDestinations)[number];

export const leaverReasons = [
  'moved-address-unknown',
  'not-returned',
  'independent-school',
  'abroad',
  'scotland-or-northern-ireland',
  'other',
] as const;
export type LeaverReason = (typeof leaverReasons)[number];

export const enquiryMatchKinds = ['repository', 'joiner', 'sent-ctf'] as const;
export type EnquiryMatchKind = (typeof enquiryMatchKinds)[number];
