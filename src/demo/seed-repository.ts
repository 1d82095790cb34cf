/**
 * Demo leavers: Hollins Lane Primary sends thirty leavers' CTFs to XXXXXXX, so the unknown-destination repository
 * has children to search for from the first start. One is named in the README (Amelia Hartley, born 4 March 2016)
 * so a new user can try a misspelt search. Every child is fictitious, from the CTF engine's generator.
 */
import { Readable } from 'node:stream';
import { generateCtfFiles, writeCtf } from '../ctf/index.js';
import { openSampleEstablishments } from '../establishments/sample-register.js';
import type { User } from '../platform/user.js';
import type { Services } from '../platform/services.js';
import { acceptFile } from '../transfers/accept-file.js';

export const DEMO_LEAVER_SCHOOL = '8232003';

export async function seedRepositoryDemo(services: Services, sender: User): Promise<number> {
  const school = openSampleEstablishments().filter((e) => e.laestab === DEMO_LEAVER_SCHOOL);
  const files = [
    ...generateCtfFiles({ seed: 'demo-leavers', establishments: school, files: 30, unknownDestinationRate: 1 }),
  ];
  let accepted = 0;
  for (const [index, file] of files.entries()) {
    let xml = file.xml;
    if (index === 0) {
      const [pupil] = file.pupils;
      xml = writeCtf({
        header: file.header,
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
      });
    }
    const result = await acceptFile(services, sender, file.fileName, Readable.from([Buffer.from(xml)]), null);
    if (result.status === 'in-repository') accepted += 1;
  }
  return accepted;
}
