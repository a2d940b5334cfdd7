import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  addDays, appliesTo, calendarDateIn, compareVersions, dueDateFor, isCalendarDate, overdueCount, requiredModulesFor, versionState, canPublish, reminderDue,
  type LearningRequirement, type RequiredOf,
} from '../../src/domain/learning/index.js';

const GENOMICS = 'https://genomeg.wales/xapi/activities/module/what-is-genomics';
const PGX = 'https://genomeg.wales/xapi/activities/module/pharmacogenomics-in-practice';

function buildRequirement(overrides: Partial<LearningRequirement> = {}): LearningRequirement {
  return {
    id: 'r1', organisationCode: '7A7', moduleId: GENOMICS, staffGroupCodes: [], due: { kind: 'date', date: '2026-03-31' },
    revision: 1, createdAt: new Date('2026-01-10T09:00:00Z'), updatedAt: new Date('2026-01-10T09:00:00Z'), ...overrides,
  };
}

const nurse: RequiredOf = { organisationCode: '7A7', staffGroupCode: 'nursing-midwifery', assignmentStartDate: '2019-09-01' };

describe('organisation learning requirements', () => {
  it('applies to everyone in the organisation when no staff group is named, and only to the named groups otherwise', () => {
    expect(appliesTo(buildRequirement(), nurse)).toBe(true);
    expect(appliesTo(buildRequirement({ organisationCode: '7A1' }), nurse)).toBe(false);
    expect(appliesTo(buildRequirement({ staffGroupCodes: ['medical-dental'] }), nurse)).toBe(false);
    expect(appliesTo(buildRequirement({ staffGroupCodes: ['medical-dental', 'nursing-midwifery'] }), nurse)).toBe(true);
  });

  it('counts "within N days of starting" from the start date, or from the day it was set for people who started earlier', () => {
    const within30 = buildRequirement({ due: { kind: 'days', days: 30 } });
    expect(dueDateFor(within30, { assignmentStartDate: '2026-02-01' })).toBe('2026-03-03');
    expect(dueDateFor(within30, { assignmentStartDate: '2019-09-01' })).toBe('2026-02-09');
    expect(dueDateFor(buildRequirement(), { assignmentStartDate: '2026-02-01' })).toBe('2026-03-31');
  });

  it('is overdue only once the due date has passed, and never once completed (any version)', () => {
    const [dueToday] = requiredModulesFor(nurse, [buildRequirement()], new Map(), '2026-03-31');
    expect(dueToday?.status).toBe('due');
    const [late] = requiredModulesFor(nurse, [buildRequirement()], new Map(), '2026-04-01');
    expect(late?.status).toBe('overdue');
    const done = requiredModulesFor(nurse, [buildRequirement()], new Map([[GENOMICS, new Date('2026-05-01T10:00:00Z')]]), '2026-06-01');
    expect(done[0]?.status).toBe('completed');
    expect(overdueCount(done)).toBe(0);
  });

  it('takes the earliest due date when two requirements name the same module, and lists overdue first', () => {
    const required = requiredModulesFor(nurse, [
      buildRequirement({ id: 'a', due: { kind: 'date', date: '2026-09-30' } }),
      buildRequirement({ id: 'b', due: { kind: 'date', date: '2026-06-30' }, staffGroupCodes: ['nursing-midwifery'] }),
      buildRequirement({ id: 'c', moduleId: PGX, due: { kind: 'date', date: '2026-01-31' } }),
    ], new Map(), '2026-03-01');
    expect(required.map((r) => [r.moduleId, r.dueDate, r.status])).toEqual([[PGX, '2026-01-31', 'overdue'], [GENOMICS, '2026-06-30', 'due']]);
    expect(required[1]?.requirementIds).toEqual(['a', 'b']);
  });

  it('accepts only real calendar dates', () => {
    expect(isCalendarDate('2028-02-29')).toBe(true);
    expect(isCalendarDate('2027-02-29')).toBe(false);
    expect(isCalendarDate('2027-13-01')).toBe(false);
    expect(isCalendarDate('31/03/2027')).toBe(false);
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(calendarDateIn(new Date('2026-06-30T23:30:00Z'))).toBe('2026-07-01');
  });

  it('gives the same calendar date as a fresh formatter for any instant and zone (the remembered quarter hours agree)', () => {
    const zones = ['Europe/London', 'UTC', 'Asia/Kathmandu', 'America/St_Johns', 'Australia/Lord_Howe'];
    fc.assert(fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }), fc.constantFrom(...zones), (ms, zone) => {
      const fresh = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));
      expect(calendarDateIn(new Date(ms), zone)).toBe(fresh);
      expect(calendarDateIn(new Date(ms), zone)).toBe(fresh);
    }), { numRuns: 3000 });
    // Around the clocks going back in London (01:00 UTC, 25 October 2026) and at midnight either side.
    expect(calendarDateIn(new Date('2026-10-24T22:59:59Z'))).toBe('2026-10-24');
    expect(calendarDateIn(new Date('2026-10-24T23:00:00Z'))).toBe('2026-10-25');
    expect(calendarDateIn(new Date('2026-10-25T23:59:59Z'))).toBe('2026-10-25');
    expect(calendarDateIn(new Date('2026-10-26T00:00:00Z'))).toBe('2026-10-26');
    expect(() => calendarDateIn(new Date(Number.NaN))).toThrow();
  });

  it('never gives a "days" due date before the requirement was set, nor reports a completed module as overdue', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 730 }), fc.integer({ min: 0, max: 4000 }), fc.integer({ min: 0, max: 4000 }), fc.boolean(),
      (days, startOffset, todayOffset, completed) => {
        const requirement = buildRequirement({ due: { kind: 'days', days } });
        const person = { ...nurse, assignmentStartDate: addDays('2020-01-01', startOffset) };
        const due = dueDateFor(requirement, person);
        expect(due >= addDays('2026-01-10', days)).toBe(true);
        expect(due >= addDays(person.assignmentStartDate, days)).toBe(true);
        const today = addDays('2024-01-01', todayOffset);
        const [entry] = requiredModulesFor(person, [requirement], completed ? new Map([[GENOMICS, new Date()]]) : new Map(), today);
        expect(entry?.status).toBe(completed ? 'completed' : today > due ? 'overdue' : 'due');
      },
    ));
  });
});

describe('module versions', () => {
  it('compares versions number by number, not as text', () => {
    expect(compareVersions('1.10.0', '1.9.0')).toBe(1);
    expect(compareVersions('1.0.0', '1.0.0')).toBe(0);
    expect(compareVersions('1.0.1', '2.0.0')).toBe(-1);
  });

  it('offers to publish only a version nobody has published yet that is newer than the published one', () => {
    const published = { version: '1.0.0', sha256: 'a' };
    expect(versionState(undefined, { version: '1.0.0', sha256: 'a' })).toBe('unpublished');
    expect(versionState(published, { version: '1.0.0', sha256: 'a' })).toBe('current');
    expect(versionState(published, { version: '1.0.0', sha256: 'b' })).toBe('changed-same-version');
    expect(versionState(published, { version: '1.1.0', sha256: 'b' })).toBe('newer');
    expect(versionState(published, { version: '0.9.0', sha256: 'b' })).toBe('older');
    expect(versionState(published, undefined)).toBe('missing');
    expect((['unpublished', 'newer'] as const).every(canPublish)).toBe(true);
    expect((['current', 'changed-same-version', 'older', 'missing'] as const).some(canPublish)).toBe(false);
  });
});

describe('refresher periods', () => {
  const person = { organisationCode: '7A7', staffGroupCode: 'HS', assignmentStartDate: '2019-09-01' } as const;
  const requirement = {
    id: 'r1', organisationCode: '7A7', moduleId: 'm', staffGroupCodes: [], due: { kind: 'date', date: '2026-03-31' },
    refresherYears: 2, revision: 1, createdAt: new Date('2026-01-01T00:00:00Z'), updatedAt: new Date('2026-01-01T00:00:00Z'),
  } as const;

  it('counts a completion until it is older than the period, then the module is due from the day it expired', () => {
    const completed = new Map([['m', new Date('2026-02-01T10:00:00Z')]]);
    const [counts] = requiredModulesFor(person, [requirement], completed, '2027-06-01');
    expect(counts?.status).toBe('completed');
    expect(counts?.renewBy).toBe('2028-02-01');
    const [expired] = requiredModulesFor(person, [requirement], completed, '2028-02-02');
    expect(expired?.status).toBe('overdue');
    expect(expired?.dueDate).toBe('2028-02-01');
    expect(expired?.completedAt).toBeNull();
  });

  it('counts from the latest completion, not the first', () => {
    const first = new Map([['m', new Date('2024-01-01T10:00:00Z')]]);
    const latest = new Map([['m', new Date('2027-01-01T10:00:00Z')]]);
    expect(requiredModulesFor(person, [requirement], first, '2027-06-01', latest)[0]?.status).toBe('completed');
    expect(requiredModulesFor(person, [requirement], first, '2027-06-01')[0]?.status).toBe('overdue');
  });

  it('leaves a requirement without a period as it was: once is enough', () => {
    const once = { ...requirement, refresherYears: null };
    expect(requiredModulesFor(person, [once], new Map([['m', new Date('2010-01-01T00:00:00Z')]]), '2030-01-01')[0]?.status).toBe('completed');
  });
});

describe('reminder kinds', () => {
  it('is before within the window, due on the day, and weekly when overdue up to the limit', () => {
    expect(reminderDue('2027-01-31', '2027-01-10', 14, 4)).toBeNull();
    expect(reminderDue('2027-01-31', '2027-01-17', 14, 4)).toBe('before');
    expect(reminderDue('2027-01-31', '2027-01-31', 14, 4)).toBe('due');
    expect(reminderDue('2027-01-31', '2027-02-01', 14, 4)).toBe('overdue-1');
    expect(reminderDue('2027-01-31', '2027-02-07', 14, 4)).toBe('overdue-1');
    expect(reminderDue('2027-01-31', '2027-02-08', 14, 4)).toBe('overdue-2');
    expect(reminderDue('2027-01-31', '2027-03-01', 14, 4)).toBeNull();
    expect(reminderDue('2027-01-31', '2027-02-28', 14, 4)).toBe('overdue-4');
  });
});
