/**
 * The demo's pupils: every child in it comes from one generator, in the demo's own UPN space (which no other run of
 * the generator draws from), so no two demo children share a UPN and no file made with `s2s ctf generate` carries a
 * demo child's UPN. Each CTF is written as its school's MIS would have written it: dated the moment it was made,
 * with the date its pupils left.
 */
import { createPupilGenerator, writeCtf, type GeneratedFile, type PupilGenerator } from '../ctf/index.js';
import { openSampleEstablishments } from '../establishments/sample-register.js';
import { academicYearOf, londonDate } from '../platform/school-days.js';
import type { DemoTimeline } from './demo-timeline.js';

export function demoPupils(timeline: DemoTimeline): PupilGenerator {
  const first = timeline.date(0);
  return createPupilGenerator({
    seed: 'demo',
    establishments: openSampleEstablishments(),
    // The school year the twelve weeks begin in, so that every pupil joined their school before them.
    academicYear: Number(academicYearOf(first).start.slice(0, 4)),
    dateTime: `${first}T08:00:00`,
    upnSpace: 'demo',
  });
}

const londonClock = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** A CTF header's `DateTime`: London time, as a school's MIS writes it. */
export function ctfDateTime(at: Date): string {
  return `${londonDate(at)}T${londonClock.format(at)}`;
}

/** A generated file as written at `at` for pupils who left their school on `leftOn` (`YYYY-MM-DD`). */
export function writtenAt(
  file: Pick<GeneratedFile, 'header' | 'pupils'>,
  at: Date,
  leftOn: string,
): { xml: string; pupils: GeneratedFile['pupils'] } {
  const pupils = file.pupils.map((pupil) => {
    const history = [...pupil.schoolHistory];
    const current = history.at(-1);
    if (current) {
      // Never before they joined: a pupil who started this September and left the same month.
      const left = current.entryDate !== null && current.entryDate > leftOn ? current.entryDate : leftOn;
      history[history.length - 1] = { ...current, leavingDate: left, leavingReason: current.leavingReason ?? 'PM' };
    }
    return { ...pupil, schoolHistory: history };
  });
  return { xml: writeCtf({ header: { ...file.header, dateTime: ctfDateTime(at) }, pupils }), pupils };
}
