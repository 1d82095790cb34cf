import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDatabases } from '../../test/support/databases.js';
import { fixedClock, testServices } from '../../test/support/services.js';
import type { TestServices } from '../../test/support/world.js';
import { demoTimeline, londonTime } from './demo-timeline.js';

const [pglite] = await testDatabases();

describe('the demo’s timeline', () => {
  let services: TestServices & { close(): Promise<void> };
  before(async () => {
    // Monday 2 November 2026, a week after the clocks went back.
    services = await testServices(await pglite!.open(), { clock: fixedClock(new Date('2026-11-02T08:00:00Z')) });
  });
  after(() => services.close());

  it('reads an hour as London time, in summer and in winter', () => {
    assert.equal(londonTime('2026-07-01', 9).toISOString(), '2026-07-01T08:00:00.000Z');
    assert.equal(londonTime('2026-12-01', 9, 30).toISOString(), '2026-12-01T09:30:00.000Z');
  });

  it('plays the school days of the twelve weeks before the start, not the start’s own', () => {
    const { days } = demoTimeline(services);
    assert.equal(days[0], '2026-08-10');
    assert.equal(days.at(-1), '2026-10-30');
    // Twelve weeks of weekdays, less the summer bank holiday (31 August).
    assert.equal(days.length, 59);
    assert.ok(!days.includes('2026-08-31') && !days.includes('2026-10-31'));
  });

  it('plays happenings in the order they happened, with the services’ clock and audit trail set to each', async () => {
    const timeline = demoTimeline(services);
    const seen: string[] = [];
    const note = (label: string) => async () => {
      seen.push(`${label} ${timeline.then.now().toISOString()}`);
      await timeline.then.audit({ action: `demo.${label}` });
    };
    timeline.at(40, 14, 0, note('later'));
    timeline.at(2, 9, 15, async () => {
      await note('earlier')();
      timeline.at(3, 8, 0, note('planned by the earlier'));
    });
    await timeline.run();
    assert.deepEqual(seen, [
      'earlier 2026-08-12T08:15:00.000Z',
      'planned by the earlier 2026-08-13T07:00:00.000Z',
      'later 2026-10-06T13:00:00.000Z',
    ]);
    const trail = await services.db.selectFrom('audit_events').select(['action', 'at']).orderBy('seq').execute();
    assert.deepEqual(
      trail.map((r) => [r.action, new Date(r.at).toISOString()]),
      [
        ['demo.earlier', '2026-08-12T08:15:00.000Z'],
        ['demo.planned by the earlier', '2026-08-13T07:00:00.000Z'],
        ['demo.later', '2026-10-06T13:00:00.000Z'],
      ],
    );
    assert.throws(() => timeline.at(1, 9, 0, note('too late')), /in its past/);
    assert.throws(() => timeline.at(59, 9, 0, note('the start')), /outside the 59 played/);
  });
});
