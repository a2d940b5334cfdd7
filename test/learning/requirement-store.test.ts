import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/database.js';
import { AuditStore } from '../../src/db/stores/audit-store.js';
import { RequirementStore } from '../../src/db/stores/requirement-store.js';
import { PublicationStore } from '../../src/db/stores/publication-store.js';
import { UserStore } from '../../src/db/stores/user-store.js';
import { engines } from '../support/engines.js';

const GENOMICS = 'https://genomeg.wales/xapi/activities/module/what-is-genomics';

describe.each(engines)('requirement and publication stores on $name', (engine) => {
  let database: DatabaseHandle;
  let store: RequirementStore;
  let audit: AuditStore;
  let actor: string;

  beforeAll(async () => {
    database = await engine.open();
    store = RequirementStore.create(database.db);
    audit = AuditStore.create(database.db);
    actor = (await UserStore.create(database.db).create({ email: 'lead@test.genomeg.test', displayName: 'Lead', passwordHash: null, grants: [], staffId: null }, null)).id;
  });
  afterAll(async () => { await database.close(); });

  it('adds, changes and removes a requirement, auditing each with before and after', async () => {
    const added = await store.add({ organisationCode: '7A7', moduleId: GENOMICS, staffGroupCodes: ['nursing-midwifery', 'ahp'], due: { kind: 'days', days: 30 } }, actor);
    expect(await store.find(added.id)).toMatchObject({ organisationCode: '7A7', staffGroupCodes: ['ahp', 'nursing-midwifery'], due: { kind: 'days', days: 30 }, revision: 1 });

    await store.change(added.id, 1, { moduleId: GENOMICS, staffGroupCodes: [], due: { kind: 'date', date: '2027-03-31' } }, actor);
    expect(await store.find(added.id)).toMatchObject({ staffGroupCodes: [], due: { kind: 'date', date: '2027-03-31' }, revision: 2 });
    expect(await store.list(['7A7'])).toHaveLength(1);
    expect(await store.list(['7A1'])).toHaveLength(0);

    await store.remove(added.id, 2, actor);
    expect(await store.find(added.id)).toBeUndefined();
    const events = await audit.list({ entityType: 'learning_requirement', entityId: added.id });
    expect(events.map((e) => e.action)).toEqual(['learning-requirement.removed', 'learning-requirement.changed', 'learning-requirement.added']);
    expect(events[1]?.before).toMatchObject({ due: { kind: 'days', days: 30 } });
    expect(events[1]?.after).toMatchObject({ due: { kind: 'date', date: '2027-03-31' } });
    expect(events.every((e) => e.actorUserId === actor && e.organisationCode === '7A7')).toBe(true);
  });

  it('refuses a change made from a stale form and leaves the requirement as it was', async () => {
    const added = await store.add({ organisationCode: '7A2', moduleId: GENOMICS, staffGroupCodes: [], due: { kind: 'days', days: 60 } }, actor);
    await store.change(added.id, 1, { moduleId: GENOMICS, staffGroupCodes: [], due: { kind: 'days', days: 90 } }, actor);
    await expect(store.change(added.id, 1, { moduleId: GENOMICS, staffGroupCodes: [], due: { kind: 'days', days: 10 } }, actor)).rejects.toMatchObject({ code: 'GNM_CONFLICT' });
    await expect(store.remove(added.id, 1, actor)).rejects.toMatchObject({ code: 'GNM_CONFLICT' });
    expect(await store.find(added.id)).toMatchObject({ due: { kind: 'days', days: 90 }, revision: 2 });
    expect((await audit.list({ entityType: 'learning_requirement', entityId: added.id })).length).toBe(2);
  });

  it('keeps one due rule per requirement: the database refuses both a date and a number of days', async () => {
    const now = new Date();
    await expect(database.db.insertInto('learning_requirements').values({
      id: 'both', organisation_code: '7A7', module_id: GENOMICS, staff_group_codes: '[]', due_date: '2027-01-01', due_days: 5,
      revision: 1, created_by: null, created_at: now, updated_by: null, updated_at: now,
    }).execute()).rejects.toThrow();
  });

  it('publishes each version once, in order, and names the latest as current', async () => {
    const publications = PublicationStore.create(database.db);
    const input = { moduleId: GENOMICS, slug: 'what-is-genomics', source: '{}', sha256: 'x' };
    await publications.publish({ ...input, version: '1.0.0' }, null, actor);
    await expect(publications.publish({ ...input, version: '1.0.0' }, '1.0.0', actor)).rejects.toMatchObject({ code: 'GNM_CONFLICT' });
    // Another lead published in between: what this lead saw is out of date.
    await expect(publications.publish({ ...input, version: '1.1.0' }, null, actor)).rejects.toMatchObject({ code: 'GNM_CONFLICT' });
    await publications.publish({ ...input, version: '1.1.0' }, '1.0.0', actor);
    expect((await publications.current()).map((p) => [p.slug, p.version])).toEqual([['what-is-genomics', '1.1.0']]);
    expect((await publications.history(GENOMICS)).map((p) => p.version)).toEqual(['1.1.0', '1.0.0']);
    const events = await audit.list({ entityType: 'learning_module', entityId: GENOMICS });
    expect(events.map((e) => [e.action, (e.after as { version: string }).version])).toEqual([['module-version.published', '1.1.0'], ['module-version.published', '1.0.0']]);
  });
});
