/** What s2s adds to Fastify's request, reply and route config. */
import type { Access } from '../permissions.js';
import type { ApiOperation } from './api-route.js';
import type { SessionsTable } from '../schema.js';
import type { User } from '../user.js';

/** A signed-in (or signing-in) browser session, as the request carries it. */
export interface Session {
  idHash: string;
  userId: string;
  stage: SessionsTable['stage'];
  pendingTotpSecret: Buffer | null;
  createdAt: Date;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The permission this route needs. Required on every route: the app refuses to start without it. */
    access?: Access;
    /**
     * A multipart form whose handler checks the CSRF token itself, from the form's first field, before it reads
     * any file: the token cannot be checked earlier without buffering the upload.
     */
    csrfInHandler?: boolean;
    /**
     * The route shows children's details (names, dates of birth), on success or when it shows a refused form's page
     * again: each such answer is audited with who, the route and its parameters. CTF downloads and repository
     * searches are audited by events of their own and are not marked; `pupil-data-routes.test.ts` walks every route
     * and fails on one that shows a child unaudited.
     */
    pupilData?: boolean;
    /** Session stage a route serves before sign-in is complete (two-factor and enrolment pages). */
    signInStage?: Session['stage'];
    /** An API operation's declaration, from which its answers are cut and the OpenAPI document is made. */
    api?: ApiOperation;
  }
  interface FastifyRequest {
    user: User | null;
    organisationName: string | null;
    session: Session | null;
    /** How the user was authenticated: a browser session cookie or an API bearer token. */
    via: 'session' | 'token' | null;
  }
  interface FastifyReply {
    cspNonce: { script: string; style: string };
  }
}
