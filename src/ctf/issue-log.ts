/**
 * The issues found in one file as it is read: errors up to the error limit (reaching it stops the parse), warnings
 * up to theirs, and, while a pupil is being read, a copy of each for that pupil, so every pupil carries its own.
 */

import { issue, noPlace, type CtfIssue } from './issues.js';
import type { CtfLimits } from './limits.js';

export class IssueLog {
  readonly errors: CtfIssue[] = [];
  readonly warnings: CtfIssue[] = [];
  /** True once a fatal issue or the error limit has stopped the parse. */
  stopped = false;
  private errorLimitHit = false;
  private pupil: CtfIssue[] | null = null;

  constructor(private readonly limits: Pick<CtfLimits, 'maxErrors' | 'maxWarnings'>) {}

  report(found: CtfIssue): void {
    if (found.severity === 'warning') {
      if (this.warnings.length < this.limits.maxWarnings) this.warnings.push(found);
      if (this.pupil) this.pupil.push(found);
      return;
    }
    if (this.errorLimitHit) return;
    if (this.errors.length >= this.limits.maxErrors) {
      this.errorLimitHit = true;
      this.errors.push(
        issue('ERROR_LIMIT_REACHED', 'error', `Stopped after ${this.limits.maxErrors} errors.`, noPlace),
      );
      this.stopped = true;
      return;
    }
    this.errors.push(found);
    if (this.pupil) this.pupil.push(found);
  }

  /** Reports an issue that stops the parse. */
  fatal(found: CtfIssue): void {
    this.report(found);
    this.stopped = true;
  }

  /** Issues from here on belong to a pupil too, until `endPupil`. */
  startPupil(): void {
    this.pupil = [];
  }

  /** The issues reported since `startPupil`. */
  endPupil(): CtfIssue[] {
    const found = this.pupil ?? [];
    this.pupil = null;
    return found;
  }
}
