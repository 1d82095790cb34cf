/** Test users who call the API with a token of their own, and the calls they make. */
import type { FastifyInstance } from 'fastify';
import type { Role } from '../../src/platform/schema.js';
import { tokenFor } from './transfers.js';
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
