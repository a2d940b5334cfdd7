import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { DatabaseHandle } from '../../src/db/database.js';
import { AuditStore } from '../../src/db/stores/audit-store.js';
import { StaffStore } from '../../src/db/stores/staff-store.js';
import { UserStore } from '../../src/db/stores/user-store.js';
import { importStaffExtract } from '../../src/services/staff-import.js';
import { engines } from '../support/engines.js';
import { buildStaffRow, staffCsv } from '../support/factories.js';

describe.each(engines)('staff import on $name', (engine) => {
  let handle: DatabaseHandle;
  let staff: StaffStore;
  let audit: AuditStore;

  beforeAll(async () => {
    handle = await engine.open();
    staff = StaffStore.create(handle.db);
    audit = AuditStore.create(handle.db);
  });
  afterAll(async () => { await handle.close(); });

  const run = (rows: Parameters<typeof staffCsv>[0], options: { mode?: 'full' | 'partial'; dryRun?: boolean; permitted?: 'all' | string[]; asOf?: Date; hold?: boolean } = {}) =>
    importStaffExtract(staff, {
      text: staffCsv(rows), fileName: 'extract.csv', mode: options.mode ?? 'full',
      permittedOrganisations: options.permitted ?? 'all', actorUserId: null, dryRun: options.dryRun ?? false,
      ...(options.asOf === undefined ? {} : { asOf: options.asOf }), holdManyLeavers: options.hold ?? false,
    });

  it('adds new people, updates changed ones, marks leavers inactive and keeps them', async () => {
    const a = buildStaffRow({ organisationCode: '7A1' });
    const b = buildStaffRow({ organisationCode: '7A1' });
    const c = buildStaffRow({ organisationCode: '7A1' });
    const first = await run([a, b, c]);
    expect(first.status).toBe('applied');
    if (first.status === 'rejected') return;
    expect(first.summary).toMatchObject({ added: 3, updated: 0, leavers: 0, unchanged: 0 });

    const second = await run([a, { ...b, band: '8a', lastName: 'Llewellyn' }]);
    if (second.status === 'rejected') throw new Error('rejected');
    expect(second.summary).toMatchObject({ added: 0, updated: 1, leavers: 1, unchanged: 1 });

    const updated = await staff.findByAssignment(b.assignmentNumber);
    expect(updated).toMatchObject({ bandCode: '8a', lastName: 'Llewellyn', active: true });
    const leaver = await staff.findByAssignment(c.assignmentNumber);
    expect(leaver?.active).toBe(false);
    expect(leaver?.leftAt).toBeInstanceOf(Date);

    // A leaver who comes back is active again.
    const third = await run([a, { ...b, band: '8a', lastName: 'Llewellyn' }, c]);
    if (third.status === 'rejected') throw new Error('rejected');
    expect(third.summary).toMatchObject({ added: 0, updated: 1, leavers: 0, unchanged: 2 });
    expect((await staff.findByAssignment(c.assignmentNumber))?.active).toBe(true);
  });

  it('writes nothing at all when one row is invalid', async () => {
    const before = await staff.list({ organisationCodes: 'all', includeInactive: true, limit: 1 });
    const auditBefore = await audit.count();
    const good = buildStaffRow({ organisationCode: '7A2' });
    const outcome = await run([good, buildStaffRow({ organisationCode: '7A2', wte: '0' })]);
    expect(outcome.status).toBe('rejected');
    expect(outcome.read.issues[0]).toMatchObject({ line: 3, column: 'WTE', code: 'invalid-wte' });
    expect(await staff.findByAssignment(good.assignmentNumber)).toBeUndefined();
    const after = await staff.list({ organisationCodes: 'all', includeInactive: true, limit: 1 });
    expect(after.total).toBe(before.total);
    // Only the rejection itself is audited.
    const entries = await audit.list({ limit: 5 });
    expect(await audit.count()).toBe(auditBefore + 1);
    expect(entries[0]?.action).toBe('staff-import.rejected');
  });

  it('a partial extract marks no one as a leaver', async () => {
    const a = buildStaffRow({ organisationCode: '7A3' });
    const b = buildStaffRow({ organisationCode: '7A3' });
    await run([a, b]);
    const partial = await run([{ ...a, jobRole: 'Genetic Counsellor' }], { mode: 'partial' });
    if (partial.status === 'rejected') throw new Error('rejected');
    expect(partial.summary).toMatchObject({ updated: 1, leavers: 0 });
    expect((await staff.findByAssignment(b.assignmentNumber))?.active).toBe(true);
  });

  it('a check-only run reports what would change and changes nothing', async () => {
    const a = buildStaffRow({ organisationCode: '7A4' });
    const checked = await run([a], { dryRun: true });
    expect(checked.status).toBe('checked');
    if (checked.status === 'rejected') return;
    expect(checked.summary.added).toBe(1);
    expect(await staff.findByAssignment(a.assignmentNumber)).toBeUndefined();
  });

  it('audits every person added, changed or leaving, with before and after', async () => {
    const a = buildStaffRow({ organisationCode: '7A5' });
    const b = buildStaffRow({ organisationCode: '7A5' });
    await run([a, b]);
    await run([{ ...a, band: '8b' }]);
    const member = await staff.findByAssignment(a.assignmentNumber);
    const history = await audit.list({ entityType: 'staff', entityId: member?.id ?? '' });
    expect(history.map((e) => e.action)).toEqual(['staff.updated', 'staff.added']);
    expect(history[0]?.before).toMatchObject({ bandCode: '7' });
    expect(history[0]?.after).toMatchObject({ bandCode: '8b' });
    const left = await staff.findByAssignment(b.assignmentNumber);
    const leftHistory = await audit.list({ entityType: 'staff', entityId: left?.id ?? '' });
    expect(leftHistory[0]).toMatchObject({ action: 'staff.left', before: { active: true }, after: { active: false } });
  });

  it('links an account to the staff record with the same email', async () => {
    const users = UserStore.create(handle.db);
    const user = await users.create({ email: 'Ffion.Rees@test.genomeg.test', displayName: 'Ffion Rees', passwordHash: null }, null);
    const row = buildStaffRow({ organisationCode: '7A1', email: 'ffion.rees@test.genomeg.test' });
    await run([row], { mode: 'partial' });
    const member = await staff.findByAssignment(row.assignmentNumber);
    expect((await users.findById(user.id))?.staffId).toBe(member?.id);
    const history = await audit.list({ entityType: 'user', entityId: user.id });
    expect(history[0]).toMatchObject({ action: 'user.linked-to-staff', after: { staffId: member?.id } });
  });

  it('keeps the audit log append-only in the database itself', async () => {
    await expect(sql`update audit_events set action = 'tampered'`.execute(handle.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_events`.execute(handle.db)).rejects.toThrow(/append-only/);
  });

  it('loses no write when two imports of the same organisation run at once', async () => {
    const base = [buildStaffRow({ organisationCode: '7A6' }), buildStaffRow({ organisationCode: '7A6' })];
    const extra1 = buildStaffRow({ organisationCode: '7A6' });
    const extra2 = buildStaffRow({ organisationCode: '7A6' });
    const [one, two] = await Promise.all([run([...base, extra1], { mode: 'partial' }), run([...base, extra2], { mode: 'partial' })]);
    expect(one.status).toBe('applied');
    expect(two.status).toBe('applied');
    const { total } = await staff.list({ organisationCodes: ['7A6'], limit: 1 });
    expect(total).toBe(4);
    // Each person was added exactly once, by whichever import came first.
    if (one.status === 'rejected' || two.status === 'rejected') return;
    expect(one.summary.added + two.summary.added).toBe(4);
  });

  // Issue 13, item 1.
  it('never lets an organisation\'s import change or move a person another organisation holds', async () => {
    const cardiff = buildStaffRow({ organisationCode: '7A4', lastName: 'Heldelsewhere' });
    await run([cardiff], { mode: 'partial' });
    const before = await staff.findByAssignment(cardiff.assignmentNumber);
    const outcome = await run([{ ...cardiff, organisationCode: '7A7', lastName: 'Takenover' }], { mode: 'partial', permitted: ['7A7'] });
    expect(outcome.status).toBe('rejected');
    expect(outcome.read.issues).toEqual([expect.objectContaining({ line: 2, column: 'Assignment Number', code: 'held-by-another-organisation' })]);
    expect(await staff.findByAssignment(cardiff.assignmentNumber)).toEqual(before);
    // A later full Powys import cannot mark them as a leaver either: they are not Powys's.
    await run([buildStaffRow({ organisationCode: '7A7' })], { permitted: ['7A7'] });
    expect((await staff.findByAssignment(cardiff.assignmentNumber))?.active).toBe(true);
    // A platform-wide import may move them, and the check lists the move.
    const moved = await run([{ ...cardiff, organisationCode: '7A7' }], { mode: 'partial', dryRun: true });
    if (moved.status === 'rejected') throw new Error('rejected');
    expect(moved.summary.moves).toEqual([expect.objectContaining({ assignmentNumber: cardiff.assignmentNumber, from: '7A4', to: '7A7' })]);
  });

  // Issue 13, item 3.
  it('links an account by email only when it holds no role outside the importer\'s organisations, and warns on the line otherwise', async () => {
    const users = UserStore.create(handle.db);
    const national = await users.create({ email: 'national.admin@test.genomeg.test', displayName: 'National', passwordHash: null, grants: [{ role: 'platform-admin', organisationCode: null }] }, null);
    const elsewhere = await users.create({ email: 'cardiff.manager@test.genomeg.test', displayName: 'Elsewhere', passwordHash: null, grants: [{ role: 'line-manager', organisationCode: '7A4' }] }, null);
    const local = await users.create({ email: 'bangor.manager@test.genomeg.test', displayName: 'Local', passwordHash: null, grants: [{ role: 'line-manager', organisationCode: '7A1' }] }, null);
    const rows = [
      buildStaffRow({ organisationCode: '7A1', email: 'national.admin@test.genomeg.test' }),
      buildStaffRow({ organisationCode: '7A1', email: 'cardiff.manager@test.genomeg.test' }),
      buildStaffRow({ organisationCode: '7A1', email: 'bangor.manager@test.genomeg.test' }),
    ];
    const outcome = await run(rows, { mode: 'partial', permitted: ['7A1'] });
    if (outcome.status === 'rejected') throw new Error('rejected');
    expect((await users.findById(national.id))?.staffId).toBeNull();
    expect((await users.findById(elsewhere.id))?.staffId).toBeNull();
    expect((await users.findById(local.id))?.staffId).toBe((await staff.findByAssignment(rows[2]?.assignmentNumber ?? ''))?.id);
    expect(outcome.read.issues.filter((i) => i.code === 'account-not-linked')).toEqual([
      expect.objectContaining({ line: 2, column: 'Email Address', severity: 'warning' }),
      expect.objectContaining({ line: 3, column: 'Email Address', severity: 'warning' }),
    ]);
  });

  // Issue 13, item 17; issue 14, item 8.
  it('gives leavers the extract\'s date, and holds a file that would mark more than a tenth of an organisation as leavers', async () => {
    const people = Array.from({ length: 20 }, () => buildStaffRow({ organisationCode: 'RT4' }));
    await run(people);
    // Two leavers of twenty is exactly a tenth: applied.
    const asOf = new Date('2026-10-31T12:00:00Z');
    const ok = await run(people.slice(0, 18), { asOf, hold: true });
    expect(ok.status).toBe('applied');
    const left = await staff.findByAssignment(people[19]?.assignmentNumber ?? '');
    expect(left?.leftAt?.toISOString().slice(0, 10)).toBe('2026-10-31');
    // Three more of eighteen is more than a tenth: held, nothing written, the names given.
    const held = await run(people.slice(0, 15), { hold: true });
    expect(held.status).toBe('held');
    if (held.status === 'rejected') return;
    expect(held.summary.leaverWarnings).toEqual([expect.objectContaining({ organisationCode: 'RT4', leavers: 3, active: 18 })]);
    expect(held.summary.leaverWarnings[0]?.people).toHaveLength(3);
    expect((await staff.findByAssignment(people[17]?.assignmentNumber ?? ''))?.active).toBe(true);
  });

  // Issue 14, item 8: a checked file is kept for its importer only, and not for long.
  it('keeps a checked file for the person who checked it, for an hour at most', async () => {
    const users = UserStore.create(handle.db);
    const owner = await users.create({ email: 'pending.owner@test.genomeg.test', displayName: 'Owner', passwordHash: null }, null);
    const other = await users.create({ email: 'pending.other@test.genomeg.test', displayName: 'Other', passwordHash: null }, null);
    const input = { userId: owner.id, fileName: 'x.csv', mode: 'full' as const, asOf: '2026-11-30', encoding: 'windows-1252' as const, content: 'Siân' };
    const kept = await staff.keepPending(input);
    expect(await staff.findPending(kept.id, owner.id)).toMatchObject({ content: 'Siân', encoding: 'windows-1252', asOf: '2026-11-30', mode: 'full' });
    expect(await staff.findPending(kept.id, other.id)).toBeUndefined();
    expect(await staff.findPending(kept.id, owner.id, new Date(Date.now() + 61 * 60_000))).toBeUndefined();
    // A second check replaces the first.
    const second = await staff.keepPending(input);
    expect(await staff.findPending(kept.id, owner.id)).toBeUndefined();
    expect(await staff.findPending(second.id, owner.id)).toBeDefined();
  });
});
