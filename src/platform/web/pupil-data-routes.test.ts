/**
 * Calls every GET route, page and API, as each seeded user entitled to it, with the ids of seeded children's
 * records, and looks in every answer for those children's details. A route that shows a child without being marked
 * `pupilData` (so that each answer is audited as a read) fails, named; so does a marked route that no call here
 * sees showing a child, so that the walk keeps its coverage as routes are added.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { apiGet, apiPost, type Actor } from '../../../test/support/api.js';
import { testDatabases } from '../../../test/support/databases.js';
import { testServices } from '../../../test/support/services.js';
import { ctfFile, tokenFor, upload } from '../../../test/support/transfers.js';
import { addUser, seedRegister, signIn, type Browser, type TestServices } from '../../../test/support/world.js';
import { makeUpn } from '../../ctf/upn.js';
import { can } from '../../identity/permissions.js';
import type { Role } from '../schema.js';
import { buildApp, type RouteEntry } from './app.js';
import { longDate } from './views.js';

/**
 * Routes that hand over a CTF's own bytes rather than a page. Each is audited as a download of that file or record,
 * with who took it, so marking them would audit the same read twice. The walk checks that they do show the child,
 * that each call writes its download event, and that none is also marked.
 */
const auditedAsDownloads: Record<string, { action: string; reason: string }> = {
  'GET /files/:id/download': {
    action: 'file.downloaded',
    reason: 'the receiving school or its LA collects the file: audited with the file and how many pupils it holds',
  },
  'GET /api/v1/files/:id/content': {
    action: 'file.downloaded',
    reason: 'the same collection by the API, audited the same way',
  },
  'GET /repository/records/:id/download': {
    action: 'repository.record-downloaded',
    reason: 'the person who opened the record takes the one child’s CTF: audited with the record',
  },
  'GET /api/v1/repository/records/:id/content': {
    action: 'repository.record-downloaded',
    reason: 'the same download by the API, audited the same way',
  },
};

interface Child {
  surname: string;
  forename: string;
  dateOfBirth: string;
  upn?: string;
}

// Names no page prints for any other reason, so that finding one in an answer means a child is shown.
const none = {
  middleNames: null,
  preferredSurname: null,
  preferredForename: null,
  formerSurname: null,
  formerForename: null,
  formerUpns: [],
};
const children: Record<string, Child> = {
  'the child in the repository': { surname: 'Ravensworth', forename: 'Perpetua', dateOfBirth: '2015-06-17' },
  'the child in the inbox file': { surname: 'Quenneville', forename: 'Barnaby', dateOfBirth: '2014-01-29' },
  'the leaver': {
    surname: 'Westmacott',
    forename: 'Ottoline',
    dateOfBirth: '2013-02-08',
    upn: makeUpn('823200326950'),
  },
  'the joiner whose CTF is asked for': { surname: 'Featherstonehaugh', forename: 'Tarquin', dateOfBirth: '2014-09-23' },
  'the joiner passed to the LA': { surname: 'Abernathy-Lisle', forename: 'Cordelia', dateOfBirth: '2016-05-11' },
  'the enquiry’s child': { surname: 'Pemberton-Oyelaran', forename: 'Ignatius', dateOfBirth: '2012-12-03' },
  'the child missing education': { surname: 'Kettleborough', forename: 'Araminta', dateOfBirth: '2015-10-14' },
};

/** Each seeded child's details in the forms the pages and the API use. */
function details(): Array<{ value: string; what: string }> {
  return Object.entries(children).flatMap(([who, child]) => [
    { value: child.surname, what: `the surname of ${who}` },
    { value: child.forename, what: `the first name of ${who}` },
    { value: child.dateOfBirth, what: `the date of birth of ${who}` },
    { value: longDate(child.dateOfBirth), what: `the date of birth of ${who}` },
    ...(child.upn ? [{ value: child.upn, what: `the UPN of ${who}` }] : []),
  ]);
}

interface Caller {
  name: string;
  role: Role;
  browser: Browser;
  actor: Actor;
}

const [database] = await testDatabases();

describe('routes that show children’s details', () => {
  let services: TestServices & { close(): Promise<void> };
  let app: FastifyInstance;
  const callers: Caller[] = [];
  const examples = new Map<string, string>();

  before(async () => {
    services = await testServices(await database!.open(), {
      env: { S2S_REPOSITORY_SEARCHES_PER_MINUTE: '1000', S2S_REPOSITORY_SEARCH_ALERT_PER_DAY: '100000' },
    });
    await seedRegister(services);
    app = await buildApp(services);
    const people: Array<[string, Role, string]> = [
      ['the school the children left (8232003)', 'school-user', '8232003'],
      ['the school they joined (8232002)', 'school-user', '8232002'],
      ['their LA’s officer (823)', 'la-user', '823'],
      ['their LA’s administrator (823)', 'la-admin', '823'],
      ['the officer of the LA asked (330)', 'la-user', '330'],
      ['DfE’s administrator', 'dfe-admin', 'DFE'],
    ];
    for (const [name, role, org] of people) {
      const account = await addUser(services, { role, org });
      callers.push({
        name,
        role,
        browser: await signIn(app, services, account),
        actor: { account, token: await tokenFor(services, account.user) },
      });
    }
    const [leaverSchool, joinerSchool, officer] = callers.map((c) => c.actor) as [Actor, Actor, Actor];
    const ok = (response: LightMyRequestResponse, what: string) =>
      assert.ok(response.statusCode >= 200 && response.statusCode < 300, `${what}: ${response.body}`);

    // A leaver's CTF to XXXXXXX, found by the school the child joined, opened and marked found.
    const toRepository = ctfFile('8232003', 'XXXXXXX', {
      people: [{ ...none, ...children['the child in the repository']! }],
    });
    children['the child in the repository']!.upn = toRepository.pupils[0]!.upn!;
    // A CTF waiting in the joining school's inbox.
    const toSchool = ctfFile('8232003', '8232002', {
      people: [{ ...none, ...children['the child in the inbox file']! }],
    });
    children['the child in the inbox file']!.upn = toSchool.pupils[0]!.upn!;
    const uploaded = await upload(app, leaverSchool.token, [toRepository, toSchool]);
    assert.equal(uploaded.statusCode, 201, uploaded.body);
    const [, file] = uploaded.json().files as Array<{ id: string }>;
    const repositoryChild = children['the child in the repository']!;
    const search = await apiPost(app, joinerSchool, '/api/v1/repository/search', {
      surname: repositoryChild.surname,
      forename: repositoryChild.forename,
      dateOfBirth: repositoryChild.dateOfBirth,
    });
    ok(search, 'search');
    const record = (search.json().results as Array<{ id: string }>)[0]!.id;
    ok(
      await apiPost(app, joinerSchool, `/api/v1/repository/records/${record}/open`, {
        reason: 'Joined Year 6 on 2 November without a CTF',
      }),
      'open',
    );
    ok(
      await apiPost(app, joinerSchool, `/api/v1/repository/records/${record}/found`, {
        outcome: 'enrolled',
        laestab: '8232002',
      }),
      'found',
    );

    // A leaver without a CTF, two new pupils without one, an enquiry sent to another LA and a CME case.
    const leaver = children['the leaver']!;
    ok(
      await apiPost(app, leaverSchool, '/api/v1/leavers', {
        ...leaver,
        leftOn: '2026-10-30',
        destination: 'unknown',
        reason: 'moved-address-unknown',
      }),
      'leaver',
    );
    ok(
      await apiPost(app, joinerSchool, '/api/v1/joiners', {
        ...children['the joiner whose CTF is asked for']!,
        previousLAEstab: '8232003',
        joinedOn: '2026-10-29',
      }),
      'joiner',
    );
    ok(
      await apiPost(app, joinerSchool, '/api/v1/joiners', {
        ...children['the joiner passed to the LA']!,
        previousLAEstab: '',
        joinedOn: '2026-10-29',
      }),
      'joiner passed to the LA',
    );
    const made = await apiPost(app, officer, '/api/v1/enquiries', {
      ...children['the enquiry’s child']!,
      sex: 'M',
      lastAddress: '3 Tannery Row, Ashdown Vale',
      concern: 'Not seen at school or at home since 1 October.',
    });
    ok(made, 'enquiry');
    const enquiry = (made.json() as { id: string }).id;
    ok(
      await apiPost(app, officer, `/api/v1/enquiries/${enquiry}/send`, {
        recipients: [{ laCode: '330', reason: 'An aunt lives in Brackenford' }],
      }),
      'enquiry sent',
    );
    ok(
      await apiPost(app, officer, '/api/v1/cme-cases', {
        ...children['the child missing education']!,
        lastInEducationOn: '2026-09-30',
        identifiedOn: '2026-10-20',
      }),
      'CME case',
    );

    const someone = await addUser(services, { role: 'school-user', org: '8232004' });
    for (const [route, url] of Object.entries({
      'GET /set-up/:token': `/set-up/${'x'.repeat(43)}`,
      'GET /users/:id': `/users/${someone.user.id}`,
      'GET /api/v1/establishments': '/api/v1/establishments?q=Hollins',
      'GET /find-a-school': '/find-a-school?q=Hollins',
      'GET /assets/*': '/assets/govuk-frontend.min.css',
      'GET /public/*': '/public/s2s.css',
      'GET /files/:id': `/files/${file!.id}`,
      'GET /files/:id/download': `/files/${file!.id}/download`,
      'GET /api/v1/files/:id': `/api/v1/files/${file!.id}`,
      'GET /api/v1/files/:id/content': `/api/v1/files/${file!.id}/content`,
      'GET /repository/records/:id': `/repository/records/${record}`,
      'GET /repository/records/:id/opened': `/repository/records/${record}/opened`,
      'GET /repository/records/:id/download': `/repository/records/${record}/download`,
      'GET /api/v1/repository/records/:id/content': `/api/v1/repository/records/${record}/content`,
      'GET /enquiries/:id': `/enquiries/${enquiry}`,
      'GET /api/v1/enquiries/:id': `/api/v1/enquiries/${enquiry}`,
    }))
      examples.set(route, url);
  });
  after(async () => {
    await app.close();
    await services.close();
  });

  const key = (route: RouteEntry) => `${route.method} ${route.url}`;

  function entitled(route: RouteEntry, role: Role): boolean {
    return route.access === 'public' || route.access === 'signed-in' || can(role, route.access);
  }

  function call(route: RouteEntry, caller: Caller, url: string): Promise<LightMyRequestResponse> {
    return url.startsWith('/api/') ? apiGet(app, caller.actor, url) : caller.browser.get(url);
  }

  async function downloadsAudited(action: string): Promise<number> {
    const row = await services.db
      .selectFrom('audit_events')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('action', '=', action)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  it('marks every route that shows a child, and sees each marked route show one', async () => {
    const failures: string[] = [];
    const shown = new Set<string>();
    const routes = app.routeTable.filter((route) => route.method === 'GET' && !route.signInStage);
    assert.ok(routes.length >= 50, `only ${routes.length} GET routes`);
    for (const route of routes) {
      const url = examples.get(key(route)) ?? route.url;
      if (/[:*]/.test(url)) {
        failures.push(`${key(route)}: no example id to call it with; add one to the walk`);
        continue;
      }
      const exemption = auditedAsDownloads[key(route)];
      if (exemption && route.pupilData)
        failures.push(`${key(route)} is audited as ${exemption.action} and marked pupilData too: one read, two events`);
      for (const caller of callers.filter((c) => entitled(route, c.role))) {
        const downloadsBefore = exemption ? await downloadsAudited(exemption.action) : 0;
        const response = await call(route, caller, url);
        if (response.statusCode >= 500) failures.push(`${key(route)} as ${caller.name}: ${response.statusCode}`);
        if (response.statusCode !== 200) continue;
        const found = details().find(({ value }) => response.body.includes(value));
        if (!found) continue;
        shown.add(key(route));
        if (exemption) {
          if ((await downloadsAudited(exemption.action)) === downloadsBefore)
            failures.push(`${key(route)} as ${caller.name} handed over ${found.what} without ${exemption.action}`);
        } else if (!route.pupilData) {
          failures.push(
            `${key(route)} shows ${found.what} to ${caller.name} but is not marked pupilData: add config.pupilData`,
          );
        }
      }
    }
    for (const route of routes.filter((r) => r.pupilData || auditedAsDownloads[key(r)]))
      if (!shown.has(key(route)))
        failures.push(`${key(route)} is marked as showing children, but no call here saw one: seed what it shows`);
    for (const exempt of Object.keys(auditedAsDownloads))
      if (!routes.some((route) => key(route) === exempt)) failures.push(`${exempt} is exempted but is not a route`);
    assert.deepEqual(failures, []);
  });
});
