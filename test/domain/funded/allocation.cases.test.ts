// The three intakes worked by hand in docs/funded-places.md, checked exactly:
// tickets, ranks, quotas, who is offered which kind of place, the reserve list,
// every reason, and the next offer after a decline.

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  allocate, apportion, lotteryTicket, nextFromReserve,
  type AllocationApplicant, type AllocationResult,
} from '../../../src/domain/funded/allocation.js';
import { explainDecision, explainResult, REASON_CODES } from '../../../src/domain/funded/explain.js';
import { translator } from '../../../src/web/i18n.js';

function applicant(applicationId: string, organisationId: string, staffGroup: string, profession: string, score: number): AllocationApplicant {
  return { applicationId, organisationId, staffGroup, profession, score, submittedAt: '2026-11-01T09:00:00Z' };
}

/** One line per decision, as the tables in docs/funded-places.md show them. */
function table(result: AllocationResult): string[] {
  return result.decisions.map((d) => [d.rank, d.applicationId, d.lotteryTicket.slice(0, 8), d.outcome, d.place ?? '-', d.reserveRank ?? '-', d.reasons.map((r) => r.code).join(',')].join(' '));
}

const N = 'nursing-midwifery';
const S = 'healthcare-scientists';
const M = 'medical-dental';
const PH = 'add-prof-sci-tech';

describe('the lottery', () => {
  it('is the hex SHA-256 of seed, colon, application id, as sha256sum gives it', () => {
    expect(lotteryTicket('hand-1', 'C3')).toBe('36d9332fbff1b88bcd4486e6a1c5a4e63c358f9d9ec0a1d9d7213b182da3720b');
    expect(lotteryTicket('hand-1', 'C3')).toBe(createHash('sha256').update('hand-1:C3').digest('hex'));
  });
});

describe('case 1: Sainte-Laguë quotas, a tie in the quotas and in scores, one released place', () => {
  const intake = { places: 5, rule: 'quota-by-share' as const, apportionment: 'sainte-lague' as const, eligibleStaffByOrganisation: { '7A4': 500, '7A1': 300, '7A7': 200 }, seed: 'hand-1' };
  const applicants = [
    applicant('C1', '7A4', N, 'nurse', 82), applicant('C2', '7A4', N, 'nurse', 75), applicant('C3', '7A4', N, 'nurse', 75),
    applicant('C4', '7A4', N, 'nurse', 68), applicant('C5', '7A4', N, 'nurse', 60), applicant('B1', '7A1', N, 'nurse', 55),
    applicant('P1', '7A7', N, 'nurse', 90), applicant('P2', '7A7', N, 'nurse', 75), applicant('P3', '7A7', N, 'nurse', 50),
  ];
  const result = allocate(intake, applicants);

  it('breaks the tie for the fifth seat (7A4 and 7A1 both at 100) by the lower ticket, 7A1', () => {
    expect(lotteryTicket('hand-1', '7A1').slice(0, 8)).toBe('04f53377');
    expect(lotteryTicket('hand-1', '7A4').slice(0, 8)).toBe('e81b2abf');
    expect(apportion('sainte-lague', 4, intake.eligibleStaffByOrganisation, 'hand-1')).toEqual({ '7A1': 1, '7A4': 2, '7A7': 1 });
    expect(result.quotas).toEqual({ '7A1': 2, '7A4': 2, '7A7': 1 });
  });

  it('offers P1, C1, C3 and B1 within quota and P2 the place 7A1 could not use', () => {
    expect(table(result)).toEqual([
      '1 P1 ab92a37f offered quota - rank-within-quota',
      '2 C1 9685d74c offered quota - rank-within-quota',
      '3 C3 36d9332f offered quota - rank-within-quota,tie-break-lottery',
      '4 P2 5cc66365 offered released - released-quota,tie-break-lottery',
      '5 C2 e2a24b28 reserve - 1 quota-full,tie-break-lottery,reserve-list',
      '6 C4 1391e64e reserve - 2 quota-full,reserve-list',
      '7 C5 0619d296 reserve - 3 quota-full,reserve-list',
      '8 B1 9390d7e8 offered quota - rank-within-quota',
      '9 P3 db5b8cf1 reserve - 4 quota-full,reserve-list',
    ]);
    expect(result.byOrganisation).toEqual({ '7A1': { quota: 2, offered: 1 }, '7A4': { quota: 2, offered: 2 }, '7A7': { quota: 1, offered: 2 } });
    expect(result.decisions[2]?.reasons[0]).toEqual({ code: 'rank-within-quota', params: { rank: 3, organisation: '7A4', quota: 2, offered: 2 } });
    expect(result.decisions[2]?.reasons[1]).toEqual({ code: 'tie-break-lottery', params: { score: 75, tied: 2, ticket: '36d9332fbff1', rank: 3 } });
  });

  it('gives a declined Cardiff quota place to the next from Cardiff, and a released place to the best remaining', () => {
    expect(nextFromReserve(result, ['C1'])).toBe('C2');
    expect(nextFromReserve(result, ['C1', 'C2'])).toBe('C4');
    expect(nextFromReserve(result, ['P2'])).toBe('C2');
    expect(nextFromReserve(result, ['C5'])).toBeNull(); // C5 held no place
  });

  it('never picks a reserve who withdrew without being offered', () => {
    expect(nextFromReserve(result, ['C1'], ['C2'])).toBe('C4');
    expect(nextFromReserve(result, ['C2', 'C1'])).toBe('C4'); // the same, given in the declined list when it happened
    expect(nextFromReserve(result, ['C1', 'C4'], ['C2'])).toBe('C5');
  });

  it('stops the reserve list at the length the intake sets, and offers nobody past it', () => {
    const short = allocate({ ...intake, reserveListLength: 2 }, applicants);
    expect(short.decisions.map((d) => `${d.applicationId} ${d.outcome} ${d.reserveRank ?? '-'}`)).toEqual([
      'P1 offered -', 'C1 offered -', 'C3 offered -', 'P2 offered -', 'C2 reserve 1', 'C4 reserve 2', 'C5 not-offered -', 'B1 offered -', 'P3 not-offered -',
    ]);
    expect(nextFromReserve(short, ['C1', 'C2'])).toBe('C4');
    expect(nextFromReserve(short, ['C1', 'C2', 'C4'])).toBeNull();
  });

  it('explains every decision in plain words in both languages', () => {
    const names = { organisation: (code: string) => ({ '7A4': 'Cardiff and Vale', '7A1': 'Betsi Cadwaladr', '7A7': 'Powys' })[code] ?? code };
    const p2 = result.decisions.find((d) => d.applicationId === 'P2');
    if (p2 === undefined) throw new Error('P2 missing');
    expect(explainDecision(p2, translator('en'), names)).toEqual([
      'You ranked 4 overall. The quota of your organisation, Powys (quota: 1), was already taken by colleagues ranked above you, but some organisations did not use all of theirs. Those places went to the best-ranked remaining applicants across Wales, and you were one of them.',
      'Other applicants had the same score as you (75), so the order among you was decided by the published lottery. Your ticket begins 5cc66365134e; lower tickets go first.',
    ]);
    for (const language of ['en', 'cy'] as const) {
      const t = translator(language);
      for (const d of result.decisions) for (const sentence of explainDecision(d, t, names)) expect(sentence).not.toMatch(/[[\]{}]/);
      for (const sentence of explainResult(result, t)) expect(sentence).not.toMatch(/[[\]{}]/);
    }
  });
});

describe('case 2: largest remainder, a reserved place, caps per organisation and staff group', () => {
  const intake = {
    places: 6, rule: 'quota-by-share' as const, apportionment: 'largest-remainder' as const,
    eligibleStaffByOrganisation: { '7A2': 410, '7A3': 330, '7A6': 220, '7A7': 40 },
    reservedByOrganisation: { '7A7': 1 }, capPerOrganisation: 2, capPerStaffGroup: 3, seed: 'hand-2',
  };
  const applicants = [
    applicant('H1', '7A2', N, 'nurse', 88), applicant('H2', '7A2', N, 'nurse', 85), applicant('H3', '7A2', S, 'clinical-scientist', 84),
    applicant('H4', '7A2', M, 'doctor', 70), applicant('S1', '7A3', N, 'nurse', 80), applicant('A1', '7A6', N, 'nurse', 86),
    applicant('A2', '7A6', M, 'doctor', 78), applicant('A3', '7A6', S, 'clinical-scientist', 78),
    applicant('P1', '7A7', M, 'doctor', 60), applicant('P2', '7A7', N, 'nurse', 65),
  ];
  const result = allocate(intake, applicants);

  it('raises Powys to its reserved place and shares the other five by largest remainder', () => {
    expect(apportion('largest-remainder', 6, intake.eligibleStaffByOrganisation, 'hand-2')).toEqual({ '7A2': 3, '7A3': 2, '7A6': 1, '7A7': 0 });
    expect(apportion('largest-remainder', 5, { '7A2': 410, '7A3': 330, '7A6': 220 }, 'hand-2')).toEqual({ '7A2': 2, '7A3': 2, '7A6': 1 });
    expect(result.quotas).toEqual({ '7A2': 2, '7A3': 2, '7A6': 1, '7A7': 1 });
  });

  it('keeps both caps hard, even when that leaves a place empty', () => {
    expect(table(result)).toEqual([
      '1 H1 a63facf9 offered quota - rank-within-quota',
      '2 A1 6daab725 offered quota - rank-within-quota',
      '3 H2 52ddfbfc offered quota - rank-within-quota',
      '4 H3 91297bb0 reserve - 1 cap-organisation,reserve-list',
      '5 S1 9dbd941e reserve - 2 cap-staff-group,reserve-list',
      '6 A3 490c12b9 offered released - released-quota,tie-break-lottery',
      '7 A2 e8b3ded4 reserve - 3 cap-organisation,tie-break-lottery,reserve-list',
      '8 H4 9a025e1b reserve - 4 cap-organisation,reserve-list',
      '9 P2 3237db8f reserve - 5 cap-staff-group,reserve-list',
      '10 P1 2a857320 offered quota - rank-within-quota',
    ]);
    expect(result.byOrganisation).toEqual({ '7A2': { quota: 2, offered: 2 }, '7A3': { quota: 2, offered: 0 }, '7A6': { quota: 1, offered: 2 }, '7A7': { quota: 1, offered: 1 } });
    expect(result.decisions[4]?.reasons[0]).toEqual({ code: 'cap-staff-group', params: { staffGroup: N, cap: 3 } });
  });

  it('gives H1\'s place, if declined, to H3: Hywel Dda is below its quota again and the cap has room', () => {
    expect(nextFromReserve(result, ['H1'])).toBe('H3');
    // A1 declining frees a nursing place: S1 (Swansea Bay, below its quota) is next.
    expect(nextFromReserve(result, ['A1'])).toBe('S1');
  });
});

describe('case 3: score only, with a profession-mix target', () => {
  const intake = { places: 4, rule: 'score-only' as const, apportionment: 'sainte-lague' as const, eligibleStaffByOrganisation: {}, professionMix: { profession: 'pharmacist', maxShare: 0.75 }, seed: 'hand-3' };
  const applicants = [
    applicant('Ph1', '7A4', PH, 'pharmacist', 92), applicant('Ph2', '7A1', PH, 'pharmacist', 90), applicant('Ph3', '7A4', PH, 'pharmacist', 88),
    applicant('Ph4', 'RQF', PH, 'pharmacist', 88), applicant('Ph5', '7A3', PH, 'pharmacist', 75), applicant('N1', '7A1', N, 'nurse', 86),
    applicant('G1', '7A4', PH, 'genetic-counsellor', 86), applicant('S1', 'RQF', S, 'clinical-scientist', 70),
  ];
  const result = allocate(intake, applicants);

  it('swaps the fourth pharmacist for the best non-pharmacist', () => {
    expect(table(result)).toEqual([
      '1 Ph1 2c506524 offered released - rank-score-only',
      '2 Ph2 008b8114 offered released - rank-score-only',
      '3 Ph4 6a0298c6 offered released - rank-score-only,tie-break-lottery',
      '4 Ph3 db61cffa reserve - 1 profession-mix-displaced,tie-break-lottery,reserve-list',
      '5 N1 60ce9dd2 offered released - profession-mix,tie-break-lottery',
      '6 G1 67a42810 reserve - 2 places-full,tie-break-lottery,reserve-list',
      '7 Ph5 ebfb7635 reserve - 3 places-full,reserve-list',
      '8 S1 31eccd3f reserve - 4 places-full,reserve-list',
    ]);
    expect(result.professionMixMet).toBe(true);
    expect(result.quotas).toEqual({});
  });

  it('offers a declined place by rank while the mix still holds, and to a non-pharmacist when it would not', () => {
    expect(nextFromReserve(result, ['Ph1'])).toBe('Ph3');
    expect(nextFromReserve(result, ['Ph1', 'Ph3'])).toBe('G1');
    expect(nextFromReserve(result, ['N1'])).toBe('G1');
  });

  it('says when the target cannot be met', () => {
    const onlyPharmacists = applicants.filter((a) => a.profession === 'pharmacist');
    const unmet = allocate(intake, onlyPharmacists);
    expect(unmet.professionMixMet).toBe(false);
    expect(explainResult(unmet, translator('en'))[1]).toBe('The profession-mix target was not met: more than 75% of places went to pharmacist, because no swap was possible without breaking a cap or taking a place from an organisation\'s quota.');
  });
});

describe('what the quota rule does not promise', () => {
  it('an applicant added to an organisation below its quota can take a released place from a better-ranked applicant elsewhere', () => {
    const intake = { places: 2, rule: 'quota-by-share' as const, apportionment: 'sainte-lague' as const, eligibleStaffByOrganisation: { X: 1, Y: 1 }, seed: 's' };
    const x1 = applicant('x1', 'X', N, 'nurse', 9);
    const x2 = applicant('x2', 'X', N, 'nurse', 8);
    expect(allocate(intake, [x1, x2]).decisions.map((d) => d.outcome)).toEqual(['offered', 'offered']);
    const withY = allocate(intake, [x1, x2, applicant('y1', 'Y', N, 'nurse', 1)]);
    expect(withY.decisions.find((d) => d.applicationId === 'x2')?.outcome).toBe('reserve');
    expect(withY.decisions.find((d) => d.applicationId === 'y1')?.outcome).toBe('offered');
  });
});

describe('what going down the ranks does not promise', () => {
  it('with caps, keeps the best-ranked applicant even when two others together would fill more places', () => {
    const result = allocate({ places: 2, rule: 'score-only', apportionment: 'sainte-lague', eligibleStaffByOrganisation: {}, capPerOrganisation: 1, capPerStaffGroup: 1, seed: 's' }, [
      applicant('A', 'X', N, 'nurse', 3), applicant('B', 'X', S, 'clinical-scientist', 2), applicant('C', 'Y', N, 'nurse', 1),
    ]);
    expect(result.decisions.map((d) => `${d.applicationId} ${d.outcome} ${d.reasons[0]?.code ?? ''}`)).toEqual(['A offered rank-score-only', 'B reserve cap-organisation', 'C reserve cap-staff-group']);
  });
});

describe('bad input', () => {
  const base = { places: 2, rule: 'quota-by-share' as const, apportionment: 'sainte-lague' as const, eligibleStaffByOrganisation: { X: 1 }, seed: 's' };
  it('refuses duplicate applications, reserved places above the cap or the places, and a share outside 0..1', () => {
    const a = applicant('a', 'X', N, 'nurse', 1);
    expect(() => allocate(base, [a, a])).toThrow(/GNM_VALIDATION/);
    expect(() => allocate({ ...base, reservedByOrganisation: { X: 2 }, capPerOrganisation: 1 }, [a])).toThrow(/GNM_VALIDATION/);
    expect(() => allocate({ ...base, reservedByOrganisation: { X: 3 } }, [a])).toThrow(/GNM_VALIDATION/);
    expect(() => allocate({ ...base, rule: 'score-only', reservedByOrganisation: { X: 3 } }, [a])).toThrow(/GNM_VALIDATION/);
    expect(() => allocate({ ...base, professionMix: { profession: 'nurse', maxShare: 1.5 } }, [a])).toThrow(/GNM_VALIDATION/);
    expect(() => allocate({ ...base, places: 1.5 }, [a])).toThrow(/GNM_VALIDATION/);
  });
});

describe('organisation ids that are also names on Object.prototype', () => {
  it('treats "constructor" and "__proto__" as ordinary organisations', () => {
    const staff = JSON.parse('{"__proto__": 3, "constructor": 1}') as Record<string, number>;
    const result = allocate({ places: 4, rule: 'quota-by-share', apportionment: 'largest-remainder', eligibleStaffByOrganisation: staff, seed: 's' }, [
      applicant('a', '__proto__', N, 'nurse', 2), applicant('b', 'constructor', N, 'nurse', 1), applicant('c', 'toString', N, 'nurse', 3),
    ]);
    expect(result.quotas).toEqual(JSON.parse('{"__proto__": 3, "constructor": 1}'));
    expect(Object.getPrototypeOf(result.byOrganisation)).toBe(Object.prototype);
    expect(Object.entries(result.byOrganisation).find(([org]) => org === 'toString')?.[1]).toEqual({ quota: 0, offered: 1 });
    expect(result.decisions.map((d) => `${d.applicationId} ${d.place ?? '-'}`)).toEqual(['c released', 'a quota', 'b quota']);
  });
});

describe('reason sentences', () => {
  it('has a sentence in English and Welsh for every reason code', () => {
    for (const language of ['en', 'cy'] as const) {
      const t = translator(language);
      for (const code of REASON_CODES) expect(t(`fundedAllocation.${code}`)).not.toBe(`[fundedAllocation.${code}]`);
    }
  });
});
