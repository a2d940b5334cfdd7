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
  { id: 'family-history-and-referral', level: 'awareness', name: { en: 'Take a family history and recognise when to refer', cy: 'Cymryd hanes teulu ac adnabod pryd i atgyfeirio' } },
  { id: 'pharmacogenomics-foundations', level: 'foundation', name: { en: 'Explain how inherited variation changes medicine response', cy: "Esbonio sut mae amrywiad etifeddol yn newid ymateb i feddyginiaeth" } },
  { id: 'safe-prescribing-genomics', level: 'foundation', name: { en: 'Act on a pharmacogenomic result within guidance', cy: "Gweithredu ar ganlyniad ffarmacogenomig o fewn canllawiau" } },
  { id: 'genomic-testing-consent', level: 'foundation', name: { en: 'Support consent to genomic testing and communicate results', cy: 'Cefnogi cydsynio i brofion genomig a chyfleu canlyniadau' } },
  { id: 'cancer-genomics', level: 'foundation', name: { en: 'Explain germline and somatic testing in cancer and what each result means for care', cy: "Esbonio profion llinach germaidd a somatig mewn canser a'r hyn y mae pob canlyniad yn ei olygu i ofal" } },
  { id: 'rare-disease-genomics', level: 'foundation', name: { en: 'Explain how genome sequencing and reanalysis end a diagnostic odyssey', cy: "Esbonio sut mae dilyniannu genom ac ailddadansoddi yn dod â thaith ddiagnostig i ben" } },
  { id: 'reproductive-genomics', level: 'foundation', name: { en: 'Support people through antenatal and newborn screening that uses genomics', cy: 'Cefnogi pobl drwy sgrinio cyn geni a sgrinio babanod newydd-anedig sy’n defnyddio genomeg' } },
  { id: 'genomic-ethics-and-law', level: 'foundation', name: { en: 'Recognise the ethical and legal questions genomics raises for patients and families', cy: "Adnabod y cwestiynau moesegol a chyfreithiol y mae genomeg yn eu codi i gleifion a theuluoedd" } },
  { id: 'genomic-data-governance', level: 'foundation', name: { en: 'Handle genomic data by the rules of confidentiality and data governance', cy: 'Trin data genomig yn ôl rheolau cyfrinachedd a llywodraethu data' } },
];

/** The competency with this id, or undefined (content check names a module's unknown ids). */
export function competencyById(id: string): Competency | undefined {
  return COMPETENCIES.find((c) => c.id === id);
}

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
