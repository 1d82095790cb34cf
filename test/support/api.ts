/** Test users who call the API with a token of their own, the calls they make, and what those calls set up. */
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { CtfPupilInput } from '../../src/ctf/index.js';
import type { Role } from '../../src/platform/schema.js';
import { ctfFile, tokenFor, upload } from './transfers.js';
import { addUser, type TestServices, type TestUser } from './world.js';

export interface Actor {
  account: TestUser;
  token: string;
}

export async function apiActor(services: TestServices, role: Role, org: string): Promise<Actor> {
  const account = await addUser(services, { role, org });
  return { account, token: await tokenFor(services, account.user) };
}

export function apiPost(app: FastifyInstance, who: Actor, url: string, body: unknown) {
  return app.inject({
    method: 'POST',
    url,
    payload: body as object,
    headers: { authorization: `Bearer ${who.token}` },
  });
}

export function apiGet(app: FastifyInstance, who: Actor, url: string) {
  return app.inject({ url, headers: { authorization: `Bearer ${who.token}` } });
}

/** The details a school records for a leaver; the same name and UPN go in the CTF it sends. */
export interface LeavingPupil {
  surname: string;
  forename: string;
  dateOfBirth: string;
  upn: string;
}

/**
 * A school records a pupil leaving for `destination` on 30 October 2026 and sends that school the pupil's CTF,
 * which waits there uncollected: a CTF in flight for the tests that look for one. `inCtf` sets more of the pupil's
 * details in the file. Returns the sent file's id.
 */
export async function leaverWithCtfSent(
  app: FastifyInstance,
  school: Actor,
  destination: string,
  pupil: LeavingPupil,
  inCtf: Partial<CtfPupilInput> = {},
): Promise<string> {
  const leaver = await apiPost(app, school, '/api/v1/leavers', {
    ...pupil,
    leftOn: '2026-10-30',
    destination: 'school',
    destinationLAEstab: destination,
  });
  assert.equal(leaver.statusCode, 201, leaver.body);
  const { surname, forename, upn } = pupil;
  const sent = await upload(app, school.token, [
    ctfFile(school.account.user.orgCode, destination, { people: [{ ...inCtf, surname, forename, upn }] }),
  ]);
  assert.equal(sent.statusCode, 201, sent.body);
  return (sent.json().files as Array<{ id: string }>)[0]!.id;
}
