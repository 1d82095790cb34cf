/**
 * A term of activity for two LAs, Ashdown Vale (823) and Brackenford (330), over the twelve weeks before the demo
 * starts, so that every report has something to show: schools send CTFs to each other (most collected within days,
 * a few never), some to XXXXXXX; schools record leavers, most of whose CTFs go (some before the leaver is recorded,
 * some after) and a few do not; new pupils arrive without a CTF and their previous schools answer, or do not; the
 * CME officers make enquiries of each other and keep their registers. Everything goes through the same functions
 * as real use, at the time it happened (days below are school days of the demo's timeline, from 0); every person is
 * fictitious.
 */
import { Readable } from 'node:stream';
import { closeCase, openCase } from '../cme/cases.js';
import { buildFileName, generateCtfFiles, syntheticSupplierId, writeCtf, type PupilGenerator } from '../ctf/index.js';
import { answerEnquiry, closeEnquiry, createEnquiry, sendEnquiry } from '../enquiries/enquiries.js';
import { openSampleEstablishments } from '../establishments/sample-register.js';
import { createUser } from '../identity/accounts.js';
import type { User } from '../platform/user.js';
import { answerRequest, passOverdueRequests } from '../joiners/ctf-requests.js';
import { registerJoiner } from '../joiners/register-joiner.js';
import { recordLeaver } from '../leavers/record-leaver.js';
import { remindLeavers } from '../leavers/remind-leavers.js';
import { acceptFile } from '../transfers/accept-file.js';
import { downloadFile } from '../transfers/collect-files.js';
import { ctfDateTime, writtenAt } from './demo-pupils.js';
import type { DemoTimeline } from './demo-timeline.js';

export const DEMO_TERM_LAS = ['823', '330'] as const;
const MINUTE = 60_000;

/** The CTF a previous school sends when asked for one pupil's record, written a few minutes before it goes. */
function requestedCtf(
  pupils: PupilGenerator,
  at: Date,
  source: string,
  destination: string,
  child: [string, string, string],
) {
  const school = openSampleEstablishments().find((e) => e.laestab === source)!;
  const pupil = {
    ...pupils.pupil(school),
    surname: child[0],
    forename: child[1],
    dateOfBirth: child[2],
    middleNames: null,
    preferredSurname: null,
    preferredForename: null,
    formerSurname: null,
    formerForename: null,
    formerUpns: [],
  };
  const xml = writeCtf({
    header: {
      version: '25.0',
      dateTime: ctfDateTime(new Date(at.getTime() - 10 * MINUTE)),
      documentQualifier: 'full',
      supplierId: syntheticSupplierId,
      source: {
        lea: school.laCode,
        estab: school.establishmentNumber,
        urn: school.urn,
        schoolName: school.name,
        academicYear: String(pupils.academicYear),
      },
      destination: { lea: destination.slice(0, 3), estab: destination.slice(3) },
    },
    pupils: [pupil],
  });
  return { name: buildFileName({ source, label: 'CTF', destination, sequence: 901 }), xml };
}

/** Plans the term's happenings on the timeline, which plays them. */
export function seedTermDemo(timeline: DemoTimeline, pupils: PupilGenerator, officers: Record<string, User>): void {
  const { then, at, date } = timeline;
  const lastDay = timeline.days.length - 1;
  const schools = openSampleEstablishments().filter((e) => (DEMO_TERM_LAS as readonly string[]).includes(e.laCode));
  const staff = new Map<string, User>();
  const staffOf = async (laestab: string): Promise<User> => {
    let user = staff.get(laestab);
    if (!user) {
      // Accounts to act as each school's office, made when the school first acts; they have no password, so
      // nobody can sign in as them.
      ({ user } = await createUser(
        then,
        { email: `office@${laestab}.demo.example`, name: `Office, ${laestab}`, org: laestab, role: 'school-user' },
        null,
      ));
      staff.set(laestab, user);
    }
    return user;
  };

  // CTFs between the two LAs' schools: four in five collected within three school days.
  const files = [
    ...generateCtfFiles({
      seed: 'demo-term',
      establishments: schools,
      generator: pupils,
      files: 60,
      pupilsPerFile: 2,
      unknownDestinationRate: 0.12,
    }),
  ];
  // Every third file's pupils are recorded as leavers: half the day before their CTF goes, half the day after.
  const recordLeavers = (file: (typeof files)[number], day: number, leftOn: string) => {
    const source = file.fileName.slice(0, 7);
    const destination = file.fileName.split('_')[2]!;
    file.pupils.forEach((pupil, p) => {
      at(day, 15, 10 + p * 7, async () => {
        await recordLeaver(
          then,
          await staffOf(source),
          {
            surname: pupil.surname,
            forename: pupil.forename,
            dateOfBirth: pupil.dateOfBirth,
            upn: pupil.upn,
            leftOn,
            ...(destination === 'XXXXXXX'
              ? { destination: 'unknown', reason: 'moved-address-unknown' }
              : destination === 'MMMMMMM'
                ? { destination: 'outside-maintained-sector', reason: 'independent-school' }
                : { destination: 'school', destinationLAEstab: destination }),
          },
          null,
        );
      });
    });
  };
  files.forEach((file, index) => {
    // Spread from the second school day, so a leaver recorded the day before has a day, to three before the last,
    // so each collection falls inside the weeks played.
    const day = 1 + Math.floor((index * (lastDay - 4)) / files.length);
    // The pupils left two school days before their CTF went.
    const leftOn = date(Math.max(day - 2, 0));
    if (index % 3 === 0 && !file.fileName.includes('LLLL'))
      recordLeavers(file, index % 6 === 0 ? day - 1 : day + 1, leftOn);
    at(day, 9 + (index % 7), (index * 17) % 60, async () => {
      const source = file.fileName.slice(0, 7);
      const { xml } = writtenAt(file, new Date(then.now().getTime() - (5 + (index % 20)) * MINUTE), leftOn);
      const sent = await acceptFile(
        then,
        await staffOf(source),
        file.fileName,
        Readable.from([Buffer.from(xml)]),
        null,
      );
      const destination = file.fileName.split('_')[2]!;
      if (sent.status === 'delivered' && /^\d{7}$/.test(destination) && index % 5 !== 0) {
        // Collected on one of the next three school days, in the morning.
        at(day + 1 + (index % 3), 9 + (index % 3), (index * 11) % 60, async () => {
          await downloadFile(then, await staffOf(destination), sent.id!, null);
        });
      }
    });
  });

  // Leavers whose CTF was never sent: the schools are reminded each school day one comes due, and the LAs see them.
  const unsent: Array<{
    day: number;
    school: string;
    child: [string, string, string];
    went:
      | { destination: 'school'; destinationLAEstab: string }
      | { destination: 'unknown'; reason: 'not-returned' | 'moved-address-unknown' };
    caseOn?: number;
  }> = [
    {
      day: 21,
      school: '8232004',
      child: ['Doyle', 'Finn', '2014-06-02'],
      went: { destination: 'school', destinationLAEstab: '3302101' },
    },
    {
      day: 31,
      school: '8232003',
      child: ['Novak', 'Lena', '2015-09-21'],
      went: { destination: 'unknown', reason: 'not-returned' },
      caseOn: 48,
    },
    {
      day: 27,
      school: '3302102',
      child: ['Adeyemi', 'Kemi', '2013-12-12'],
      went: { destination: 'unknown', reason: 'moved-address-unknown' },
    },
    {
      day: lastDay - 2,
      school: '3304101',
      child: ['Walsh', 'Aoife', '2012-04-18'],
      went: { destination: 'school', destinationLAEstab: '8232003' },
    },
  ];
  for (const u of unsent) {
    const school = schools.find((e) => e.laestab === u.school)!;
    // A UPN of the demo's own, so that no other CTF is taken for this child's.
    const upn = pupils.identity(school).upn!;
    at(u.day, 15, 30, async () => {
      const recorded = await recordLeaver(
        then,
        await staffOf(u.school),
        {
          surname: u.child[0],
          forename: u.child[1],
          dateOfBirth: u.child[2],
          upn,
          leftOn: date(u.day - 1),
          ...u.went,
        },
        null,
      );
      if (recorded.kind !== 'recorded' || u.caseOn === undefined) return;
      at(u.caseOn, 11, 20, async () => {
        await openCase(
          then,
          officers[u.school.slice(0, 3)]!,
          { leaverId: recorded.id, identifiedOn: date(u.caseOn!) },
          null,
        );
      });
    });
  }
  for (let day = 1; day <= lastDay; day++) {
    at(day, 7, 0, async () => {
      await remindLeavers(then.db, then.now());
    });
  }

  // New pupils without a CTF: one CTF arrives, one school holds no record, one never answers, one with nobody known.
  const joiners: Array<{
    day: number;
    school: string;
    previous?: string;
    answer?: 'sent' | 'no-record';
    child: [string, string, string];
  }> = [
    { day: 7, school: '3304101', previous: '8232003', answer: 'sent', child: ['Osei', 'Ama', '2014-02-11'] },
    { day: 13, school: '8232004', previous: '3302101', answer: 'no-record', child: ['Reilly', 'Conor', '2016-07-30'] },
    { day: 18, school: '3302102', previous: '8232002', child: ['Lindqvist', 'Maja', '2015-11-05'] },
    { day: 29, school: '8232005', child: ['Mirza', 'Zain', '2013-03-21'] },
    { day: 37, school: '3304101', previous: '8234001', answer: 'sent', child: ['Tanaka', 'Yui', '2012-08-14'] },
    { day: 47, school: '8232003', previous: '3306901', answer: 'no-record', child: ['Balogun', 'Tobi', '2017-01-09'] },
  ];
  for (const j of joiners) {
    at(j.day, 11, 5, async () => {
      const registered = await registerJoiner(
        then,
        await staffOf(j.school),
        {
          surname: j.child[0],
          forename: j.child[1],
          dateOfBirth: j.child[2],
          previousLAEstab: j.previous ?? '',
          joinedOn: date(j.day - 1),
        },
        null,
      );
      if (registered.kind !== 'registered' || !j.previous || !j.answer) return;
      at(j.day + 3, 14, 40, async () => {
        const holder = await staffOf(j.previous!);
        const [request] = await then.db
          .selectFrom('ctf_requests')
          .select('id')
          .where('joiner_id', '=', registered.id)
          .execute();
        if (j.answer === 'sent') {
          const ctf = requestedCtf(pupils, then.now(), j.previous!, j.school, j.child);
          const sent = await acceptFile(then, holder, ctf.name, Readable.from([Buffer.from(ctf.xml)]), null);
          if (sent.status === 'delivered')
            await answerRequest(then, holder, request!.id, { answer: 'sent', fileId: sent.id! }, null);
        } else {
          await answerRequest(
            then,
            holder,
            request!.id,
            { answer: 'no-record', note: 'No pupil of this name or date of birth has been on roll here.' },
            null,
          );
        }
      });
    });
  }
  at(lastDay, 7, 5, async () => {
    await passOverdueRequests(then);
  });

  // The CME officers: an enquiry each way, and their registers.
  at(14, 10, 15, async () => {
    const made = await createEnquiry(
      then,
      officers['823']!,
      {
        surname: 'Kaur',
        forename: 'Simran',
        dateOfBirth: '2013-05-19',
        sex: 'F',
        lastAddress: '8 Weaver Street, Ashdown Vale',
        concern: `Not at school since ${longDate(date(4))}; the family’s flat is empty and the landlord says they went north.`,
      },
      null,
    );
    if (made.kind !== 'created') return;
    await sendEnquiry(
      then,
      officers['823']!,
      made.id,
      [{ laCode: '330', reason: 'Her grandmother lives in Brackenford' }],
      null,
    );
    at(17, 15, 0, async () => {
      await answerEnquiry(
        then,
        officers['330']!,
        made.id,
        { answer: 'known', detail: `On roll at Brackenford High (3304101) since ${longDate(date(9))}` },
        null,
      );
      await closeEnquiry(
        then,
        officers['823']!,
        made.id,
        { outcome: 'found-in-school', note: 'Confirmed by Brackenford High' },
        null,
      );
    });
  });
  at(41, 10, 30, async () => {
    const made = await createEnquiry(
      then,
      officers['330']!,
      {
        surname: 'Petrov',
        forename: 'Daniel',
        dateOfBirth: '2011-10-02',
        sex: 'M',
        lastAddress: 'Flat 3, 40 Station Road, Brackenford',
        concern: 'Left Brackenford High without a destination; a sibling said the family moved to Ashdown Vale.',
      },
      null,
    );
    if (made.kind === 'created')
      await sendEnquiry(
        then,
        officers['330']!,
        made.id,
        [{ laCode: '823', reason: 'A sibling named Ashdown Vale' }],
        null,
      );
  });
  const cases: Array<{
    la: string;
    day: number;
    out: number;
    close?: [number, 'back-in-school' | 'educated-otherwise' | 'left-the-area'];
  }> = [
    { la: '823', day: 11, out: 4, close: [25, 'back-in-school'] },
    { la: '823', day: 16, out: 6, close: [29, 'educated-otherwise'] },
    { la: '823', day: 21, out: 9, close: [50, 'back-in-school'] },
    { la: '823', day: 24, out: 14 },
    { la: '823', day: 32, out: 21, close: [43, 'left-the-area'] },
    { la: '823', day: 36, out: 22 },
    { la: '823', day: 44, out: 29 },
    { la: '330', day: 9, out: 2, close: [19, 'back-in-school'] },
    { la: '330', day: 20, out: 7, close: [35, 'back-in-school'] },
    { la: '330', day: 24, out: 11 },
    { la: '330', day: 34, out: 18, close: [54, 'educated-otherwise'] },
    { la: '330', day: 39, out: 27 },
    { la: '330', day: 45, out: 31 },
  ];
  const surnames = [
    'Ward',
    'Hussain',
    'Clarke',
    'Nowak',
    'Evans',
    'Ali',
    'Price',
    'Begum',
    'Young',
    'Singh',
    'Hall',
    'Khan',
    'Lewis',
  ];
  cases.forEach((c, i) => {
    at(c.day, 12, i * 3, async () => {
      const opened = await openCase(
        then,
        officers[c.la]!,
        {
          surname: surnames[i]!,
          forename: i % 2 === 0 ? 'Jordan' : 'Riley',
          dateOfBirth: `201${i % 8}-0${1 + (i % 9)}-1${i % 9}`,
          lastInEducationOn: date(c.out),
          identifiedOn: date(c.day),
        },
        null,
      );
      if (opened.kind !== 'opened' || !c.close) return;
      const [closeDay, outcome] = c.close;
      at(closeDay, 16, i * 3, async () => {
        await closeCase(then, officers[c.la]!, opened.id, { outcome, resolvedOn: date(closeDay) }, null);
      });
    });
  });
}

const longFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', timeZone: 'UTC' });

/** `14 September`, as an officer writes a date in a note. */
function longDate(iso: string): string {
  return longFormat.format(new Date(`${iso}T12:00:00Z`));
}
