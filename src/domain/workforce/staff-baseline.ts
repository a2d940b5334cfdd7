// The baseline headcount from the staff directory: people whose job role maps
// to a specialist genomics role, counted by organisation and age band. The
// planner's own baseline entries in a scenario override the counted ones (same
// role and organisation), through the usual `extends`-style merge.
//
// The keyword mapping lives here because src/domain/staff does not export
// SPECIALIST_ROLES yet; when it does, pass its keywords instead.

import { mergeScenario } from './scenario.js';

export interface StaffForBaseline {
  readonly organisationCode: string;
  readonly jobRole: string;
  readonly ageBand: string;
}

/** Role id → lower-case phrases; a job role containing any phrase maps to the role (first match wins). */
export const SPECIALIST_ROLE_KEYWORDS: readonly (readonly [string, readonly string[]])[] = [
  ['clinical-geneticist', ['clinical geneticist', 'consultant in clinical genetics', 'clinical genetics']],
  ['genetic-counsellor', ['genetic counsellor', 'genomic counsellor']],
  ['clinical-bioinformatician', ['bioinformatician', 'bioinformatics']],
  ['clinical-scientist', ['clinical scientist', 'healthcare scientist (genomics)']],
  ['genetic-technologist', ['genetic technologist', 'healthcare science practitioner', 'genomic technologist']],
  ['genomic-associate', ['genomic associate', 'genetic associate']],
  ['genomic-practitioner', ['genomic practitioner']],
];

export function specialistRoleOf(jobRole: string, keywords = SPECIALIST_ROLE_KEYWORDS): string | undefined {
  const text = jobRole.toLowerCase();
  return keywords.find(([, phrases]) => phrases.some((p) => text.includes(p)))?.[0];
}

export interface StaffBaseline {
  readonly baseline: { role: string; organisation: string; headcount: number[] }[];
  /** Staff counted, and those skipped because their band or organisation is not in the scenario. */
  readonly counted: number;
  readonly skipped: number;
}

/**
 * Count specialist staff by role, organisation and age band. Organisation ids
 * are the directory's codes in lower case (7A4 → 7a4), as in the example scenario.
 */
export function baselineFromStaff(staff: readonly StaffForBaseline[], ageBands: readonly string[], organisations: readonly string[], keywords = SPECIALIST_ROLE_KEYWORDS): StaffBaseline {
  const band = new Map(ageBands.map((b, i) => [b, i]));
  const orgs = new Set(organisations);
  const counts = new Map<string, number[]>();
  let counted = 0, skipped = 0;
  for (const person of staff) {
    const role = specialistRoleOf(person.jobRole, keywords);
    if (role === undefined) continue;
    const organisation = person.organisationCode.toLowerCase();
    const b = band.get(person.ageBand);
    if (b === undefined || !orgs.has(organisation)) {
      skipped++;
      continue;
    }
    const key = `${role}@${organisation}`;
    let row = counts.get(key);
    if (row === undefined) {
      row = new Array<number>(ageBands.length).fill(0);
      counts.set(key, row);
    }
    row[b] = (row[b] ?? 0) + 1;
    counted++;
  }
  const baseline = [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([key, headcount]) => {
    const [role = '', organisation = ''] = key.split('@');
    return { role, organisation, headcount };
  });
  return { baseline, counted, skipped };
}

/** Scenario data with the counted baseline underneath; the scenario's own baseline entries win. */
export function withStaffBaseline(scenarioData: Record<string, unknown>, counted: StaffBaseline): unknown {
  return mergeScenario({ baseline: counted.baseline }, scenarioData);
}
