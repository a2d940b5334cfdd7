// Reading a Teams attendance report, and the attendance decisions made from
// it: pure, no database.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { durationMinutes, readTeamsReport } from '../../src/domain/events/teams-attendance.js';
import { canMarkAttendance, eventReport, matchParticipants, ratingCounts, repeatedNoShows } from '../../src/domain/events/attendance.js';
import { decodeExtract } from '../../src/domain/staff/index.js';

describe('a Teams attendance report', () => {
  it('reads the Participants block of the UTF-16 file Teams gives, with each person\'s line, and ignores the other blocks', () => {
    const decoded = decodeExtract(readFileSync('test/fixtures/teams-attendance-utf16.csv'));
    expect(decoded.ok).toBe(true);
    const report = readTeamsReport(decoded.ok ? decoded.text : '');
    expect(report.problems).toEqual([]);
    expect(report.title).toBe('Pharmacogenomics in practice');
    expect(report.participants.map((p) => [p.line, p.email, p.minutes, p.role])).toEqual([
      [11, 'lead@events.genomeg.test', 64, 'Organizer'],
      [12, 'ceri.attendee@events.genomeg.test', 58, 'Attendee'],
      [13, 'guest@example.org', 45, 'Presenter'],
    ]);
  });

  it('reads a comma CSV with quoted names and an Email column', () => {
    const report = readTeamsReport('Name,Email,Duration\r\n"Attendee, Ceri",ceri@x.test,50m\r\n');
    expect(report.participants).toEqual([{ line: 2, name: 'Attendee, Ceri', email: 'ceri@x.test', minutes: 50, role: '' }]);
  });

  it('names the line of an address that is not one, and a file with no participants or no Email column', () => {
    expect(readTeamsReport('Name,Email\na,b@c.d\nx,nope\n').problems).toEqual([{ line: 3, code: 'bad-email', value: 'nope' }]);
    expect(readTeamsReport('hello\nworld\n').problems).toEqual([{ line: null, code: 'no-participants', value: null }]);
    expect(readTeamsReport('1. Summary\n\n2. Participants\nName\tRole\nA\tAttendee\n').problems).toEqual([{ line: 4, code: 'no-email-column', value: null }]);
  });

  it('reads durations as Teams writes them', () => {
    expect(durationMinutes('1h 6m 4s')).toBe(66);
    expect(durationMinutes('52m 31s')).toBe(53);
    expect(durationMinutes('45s')).toBe(1);
    expect(durationMinutes('01:06:04')).toBe(66);
    expect(durationMinutes('soon')).toBeNull();
    expect(durationMinutes('')).toBeNull();
  });
});

describe('attendance decisions', () => {
  const register = [
    { bookingId: 'b1', userId: 'u1', name: 'Ceri', email: 'ceri@x.test', status: 'booked' },
    { bookingId: 'b2', userId: 'u2', name: 'Dylan', email: 'dylan@x.test', status: 'booked' },
    { bookingId: 'b3', userId: 'u3', name: 'Eira', email: 'eira@x.test', status: 'attended' },
  ];

  it('matches by email, names each unmatched row\'s reason, and lists people with a place not in the report', () => {
    const participants = [
      { line: 2, name: 'C', email: 'ceri@x.test', minutes: 50, role: '' },
      { line: 3, name: 'C', email: 'ceri@x.test', minutes: 5, role: '' },
      { line: 4, name: 'L', email: 'lead@x.test', minutes: 60, role: 'Organizer' },
      { line: 5, name: 'G', email: 'guest@y.test', minutes: 60, role: '' },
    ];
    const result = matchParticipants({ participants }, register, new Map([['lead@x.test', {}]]));
    expect(result.matched.map((m) => [m.line, m.bookingId])).toEqual([[2, 'b1']]);
    expect(result.unmatched.map((u) => [u.line, u.reason])).toEqual([[3, 'repeated'], [4, 'not-booked'], [5, 'no-account']]);
    // Eira is already marked on the register: not listed as absent.
    expect(result.absent.map((a) => a.bookingId)).toEqual(['b2']);
  });

  it('lets education leads and platform administrators keep a register, and an event\'s facilitators once events have them', () => {
    expect(canMarkAttendance({ userId: 'a', grants: [{ role: 'education-lead', organisationCode: null }] }, {})).toBe(true);
    expect(canMarkAttendance({ userId: 'a', grants: [{ role: 'platform-admin', organisationCode: null }] }, {})).toBe(true);
    expect(canMarkAttendance({ userId: 'a', grants: [{ role: 'learner', organisationCode: null }] }, {})).toBe(false);
    expect(canMarkAttendance({ userId: 'a', grants: [{ role: 'learner', organisationCode: null }] }, { facilitatorIds: ['a'] })).toBe(true);
  });

  it('counts a report by organisation and staff group, leaving out cancelled bookings', () => {
    const report = eventReport([
      { status: 'attended', organisationCode: '7A7', staffGroupCode: 'nursing', n: 3 },
      { status: 'no-show', organisationCode: '7A7', staffGroupCode: 'ahp', n: 1 },
      { status: 'cancelled', organisationCode: '7A4', staffGroupCode: 'ahp', n: 9 },
      { status: 'waiting', organisationCode: null, staffGroupCode: null, n: 2 },
    ]);
    expect(report.totals).toEqual({ booked: 0, waiting: 2, attended: 3, 'no-show': 1 });
    expect(report.byOrganisation.map((l) => [l.key, l.total])).toEqual([['7A7', 4], ['', 2]]);
    expect(report.byStaffGroup.map((l) => [l.key, l.total])).toEqual([['nursing', 3], ['', 2], ['ahp', 1]]);
  });

  it('counts ratings and shows managers only repeated no-shows', () => {
    expect(ratingCounts([5, 4, 4])).toMatchObject({ total: 3, mean: 4.3 });
    expect(ratingCounts([]).mean).toBeNull();
    expect(repeatedNoShows(new Map([['a', 1], ['b', 2]]))).toEqual({ b: 2 });
  });
});
