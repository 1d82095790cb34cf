/**
 * Test material for transfers: realistic CTFs between sample schools (from the CTF engine's generator), zips
 * written by hand so that tests can craft hostile ones, multipart upload requests, and API tokens.
 */
import zlib from 'node:zlib';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildFileName, createPupilGenerator, writeCtf, type CtfPupilInput } from '../../src/ctf/index.js';
import { openSampleEstablishments } from '../../src/establishments/sample-register.js';
import type { User } from '../../src/platform/user.js';
import { createApiToken } from '../../src/identity/api-tokens.js';
import type { Services } from '../../src/platform/services.js';

const establishments = openSampleEstablishments();

export interface TestFile {
  name: string;
  bytes: Buffer;
}

let sequence = 0;

/** A valid CTF from `source` (a LAEstab) to `destination` (LAEstab, 823LLLL, XXXXXXX or MMMMMMM). */
export function ctfFile(
  source: string,
  destination: string,
  options: {
    pupils?: number;
    seed?: string;
    sequence?: number;
    /** Pupils with these details (the rest generated): for files whose pupils a test searches for. */
    people?: Partial<CtfPupilInput>[];
  } = {},
): TestFile & { pupils: CtfPupilInput[] } {
  const school = establishments.find((e) => e.laestab === source);
  if (!school) throw new Error(`no open sample school ${source}`);
  sequence = (sequence % 999) + 1;
  const generator = createPupilGenerator({
    seed: options.seed ?? `${source}-${destination}-${sequence}`,
    establishments,
  });
  const count = destination === 'XXXXXXX' || destination === 'MMMMMMM' ? 1 : (options.pupils ?? 3);
  const pupils = options.people
    ? options.people.map((person) => ({ ...generator.pupil(school), ...person }))
    : Array.from({ length: count }, () => generator.pupil(school));
  const xml = writeCtf({
    header: {
      version: '25.0',
      dateTime: '2026-11-02T09:00:00',
      documentQualifier: 'full',
      supplierId: 'S2S-SYNTHETIC (fictitious data, not real pupils)',
      source: {
        lea: school.laCode,
        estab: school.establishmentNumber,
        urn: school.urn,
        schoolName: school.name,
        academicYear: '2026',
      },
      destination: { lea: destination.slice(0, 3), estab: destination.slice(3) },
    },
    pupils,
  });
  const name = buildFileName({ source, label: 'CTF', destination, sequence: options.sequence ?? sequence });
  return { name, bytes: Buffer.from(xml), pupils };
}

interface ZipEntry {
  name: string;
  data: Buffer;
  /** Deflate the data (default) or store it. */
  method?: 'deflate' | 'store';
  /** Lie about the uncompressed size in the headers. */
  declaredSize?: number;
}

/** Writes a zip by hand, so tests can make the malformed and malicious ones real attackers send. */
export function makeZip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const method = entry.method === 'store' ? 0 : 8;
    const body = method === 8 ? zlib.deflateRawSync(entry.data) : entry.data;
    const crc = zlib.crc32(entry.data);
    const size = entry.declaredSize ?? entry.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, body);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** A multipart/form-data body with one `file` part per file, after any plain fields (a form's CSRF token). */
export function multipart(
  files: TestFile[],
  fields: Record<string, string> = {},
): { body: Buffer; contentType: string } {
  const boundary = `----s2s-test-${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields))
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  for (const file of files) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      file.bytes,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

export async function upload(
  app: FastifyInstance,
  token: string,
  files: TestFile[],
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  const { body, contentType } = multipart(files);
  return app.inject({
    method: 'POST',
    url: '/api/v1/files',
    payload: body,
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType, ...headers },
  });
}

export async function tokenFor(services: Services, user: User): Promise<string> {
  return (await createApiToken(services, user, 'test', null)).token;
}

/** The CTF generator's other names, all left out, so that a test's child carries only the names it gives. */
export const noOtherNames = {
  middleNames: null,
  preferredSurname: null,
  preferredForename: null,
  formerSurname: null,
  formerForename: null,
  formerUpns: [] as string[],
};
