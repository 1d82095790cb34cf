/**
 * What a capability offers the composition root (`src/app/`), in one manifest: its routes and pages, its entries in
 * the navigation and on the home page, its housekeeping tasks and its bulk-job handlers. The root loops over the
 * manifests; nothing below it names a capability, so adding one touches its own folder and one line of the root.
 */
import type { FastifyBaseLogger, FastifyPluginAsync } from 'fastify';
import type { Extension } from './extensions.js';
import type { JobHandler, JobKindOptions } from './jobs.js';
import type { Permission } from './permissions.js';
import type { Services } from './services.js';
import type { User } from './user.js';

/** A link in the service navigation, shown to users whose role has the permission. */
export interface NavigationEntry {
  href: string;
  text: string;
  permission: Permission | 'signed-in';
}

/** A link in the page footer, shown to everyone, signed in or not. */
export interface FooterLink {
  href: string;
  text: string;
}

/** A card on the home page, shown to users whose role has the permission. */
export interface HomeTile {
  href: string;
  title: string;
  /** What the card says; a function when it depends on who is signed in. */
  text: string | ((user: User) => string);
  permission: Permission;
}

/**
 * Something waiting for the signed-in user, counted afresh for the home page: files to collect, requests to
 * answer. Shown only when there are some, with its count, so the home page says what needs doing today.
 */
export interface ToDo {
  permission: Permission;
  href: string;
  count(services: Services, user: User): Promise<number>;
  /** The line for a count above zero: "3 files waiting in your inbox". */
  text(count: number): string;
}

/**
 * One periodic task. It returns what it did, by name (`{ files: 3 }`): the counts are merged into housekeeping's
 * report, and those named in `purged` are counted in the purge metric under that kind.
 */
export interface HousekeepingTask {
  name: string;
  run(services: Services, now: Date): Promise<Record<string, number>>;
  /** Report keys that count rows or bodies removed, with the metric's `kind` label for each. */
  purged?: Record<string, string>;
}

/** Work run on a timer of its own, more often than housekeeping (sending email notices every minute). */
export interface PeriodicTask {
  name: string;
  everySeconds: number;
  run(services: Services): Promise<void>;
}

/** A bulk-job kind this capability handles, with the handler built over the node's services. */
export interface JobKind {
  kind: string;
  handler: (services: Services, log: FastifyBaseLogger) => JobHandler;
  options?: (services: Services) => JobKindOptions;
}

export interface Capability {
  /** The folder's name, for messages. */
  name: string;
  /** Fastify plugins registered in order, each given `{ services }`: API routes first, then pages. */
  routes?: ReadonlyArray<FastifyPluginAsync<{ services: Services }>>;
  navigation?: readonly NavigationEntry[];
  footer?: readonly FooterLink[];
  homeTiles?: readonly HomeTile[];
  /** What the home page counts as waiting for its users. */
  toDo?: readonly ToDo[];
  housekeeping?: readonly HousekeepingTask[];
  periodic?: readonly PeriodicTask[];
  jobs?: readonly JobKind[];
  /** What it plugs into other capabilities' extension points (a contributor to files' changes). */
  extensions?: readonly Extension[];
}
