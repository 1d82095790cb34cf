/**
 * The demo's clock: the school days of the twelve weeks before it starts, and the happenings of those weeks played
 * out in the order they happened, each through the same functions as real use with the services' clock (and so the
 * audit trail's and the job queue's) set to its moment. The bulk jobs a happening queues (an enquiry alerted by a
 * CTF in the repository) run at that moment too, not when the service starts. Nothing happens on the day the demo
 * starts.
 */
import { pino } from 'pino';
import type { JobKind } from '../platform/capability.js';
import { isSchoolDay, londonDate } from '../platform/school-days.js';
import type { Services } from '../platform/services.js';

const HOUR_MS = 3_600_000;
/** The twelve weeks the README promises. */
export const DEMO_WEEKS = 12;

const londonHour = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', hourCycle: 'h23' });

/** The instant it is `hour:minute` in London on `date` (`YYYY-MM-DD`), in summer time or not. */
export function londonTime(date: string, hour: number, minute = 0): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const asUtc = Date.UTC(y, m - 1, d, hour, minute);
  // London is UTC or one hour ahead of it; the hour it shows at the UTC reading says which.
  const ahead = (Number(londonHour.format(new Date(asUtc))) - hour + 24) % 24;
  return new Date(asUtc - ahead * HOUR_MS);
}

export interface DemoTimeline {
  /** The school days played out, oldest first (`YYYY-MM-DD`); the last is the school day before the start. */
  readonly days: readonly string[];
  /** The date of school day `day`. */
  date(day: number): string;
  /** The services as they are at the moment being played: their clock, audit trail and job queue. */
  readonly then: Services;
  /** Plans `act` for `hour:minute` on school day `day`; an act may plan later ones. */
  at(day: number, hour: number, minute: number, act: () => Promise<void>): void;
  /** Moves the clock on to a moment of school day `day`, for what is done at once (the demo's first steps). */
  now(day: number, hour: number, minute: number): void;
  /** Plays every planned happening, earliest first. */
  run(): Promise<void>;
}

/** `jobs`: the kinds of bulk job happenings may queue, run as they are queued. */
export function demoTimeline(services: Services, jobs: readonly JobKind[] = []): DemoTimeline {
  const startedAt = services.now();
  const today = londonDate(startedAt);
  const [year, month, dayOfMonth] = today.split('-').map(Number) as [number, number, number];
  const days: string[] = [];
  // Counted in calendar dates, not in 24 hours back from the start, which a change of the clocks would skew.
  for (let back = DEMO_WEEKS * 7; back >= 1; back--) {
    const date = new Date(Date.UTC(year, month - 1, dayOfMonth - back)).toISOString().slice(0, 10);
    if (isSchoolDay(date)) days.push(date);
  }
  let clock = londonTime(days[0]!, 7).getTime();
  const then: Services = { ...services, ...services.overDatabase(services.db, () => new Date(clock)) };
  then.now = () => new Date(clock);
  const quiet = pino({ level: 'silent' });
  for (const kind of jobs) then.jobs.register(kind.kind, kind.handler(then, quiet), kind.options?.(then));
  const planned: Array<{ when: number; order: number; act: () => Promise<void> }> = [];
  let plannedSoFar = 0;
  const date = (day: number): string => {
    const found = days[day];
    if (found === undefined) throw new RangeError(`demo: school day ${day} is outside the ${days.length} played`);
    return found;
  };
  const moment = (day: number, hour: number, minute: number) => londonTime(date(day), hour, minute).getTime();
  return {
    days,
    date,
    then,
    at(day, hour, minute, act) {
      const when = moment(day, hour, minute);
      if (when < clock) throw new RangeError(`demo: a happening on ${date(day)} at ${hour}:${minute} is in its past`);
      planned.push({ when, order: plannedSoFar++, act });
    },
    now(day, hour, minute) {
      const when = moment(day, hour, minute);
      if (when < clock) throw new RangeError(`demo: the clock cannot go back to ${date(day)} at ${hour}:${minute}`);
      clock = when;
    },
    async run() {
      while (planned.length > 0) {
        // Happenings may plan later ones, so take the earliest each time (in the order planned, at one moment).
        planned.sort((a, b) => a.when - b.when || a.order - b.order);
        const next = planned.shift()!;
        clock = next.when;
        await next.act();
        await then.jobs.runQueued();
      }
    },
  };
}
