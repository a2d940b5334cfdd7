// The genomic literacy framework: five levels (after the Genomics Education
// Programme's grouping of staff from "wider workforce" to "genomic
// specialist"), the competencies modules teach, and the level each ESR staff
// group is expected to reach by default. The defaults are Genomeg's starting
// point for an education lead to adjust, not a published national standard.

import type { LocalisedText } from './content-schema.js';
import { LITERACY_LEVEL_CODES } from './content-schema.js';

export type LiteracyLevelCode = (typeof LITERACY_LEVEL_CODES)[number];

export function levelRank(level: LiteracyLevelCode): number {
  return LITERACY_LEVEL_CODES.indexOf(level);
}

export interface Competency {
  readonly id: string;
  readonly level: LiteracyLevelCode;
  readonly name: LocalisedText;
}

export const COMPETENCIES: readonly Competency[] = [
  { id: 'genomic-literacy-basics', level: 'awareness', name: { en: 'Explain what genes, DNA and the genome are', cy: "Esbonio beth yw genynnau, DNA a'r genom" } },
  { id: 'genomics-in-practice', level: 'awareness', name: { en: 'Recognise where genomics touches everyday care', cy: "Adnabod lle mae genomeg yn cyffwrdd â gofal bob dydd" } },
  { id: 'pharmacogenomics-basics', level: 'foundation', name: { en: 'Explain how inherited variation changes medicine response', cy: "Esbonio sut mae amrywiad etifeddol yn newid ymateb i feddyginiaeth" } },
  { id: 'pharmacogenomics-prescribing', level: 'foundation', name: { en: 'Act on a pharmacogenomic result within guidance', cy: "Gweithredu ar ganlyniad ffarmacogenomig o fewn canllawiau" } },
];

/** Default required level by ESR staff group (English name, as ESR spells it). Illustrative defaults. */
export const DEFAULT_REQUIRED_LEVEL: Readonly<Record<string, LiteracyLevelCode>> = {
  'Medical and Dental': 'foundation',
  'Nursing and Midwifery Registered': 'foundation',
  'Add Prof Scientific and Technic': 'foundation',
  'Healthcare Scientists': 'practitioner',
  'Allied Health Professionals': 'awareness',
  'Additional Clinical Services': 'awareness',
  'Administrative and Clerical': 'awareness',
  'Estates and Ancillary': 'awareness',
  'Students': 'awareness',
};

/** A module is required for someone when its level is at or below the level their staff group must reach. */
export function isRequiredFor(moduleLevel: LiteracyLevelCode, requiredLevel: LiteracyLevelCode | null): boolean {
  return requiredLevel !== null && levelRank(moduleLevel) <= levelRank(requiredLevel);
}
