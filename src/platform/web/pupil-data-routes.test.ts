/**
 * Calls every route as each seeded user entitled to it, with the ids of seeded children's records: every GET page
 * and API route, then every form and API call (empty, so that refused forms show their page again, or with the
 * details a real lookup sends). It looks in each answer for the seeded children's names, dates of birth and UPNs.
 * A route that shows one without being marked `pupilData` (each answer audited as a read) fails, named, unless it
 * is listed below as audited by an event of its own; so does a marked or listed route that no call here sees
 * showing a child, so that the walk keeps its coverage as routes are added.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { apiGet, apiPost, type Actor } from '../../../test/support/api.js';
import { testDatabases } from '../../../test/support/databases.js';
import { testServices } from '../../../test/support/services.js';
import { ctfFile, tokenFor, upload, noOtherNames } from '../../../test/support/transfers.js';
import {
  addUser,
  csrfFrom,
  seedRegister,
  signIn,
  type Browser,
  type TestServices,
} from '../../../test/support/world.js';
import { makeUpn } from '../../ctf/upn.js';
import { can } from '../permissions.js';
import type { Role } from '../schema.js';
import { buildApp, type RouteEntry } from '../../app/app.js';
import { longDate } from './views.js';

/**
 * What every page must have, whoever sees it and however it was reached: one main heading, and a title that says
 * "Error:" at most once (the layout adds it when the page shows errors).
 */
const pageProblems: string[] = [];
let pagesSeen = 0;
function problemsOfPage(name: string, response: LightMyRequestResponse): string[] {
  if (!String(response.headers['content-type'] ?? '').startsWith('text/html')) return [];
  pagesSeen += 1;
  const problems: string[] = [];
  const headings = response.body.match(/<h1[\s>]/g)?.length ?? 0;
  if (headings !== 1) problems.push(`${name}: ${headings} h1 headings`);
  const title = /<title[^>]*>([^<]*)<\/title>/.exec(response.body)?.[1] ?? '';
  if (/Error:.*Error:/.test(title)) problems.push(`${name}: title "${title.trim()}"`);
  return problems;
}

/**
 * Routes whose reads of children's details are audited by an event of their own, with who read what, so that
 * marking them would audit the same read twice. The walk checks that each call showing a child writes its event,
 * and that none of these is also marked.
 */
const auditedOtherwise: Record<string, { action: string; reason: string }> = {
  'GET /files/:id/download': {
    action: 'file.downloaded',
    reason: 'the receiving school or its LA collects the CTF: audited with the file and how many pupils it holds',
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
  'POST /repository/search': {
    action: 'repository.searched',
    reason: 'the search’s results: audited with the criteria and the id of every record shown',
  },
  'POST /api/v1/repository/search': {
    action: 'repository.searched',
    reason: 'the same search by the API, audited the same way',
  },
  'POST /joiners/new': {
    action: 'repository.searched',
    reason: 'registering a new pupil searches the repository for them: the records shown are audited as a search',
  },
  'POST /api/v1/joiners': {
    action: 'repository.searched',
    reason: 'the same registration by the API, audited the same way',
  },
};

interface Child {
  surname: string;
  forename: string;
  dateOfBirth: string;
  upn?: string;
}

const none = noOtherNames;
// Names no page prints for any other reason, so that finding one in an answer means a child is shown.
const children: Record<string, Child> = {
  'the child found from the repository': { surname: 'Ravensworth', forename: 'Perpetua', dateOfBirth: '2015-06-17' },
  'the child still sought in the repository': {
    surname: 'Thistlethwaite',
    forename: 'Clementine',
    dateOfBirth: '2016-02-21',
  },
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
  'the draft enquiry’s child': { surname: 'Fitzwilliam-Okoro', forename: 'Hildegard', dateOfBirth: '2013-07-07' },
  'the child missing education': { surname: 'Kettleborough', forename: 'Araminta', dateOfBirth: '2015-10-14' },
};

/**
 * Each seeded child's details in the forms the pages and the API use, with the forms in which a caller who typed
 * the detail in would have sent it (a date of birth as ISO or as its parts on a form).
 */
function details(): Array<{ value: string; what: string; sentAs: string[] }> {
  return Object.entries(children).flatMap(([who, child]) => {
    const born = [child.dateOfBirth, `dob-year=${child.dateOfBirth.slice(0, 4)}`];
    return [
      { value: child.surname, what: `the surname of ${who}`, sentAs: [child.surname] },
      { value: child.forename, what: `the first name of ${who}`, sentAs: [child.forename] },
      { value: child.dateOfBirth, what: `the date of birth of ${who}`, sentAs: born },
      { value: longDate(child.dateOfBirth), what: `the date of birth of ${who}`, sentAs: born },
      ...(child.upn ? [{ value: child.upn, what: `the UPN of ${who}`, sentAs: [child.upn] }] : []),
    ];
  });
}

interface Caller {
  name: string;
  role: Role;
  browser: Browser;
  /** The session's CSRF token, which lasts as long as the session. */
  csrf: string;
  actor: Actor;
}

const [database] = await testDatabases();

describe('routes that show children’s details', () => {
  let services: TestServices & { close(): Promise<void> };
  let app: FastifyInstance;
  const callers: Caller[] = [];
  const examples = new Map<string, string>();
  /** What the walk sends to a form or API call; an empty form or body otherwise. */
  const bodies = new Map<string, Record<string, unknown>>();

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
      const browser = await signIn(app, services, account);
      callers.push({
        name,
        role,
        browser,
        csrf: csrfFrom((await browser.get('/')).body),
        actor: { account, token: await tokenFor(services, account.user) },
      });
    }
    const [leaverSchool, joinerSchool, officer] = callers.map((c) => c.actor) as [Actor, Actor, Actor];
    const ok = (response: LightMyRequestResponse, what: string) =>
      assert.ok(response.statusCode >= 200 && response.statusCode < 300, `${what}: ${response.body}`);

    // Two leavers' CTFs to XXXXXXX: the school the children joined finds and opens both, and marks one found.
    const toRepository = ['the child found from the repository', 'the child still sought in the repository'].map(
      (who) => {
        const ctf = ctfFile('8232003', 'XXXXXXX', { people: [{ ...none, ...children[who]! }] });
        children[who]!.upn = ctf.pupils[0]!.upn!;
        return ctf;
      },
    );
    // A CTF waiting in the joining school's inbox.
    const toSchool = ctfFile('8232003', '8232002', {
      people: [{ ...none, ...children['the child in the inbox file']! }],
    });
    children['the child in the inbox file']!.upn = toSchool.pupils[0]!.upn!;
    const uploaded = await upload(app, leaverSchool.token, [...toRepository, toSchool]);
    assert.equal(uploaded.statusCode, 201, uploaded.body);
    const file = (uploaded.json().files as Array<{ id: string }>)[2]!;
    const records: string[] = [];
    for (const child of [
      children['the child found from the repository']!,
      children['the child still sought in the repository']!,
    ]) {
      const search = await apiPost(app, joinerSchool, '/api/v1/repository/search', {
        surname: child.surname,
        forename: child.forename,
        dateOfBirth: child.dateOfBirth,
      });
      ok(search, 'search');
      const id = (search.json().results as Array<{ id: string }>)[0]!.id;
      ok(
        await apiPost(app, joinerSchool, `/api/v1/repository/records/${id}/open`, {
          reason: 'Joined Year 6 on 2 November without a CTF',
        }),
        'open',
      );
      records.push(id);
    }
    const [record, stillSought] = records as [string, string];
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
    // A new pupil whose details are exactly those of a repository record: the school is asked to look at it.
    const strong = await apiPost(app, joinerSchool, '/api/v1/joiners', {
      ...children['the child still sought in the repository']!,
      upn: undefined,
      previousLAEstab: '',
      joinedOn: '2026-10-29',
    });
    ok(strong, 'joiner with a strong match');
    assert.ok(strong.json().strongMatch, 'the record matches strongly');
    const strongJoiner = (strong.json() as { id: string }).id;
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
    const draft = await apiPost(app, officer, '/api/v1/enquiries', {
      ...children['the draft enquiry’s child']!,
      sex: 'F',
      lastAddress: '9 Cooper Yard, Ashdown Vale',
      concern: 'Not at school since 5 October.',
    });
    ok(draft, 'draft enquiry');
    const draftEnquiry = (draft.json() as { id: string }).id;
    ok(
      await apiPost(app, officer, '/api/v1/cme-cases', {
        ...children['the child missing education']!,
        lastInEducationOn: '2026-09-30',
        identifiedOn: '2026-10-20',
      }),
      'CME case',
    );

    const someone = await addUser(services, { role: 'school-user', org: '8232004' });
    const ctfRequest = await services.db.selectFrom('ctf_requests').select('id').executeTakeFirstOrThrow();
    const leaverRow = await services.db.selectFrom('leavers').select('id').executeTakeFirstOrThrow();
    const cmeCase = await services.db.selectFrom('cme_cases').select('id').executeTakeFirstOrThrow();
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
      'GET /api/v1/jobs/:id': `/api/v1/jobs/${crypto.randomUUID()}`,
      'GET /zips/:id': `/zips/${crypto.randomUUID()}`,
      'GET /repository/records/:id': `/repository/records/${record}`,
      'GET /repository/records/:id/opened': `/repository/records/${record}/opened`,
      'GET /repository/records/:id/download': `/repository/records/${record}/download`,
      'GET /api/v1/repository/records/:id/content': `/api/v1/repository/records/${record}/content`,
      'GET /enquiries/:id': `/enquiries/${enquiry}`,
      'GET /joiners/:id/match': `/joiners/${strongJoiner}/match`,
      'GET /cme-cases/:id': `/cme-cases/${cmeCase.id}`,
      'POST /joiners/:id/match': `/joiners/${strongJoiner}/match`,
      'POST /api/v1/joiners/:id/match': `/api/v1/joiners/${strongJoiner}/match`,
      'GET /api/v1/enquiries/:id': `/api/v1/enquiries/${enquiry}`,
      'POST /users/:id/api-tokens/:tokenId/revoke': `/users/${someone.user.id}/api-tokens/${crypto.randomUUID()}/revoke`,
      'POST /users/:id/:change': `/users/${someone.user.id}/disable`,
      'POST /account/api-tokens/:id/revoke': `/account/api-tokens/${crypto.randomUUID()}/revoke`,
      'DELETE /api/v1/files/:id': `/api/v1/files/${file!.id}`,
      'POST /files/:id/remove': `/files/${file!.id}/remove`,
      'POST /api/v1/repository/records/:id/open': `/api/v1/repository/records/${record}/open`,
      'POST /api/v1/repository/records/:id/found': `/api/v1/repository/records/${stillSought}/found`,
      'POST /repository/records/:id/open': `/repository/records/${record}/open`,
      'POST /repository/records/:id/found': `/repository/records/${stillSought}/found`,
      'POST /api/v1/ctf-requests/:id/answer': `/api/v1/ctf-requests/${ctfRequest.id}/answer`,
      'POST /ctf-requests/:id/answer': `/ctf-requests/${ctfRequest.id}/answer`,
      'POST /leavers/:id/cme-case': `/leavers/${leaverRow.id}/cme-case`,
      'POST /api/v1/enquiries/:id/send': `/api/v1/enquiries/${draftEnquiry}/send`,
      'POST /api/v1/enquiries/:id/approve': `/api/v1/enquiries/${enquiry}/approve`,
      'POST /api/v1/enquiries/:id/send-back': `/api/v1/enquiries/${enquiry}/send-back`,
      'POST /enquiries/:id/send-back': `/enquiries/${enquiry}/send-back`,
      'POST /repository/alerts/:kind/:id/reviewed': `/repository/alerts/refusals/${crypto.randomUUID()}/reviewed`,
      'POST /api/v1/enquiries/:id/answer': `/api/v1/enquiries/${enquiry}/answer`,
      'POST /api/v1/enquiries/:id/close': `/api/v1/enquiries/${enquiry}/close`,
      'POST /enquiries/:id/send': `/enquiries/${draftEnquiry}/send`,
      'POST /enquiries/:id/approve': `/enquiries/${enquiry}/approve`,
      'POST /enquiries/:id/close': `/enquiries/${enquiry}/close`,
      'POST /enquiries/received/:id/answer': `/enquiries/received/${enquiry}/answer`,
      'POST /api/v1/cme-cases/:id/close': `/api/v1/cme-cases/${cmeCase.id}/close`,
      'POST /cme-cases/:id/close': `/cme-cases/${cmeCase.id}/close`,
    }))
      examples.set(route, url);

    // Calls that look a child up: by a misspelt surname, so that the answer shows the child's own spelling.
    const sought = { ...children['the child still sought in the repository']!, surname: 'Thistlethwayte' };
    const [year, month, day] = sought.dateOfBirth.split('-') as [string, string, string];
    const soughtOnForm = {
      surname: sought.surname,
      forename: sought.forename,
      'dob-day': day,
      'dob-month': month,
      'dob-year': year,
    };
    for (const [route, body] of Object.entries({
      'POST /api/v1/repository/search': { surname: sought.surname, dateOfBirth: sought.dateOfBirth },
      'POST /repository/search': { surname: sought.surname, 'dob-day': day, 'dob-month': month, 'dob-year': year },
      'POST /api/v1/joiners': {
        surname: sought.surname,
        forename: sought.forename,
        dateOfBirth: sought.dateOfBirth,
        previousLAEstab: '',
        joinedOn: '2026-10-29',
      },
      'POST /joiners/new': { ...soughtOnForm, 'joined-day': '29', 'joined-month': '10', 'joined-year': '2026' },
      'POST /api/v1/enquiries': {
        surname: sought.surname,
        forename: sought.forename,
        dateOfBirth: sought.dateOfBirth,
        sex: 'F',
        lastAddress: '3 Tannery Row, Ashdown Vale',
        concern: 'Not seen at school or at home since 1 October.',
      },
      'POST /enquiries/new': {
        ...soughtOnForm,
        sex: 'F',
        lastAddress: '3 Tannery Row, Ashdown Vale',
        concern: 'Not seen at school or at home since 1 October.',
      },
      'POST /api/v1/repository/records/:id/open': { reason: 'Joined Year 6 on 2 November without a CTF' },
    }))
      bodies.set(route, body);
  });
  after(async () => {
    await app.close();
    await services.close();
  });

  const key = (route: RouteEntry) => `${route.method} ${route.url}`;

  function entitled(route: RouteEntry, role: Role): boolean {
    return route.access === 'public' || route.access === 'signed-in' || can(role, route.access);
  }

  async function audited(action: string): Promise<number> {
    const row = await services.db
      .selectFrom('audit_events')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('action', '=', action)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * Calls each route as each caller entitled to it and returns what is wrong. `send` makes the request and says
   * what the caller sent: a detail the caller typed in is not one the answer gave away.
   */
  async function walk(
    routes: RouteEntry[],
    send: (
      route: RouteEntry,
      caller: Caller,
      url: string,
    ) => Promise<{ response: LightMyRequestResponse; sent: string }>,
  ): Promise<string[]> {
    const failures: string[] = [];
    const shown = new Set<string>();
    for (const route of routes) {
      const url = examples.get(key(route)) ?? route.url;
      if (/[:*]/.test(url)) {
        failures.push(`${key(route)}: no example id to call it with; add one to the walk`);
        continue;
      }
      const exemption = auditedOtherwise[key(route)];
      if (exemption && route.pupilData)
        failures.push(`${key(route)} is audited as ${exemption.action} and marked pupilData too: one read, two events`);
      for (const caller of callers.filter((c) => entitled(route, c.role))) {
        const before = exemption ? await audited(exemption.action) : 0;
        const { response, sent } = await send(route, caller, url);
        if (response.statusCode >= 500) failures.push(`${key(route)} as ${caller.name}: ${response.statusCode}`);
        pageProblems.push(...problemsOfPage(`${key(route)} as ${caller.name}`, response));
        // What the audit of marked routes records: an answer, or a refused form's page shown again.
        if (response.statusCode !== 200 && response.statusCode !== 201 && response.statusCode !== 422) continue;
        const found = details().find(
          ({ value, sentAs }) => response.body.includes(value) && !sentAs.some((form) => sent.includes(form)),
        );
        if (!found) continue;
        shown.add(key(route));
        if (exemption) {
          if ((await audited(exemption.action)) === before)
            failures.push(`${key(route)} showed ${found.what} to ${caller.name} without ${exemption.action}`);
        } else if (!route.pupilData) {
          failures.push(
            `${key(route)} shows ${found.what} to ${caller.name} but is not marked pupilData: add config.pupilData`,
          );
        }
      }
    }
    for (const route of routes.filter((r) => r.pupilData || auditedOtherwise[key(r)]))
      if (!shown.has(key(route)))
        failures.push(`${key(route)} is marked as showing children, but no call here saw one: seed what it shows`);
    return failures;
  }

  it('marks every GET route that shows a child, and sees each marked one show one', async () => {
    const routes = app.routeTable.filter((route) => route.method === 'GET' && !route.signInStage);
    assert.ok(routes.length >= 50, `only ${routes.length} GET routes`);
    const failures = await walk(routes, async (_route, caller, url) => ({
      response: url.startsWith('/api/') ? await apiGet(app, caller.actor, url) : await caller.browser.get(url),
      sent: '',
    }));
    assert.deepEqual(failures, []);
  });

  it('marks every form and API call that shows a child, refused or answered, and sees each marked one show one', async () => {
    // Sign-in, account set-up and sign-out act on the caller's own session and show no child: posting them here
    // would end or disturb the sessions the other calls use.
    const routes = app.routeTable.filter(
      (route) => route.method !== 'GET' && route.access !== 'public' && route.url !== '/sign-out',
    );
    assert.ok(routes.length >= 35, `only ${routes.length} other routes`);
    const failures = await walk(routes, async (route, caller, url) => {
      const body = bodies.get(key(route)) ?? {};
      if (url.startsWith('/api/')) {
        const response = await app.inject({
          method: route.method as 'POST',
          url,
          ...(route.method === 'DELETE' ? {} : { payload: body }),
          headers: { authorization: `Bearer ${caller.actor.token}` },
        });
        return { response, sent: JSON.stringify(body) };
      }
      const form = Object.fromEntries(Object.entries(body).map(([name, value]) => [name, String(value)]));
      const response = await caller.browser.post(url, { _csrf: caller.csrf, ...form });
      return { response, sent: new URLSearchParams(form).toString() };
    });
    assert.deepEqual(failures, []);
  });

  it('gives every page it saw one h1, and a title that says Error once', () => {
    assert.ok(pagesSeen > 50, `only ${pagesSeen} pages seen`);
    assert.deepEqual(pageProblems, []);
  });

  it('exempts only routes that exist', () => {
    for (const exempt of Object.keys(auditedOtherwise))
      assert.ok(
        app.routeTable.some((route) => key(route) === exempt),
        `${exempt} is exempted but is not a route`,
      );
  });
});
