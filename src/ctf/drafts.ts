/**
 * What the parser collects for a header and a pupil while they stream past: each element's text and where its
 * start tag was. The validator checks a finished draft; the assembly turns it into the model.
 */

import type { IssuePlace } from './issues.js';

/** One element's text and where its start tag was. `key` is its path relative to the header or pupil. */
export interface Field {
  key: string;
  text: string;
  line: number;
  column: number;
}

export interface HeaderDraft {
  place: IssuePlace;
  fields: Map<string, Field>;
  other: { path: string; text: string }[];
}

export interface PupilDraft {
  index: number;
  place: IssuePlace;
  fields: Map<string, Field>;
  /** Keys seen more than once among the single-valued identity fields. */
  repeated: Field[];
  formerUpns: Field[];
  schools: Map<string, Field>[];
}

/** The text of a field, or null when the draft has none. */
export function fieldText(fields: Map<string, Field>, key: string): string | null {
  return fields.get(key)?.text ?? null;
}
