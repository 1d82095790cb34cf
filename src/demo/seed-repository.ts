/**
 * Demo leavers: over the twelve weeks, Hollins Lane Primary sends thirty leavers' CTFs to XXXXXXX, each once its
 * enquiries about the child had failed, so the unknown-destination repository has children to search for from the
 * first start. One is named in the README (Amelia Hartley, born 4 March 2016) so a new user can try a misspelt
 * search. Every child is fictitious, from the demo's pupil generator.
 */
import { Readable } from 'node:stream';
import { generateCtfFiles, type PupilGenerator } from '../ctf/index.js';
import { openSampleEstablishments } from '../establishments/sample-register.js';
import type { User } from '../platform/user.js';
import { acceptFile } from '../transfers/accept-file.js';
import { writtenAt } from './demo-pupils.js';
import type { DemoTimeline } from './demo-timeline.js';

export const DEMO_LEAVER_SCHOOL = '8232003';
const FILES = 30;
/** A child goes to XXXXXXX after about twenty school days of enquiries come to nothing. */
const ENQUIRY_SCHOOL_DAYS = 20;

export function seedRepositoryDemo(timeline: DemoTimeline, pupils: PupilGenerator, sender: User): void {
  const files = [
    ...generateCtfFiles({
      seed: 'demo-leavers',
      establishments: openSampleEstablishments().filter((e) => e.laestab === DEMO_LEAVER_SCHOOL),
      generator: pupils,
      from: DEMO_LEAVER_SCHOOL,
      to: 'XXXXXXX',
      files: FILES,
    }),
  ];
  files.forEach((file, index) => {
    // From the first school day to the last, a little after the office opens.
    const day = Math.floor((index * (timeline.days.length - 1)) / (FILES - 1));
    timeline.at(day, 10 + (index % 5), (index * 13) % 60, async () => {
      const [pupil] = file.pupils;
      const named =
        index === 0
          ? {
              ...file,
              pupils: [
                {
                  ...pupil!,
                  forename: 'Amelia',
                  surname: 'Hartley',
                  middleNames: 'Grace',
                  preferredForename: null,
                  preferredSurname: null,
                  formerSurname: null,
                  dateOfBirth: '2016-03-04',
                  sex: 'F',
                },
              ],
            }
          : file;
      const { then } = timeline;
      const leftOn = timeline.days[Math.max(0, day - ENQUIRY_SCHOOL_DAYS)]!;
      const { xml } = writtenAt(named, new Date(then.now().getTime() - 5 * 60_000), leftOn);
      await acceptFile(then, sender, file.fileName, Readable.from([Buffer.from(xml)]), null);
    });
  });
}
