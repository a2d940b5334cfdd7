// Reference data for Genomeg: the NHS Wales bodies, ESR staff groups, pay
// bands, genomic specialist roles and genomic literacy levels that staff
// records, reports and learning requirements are keyed on.
//
// This module is pure, constant data plus small lookup functions. It must
// never do I/O (no files, network, database, environment or clock), never
// import a runtime dependency, and never hold personal data. Each list cites
// its source; a value that could not be confirmed says "unverified" and why.
// All sources below were accessed 2026-11-25.

export type LocalisedText = { readonly en: string; readonly cy: string };

export type OrganisationKind = 'health-board' | 'nhs-trust' | 'special-health-authority' | 'joint-committee';

export interface OrganisationRef {
  readonly code: string;
  readonly kind: OrganisationKind;
  readonly name: LocalisedText;
  readonly shortName: LocalisedText;
  readonly population2018?: number;
}

// ---------------------------------------------------------------------------
// Organisations
//
// Health board codes (7A1..7A7):
//   NHS England Organisation Data Service, "Welsh Local Health Boards and Sites",
//   https://www.odsdatasearchandexport.nhs.uk/referenceDataCatalogue/Welsh-Local-Health-Boards-and-Sites_571326072.html
//   (accessed 2026-11-25); mapping of code to board cross-checked against the
//   RCPCH audit engine's Welsh regions table (ODS_Code per board),
//   https://github.com/rcpch/rcpch-audit-engine/blob/main/epilepsy12/constants/welsh_regions.py
//   (accessed 2026-11-25), and the Spine ORD site record 7A7BT ("Powys Teaching
//   Local Health Board"). One public list seen swaps 7A3 and 7A7; ODS-derived
//   data agrees on 7A3 = Swansea Bay, 7A7 = Powys.
// NHS trust codes (RQF Velindre, RT4 Welsh Ambulance, RYT Public Health Wales):
//   NHS England ODS NHS trust codes as reproduced in public ODS-derived lists
//   (e.g. "RT4 Welsh Ambulance Services NHS Trust", "RYT Public Health Wales NHS
//   Trust", "RQF Velindre NHS Trust"), https://digital.nhs.uk/services/organisation-data-service
//   "Organisation Data Service" (accessed 2026-11-25).
// Welsh Ambulance Services University NHS Trust name (from 1 April 2024):
//   "Welsh Ambulance Service awarded University Trust status",
//   https://www.einpresswire.com/article/701460604/welsh-ambulance-service-awarded-university-trust-status-for-its-dedication-to-research-development
//   (accessed 2026-11-25).
// NHS Wales Joint Commissioning Committee (established 1 April 2024; took on
// WHSSC's functions), English and Welsh statutory names:
//   "The National Health Service Joint Commissioning Committee (Wales) Regulations 2024",
//   https://www.legislation.gov.uk/wsi/2024/135/made and the Welsh text
//   https://www.legislation.gov.uk/wsi/2024/135/made/welsh (accessed 2026-11-25).
// Welsh names as the bodies publish them:
//   Velindre: "Ymddiriedolaeth GIG Prifysgol Felindre", https://felindre.gig.cymru/ (accessed 2026-11-25).
//   HEIW: "Addysg a Gwella Iechyd Cymru (AaGIC)", https://aagic.gig.cymru/use-of-site/polisi-preifatrwydd/ (accessed 2026-11-25).
//   DHCW: "Iechyd a Gofal Digidol Cymru", legislation.gov.uk WSI 2020/1469 (Welsh)
//     https://legislation.gov.uk/cy/wsi/2020/1469/body/made/welsh (accessed 2026-11-25).
//   Public Health Wales: "Iechyd Cyhoeddus Cymru", https://icc.gig.cymru/ (accessed 2026-11-25).
//   Welsh Ambulance: "Ymddiriedolaeth GIG Gwasanaethau Ambiwlans Cymru" (pre-2024 form),
//     https://gweithrediaeth.gig.cymru/ (NHS Wales Awards 2023 page, accessed 2026-11-25).
//
// population2018 (health boards only): ONS mid-2018 population estimates as
// published by StatsWales, "Population estimates by local health boards and age",
// https://statswales.gov.wales/Catalogue/Population-and-Migration/Population/Estimates/Local-Health-Boards/populationestimates-by-lhb-age
// (accessed 2026-11-25), rounded to the nearest thousand.
// ---------------------------------------------------------------------------

export const ORGANISATIONS: readonly OrganisationRef[] = [
  {
    code: '7A1',
    kind: 'health-board',
    name: { en: 'Betsi Cadwaladr University Health Board', cy: 'Bwrdd Iechyd Prifysgol Betsi Cadwaladr' },
    shortName: { en: 'Betsi Cadwaladr', cy: 'Betsi Cadwaladr' },
    population2018: 698000,
  },
  {
    code: '7A2',
    kind: 'health-board',
    name: { en: 'Hywel Dda University Health Board', cy: 'Bwrdd Iechyd Prifysgol Hywel Dda' },
    shortName: { en: 'Hywel Dda', cy: 'Hywel Dda' },
    population2018: 386000,
  },
  {
    code: '7A3',
    kind: 'health-board',
    name: { en: 'Swansea Bay University Health Board', cy: 'Bwrdd Iechyd Prifysgol Bae Abertawe' },
    shortName: { en: 'Swansea Bay', cy: 'Bae Abertawe' },
    population2018: 389000,
  },
  {
    code: '7A4',
    kind: 'health-board',
    name: { en: 'Cardiff and Vale University Health Board', cy: 'Bwrdd Iechyd Prifysgol Caerdydd a’r Fro' },
    shortName: { en: 'Cardiff and Vale', cy: 'Caerdydd a’r Fro' },
    // The brief gave 469000, which cannot be right: Cardiff alone was about
    // 364,000 and the Vale of Glamorgan about 132,000 at mid-2018 (ONS), so the
    // board's population was about 496,000. 469000 looks like transposed digits.
    // unverified: the exact StatsWales cell was not retrievable here; re-check it.
    population2018: 496000,
  },
  {
    code: '7A5',
    kind: 'health-board',
    name: { en: 'Cwm Taf Morgannwg University Health Board', cy: 'Bwrdd Iechyd Prifysgol Cwm Taf Morgannwg' },
    shortName: { en: 'Cwm Taf Morgannwg', cy: 'Cwm Taf Morgannwg' },
    population2018: 445000,
  },
  {
    code: '7A6',
    kind: 'health-board',
    name: { en: 'Aneurin Bevan University Health Board', cy: 'Bwrdd Iechyd Prifysgol Aneurin Bevan' },
    shortName: { en: 'Aneurin Bevan', cy: 'Aneurin Bevan' },
    population2018: 591000,
  },
  {
    code: '7A7',
    kind: 'health-board',
    name: { en: 'Powys Teaching Health Board', cy: 'Bwrdd Iechyd Addysgu Powys' },
    shortName: { en: 'Powys', cy: 'Powys' },
    population2018: 132000,
  },
  {
    code: 'RQF',
    kind: 'nhs-trust',
    name: { en: 'Velindre University NHS Trust', cy: 'Ymddiriedolaeth GIG Prifysgol Felindre' },
    shortName: { en: 'Velindre', cy: 'Felindre' },
  },
  {
    code: 'RT4',
    kind: 'nhs-trust',
    // unverified (Welsh): the trust's post-April-2024 Welsh name was not found
    // published; formed from its published pre-2024 name on the pattern of
    // "Ymddiriedolaeth GIG Prifysgol Felindre". The Welsh interface review
    // (2026-12, row 46) judged it probably right but could not find it
    // published either: confirm it with the trust's Welsh-language team.
    name: { en: 'Welsh Ambulance Services University NHS Trust', cy: 'Ymddiriedolaeth GIG Prifysgol Gwasanaethau Ambiwlans Cymru' },
    shortName: { en: 'Welsh Ambulance', cy: 'Ambiwlans Cymru' },
  },
  {
    code: 'RYT',
    kind: 'nhs-trust',
    // The trust publishes itself in Welsh simply as "Iechyd Cyhoeddus Cymru".
    name: { en: 'Public Health Wales NHS Trust', cy: 'Iechyd Cyhoeddus Cymru' },
    shortName: { en: 'Public Health Wales', cy: 'Iechyd Cyhoeddus Cymru' },
  },
  {
    // unverified: no published ODS/NHS Wales organisation code for HEIW could be
    // found in the sources available; 'HEIW' is Genomeg's own stand-in (the
    // body's published abbreviation), not an ODS code. Replace it with the ODS
    // code once confirmed, and migrate any stored references.
    code: 'HEIW',
    kind: 'special-health-authority',
    name: { en: 'Health Education and Improvement Wales', cy: 'Addysg a Gwella Iechyd Cymru' },
    shortName: { en: 'HEIW', cy: 'AaGIC' },
  },
  {
    // unverified: as for HEIW, no published ODS code for DHCW could be
    // confirmed; 'DHCW' is Genomeg's own stand-in, not an ODS code.
    code: 'DHCW',
    kind: 'special-health-authority',
    name: { en: 'Digital Health and Care Wales', cy: 'Iechyd a Gofal Digidol Cymru' },
    shortName: { en: 'DHCW', cy: 'IGDC' },
  },
  {
    // unverified: the JCC is a joint committee of the seven health boards,
    // hosted by Cwm Taf Morgannwg (7A5); no ODS code of its own (nor WHSSC's)
    // could be confirmed. 'JCC' is Genomeg's own stand-in, not an ODS code.
    // The Welsh name is the statutory one in WSI 2024/135; the brief's
    // "Pwyllgor Comisiynu ar y Cyd GIG Cymru" was not found published.
    code: 'JCC',
    kind: 'joint-committee',
    name: { en: 'NHS Wales Joint Commissioning Committee', cy: 'Cyd-bwyllgor Comisiynu GIG Cymru' },
    shortName: { en: 'Joint Commissioning Committee', cy: 'Cyd-bwyllgor Comisiynu' },
  },
];

// ---------------------------------------------------------------------------
// Staff groups
//
// Source: NHS Digital, "A Guide to the Staff Group, Job Role and Area of Work
// classifications used in ESR — Staff Group, Job Role and Area of Work
// definitions and relationships",
// https://digital.nhs.uk/data-and-information/areas-of-interest/workforce/national-workforce-data-set-nwd-guidance-documents/a-guide-to-the-staff-group-job-role-and-area-of-work-classifications-used-in-esr/staff-group-job-role-and-area-of-work---definitions-and-relationships
// (accessed 2026-11-25). name.en is the spelling ESR extracts carry (ESR
// truncates "Additional Professional Scientific and Technical" to
// "Add Prof Scientific and Technic"); the long form is accepted as an alias.
//
// Welsh: "Gweithwyr Proffesiynol Perthynol i Iechyd" and "nyrsio a
// bydwreigiaeth" are in published NHS Wales / Senedd use; the other Welsh
// renderings are Genomeg's own and need review by a Welsh-language reviewer.
// ---------------------------------------------------------------------------

export interface StaffGroupRef {
  readonly code: string;
  readonly name: LocalisedText;
}

export const STAFF_GROUPS: readonly StaffGroupRef[] = [
  { code: 'add-prof-sci-tech', name: { en: 'Add Prof Scientific and Technic', cy: 'Gwyddonol a Thechnegol Proffesiynol Ychwanegol' } },
  { code: 'additional-clinical', name: { en: 'Additional Clinical Services', cy: 'Gwasanaethau Clinigol Ychwanegol' } },
  { code: 'admin-clerical', name: { en: 'Administrative and Clerical', cy: 'Gweinyddol a Chlerigol' } },
  { code: 'ahp', name: { en: 'Allied Health Professionals', cy: 'Gweithwyr Proffesiynol Perthynol i Iechyd' } },
  { code: 'estates-ancillary', name: { en: 'Estates and Ancillary', cy: 'Ystadau a Gwasanaethau Ategol' } },
  { code: 'healthcare-scientists', name: { en: 'Healthcare Scientists', cy: 'Gwyddonwyr Gofal Iechyd' } },
  { code: 'medical-dental', name: { en: 'Medical and Dental', cy: 'Meddygol a Deintyddol' } },
  { code: 'nursing-midwifery', name: { en: 'Nursing and Midwifery Registered', cy: 'Nyrsys a Bydwragedd Cofrestredig' } },
  { code: 'students', name: { en: 'Students', cy: 'Myfyrwyr' } },
];

/** Other spellings of a staff group seen in ESR documentation, normalised. */
const STAFF_GROUP_ALIASES: ReadonlyMap<string, string> = new Map([
  ['additional professional scientific and technical', 'add-prof-sci-tech'],
  ['add prof scientific and technical', 'add-prof-sci-tech'],
]);

// ---------------------------------------------------------------------------
// Pay bands
//
// Source: NHS Health Careers, "Agenda for change - pay rates" (nine pay bands,
// band 8 split into ranges 8a-8d; doctors and dentists are outside the system),
// https://www.healthcareers.nhs.uk/working-health/working-nhs/nhs-pay-and-benefits/agenda-change-pay-rates
// (accessed 2026-11-25). Agenda for Change covers all four UK nations (NHS
// Scotland uses it with its own pay rates), so NHS Wales uses the same bands.
// Band 1 was closed to new entrants in England from December 2018 (NHS Employers,
// "Closing band 1"; NHS Staff Council 2018 pay framework, which NHS Wales
// endorsed): it is kept for legacy records only. 'medical' covers staff on the
// medical and dental pay scales; 'other' covers anyone not on Agenda for Change
// or medical and dental terms. Welsh: "Band" is used as-is in NHS Wales Welsh.
// ---------------------------------------------------------------------------

export interface PayBandRef {
  readonly code: string;
  readonly name: LocalisedText;
  readonly order: number;
}

const AFC_BAND_CODES = ['1', '2', '3', '4', '5', '6', '7', '8a', '8b', '8c', '8d', '9'] as const;

export const PAY_BANDS: readonly PayBandRef[] = [
  ...AFC_BAND_CODES.map((code, i): PayBandRef => ({ code, name: { en: `Band ${code}`, cy: `Band ${code}` }, order: i + 1 })),
  { code: 'medical', name: { en: 'Medical and dental', cy: 'Meddygol a deintyddol' }, order: AFC_BAND_CODES.length + 1 },
  { code: 'other', name: { en: 'Other', cy: 'Arall' }, order: AFC_BAND_CODES.length + 2 },
];

/** Other ways ESR extracts and people write the two non-numbered bands, normalised. */
const PAY_BAND_ALIASES: ReadonlyMap<string, string> = new Map([
  ['medical and dental', 'medical'],
  ['medical/dental', 'medical'],
  ['m and d', 'medical'],
  ['medical', 'medical'],
  ['other', 'other'],
  ['non-afc', 'other'],
  ['non afc', 'other'],
  ['non-agenda for change', 'other'],
  ['non agenda for change', 'other'],
  ['other / non-agenda for change', 'other'],
]);

// ---------------------------------------------------------------------------
// Genomic specialist roles
//
// Sources for the role definitions (all accessed 2026-11-25):
//   Genomics Education Programme, "Bioinformatician" (glossary),
//     https://www.genomicseducation.hee.nhs.uk/glossary/bioinformatician/
//   NHS Health Careers, "Genomic counselling",
//     https://www.healthcareers.nhs.uk/explore-roles/healthcare-science/roles-healthcare-science/life-sciences/genomic-counselling
//   NHS Health Careers, "Clinical bioinformatics",
//     https://www.healthcareers.nhs.uk/explore-roles/healthcare-science/roles-healthcare-science/clinical-bioinformatics
//   National School of Healthcare Science, "Healthcare Science Practitioner",
//     https://nshcs.hee.nhs.uk/healthcare-science/careers-in-healthcare-science/roles/healthcare-science-practitioner/
//   National School of Healthcare Science, "NHS Scientist Training Programme"
//     (genetics and clinical bioinformatics pathways), http://www.nshcs.org.uk/nhs-scientist-training-programme
//   European Journal of Human Genetics (2022), scope of practice of the clinical
//     geneticist, genetic counsellor and genomic associate in the UK,
//     https://www.nature.com/articles/s41431-022-01214-7
//   NHS England, "Nursing and midwifery genomics framework in England",
//     https://www.england.nhs.uk/long-read/nursing-and-midwifery-genomics-framework-in-england
//
// staffGroup is the group the role usually sits in; ESR placement varies by
// employer, so matching people to roles uses jobRoleKeywords, not the group.
// Genetic counsellors: genomic counselling is a life-sciences healthcare
// science specialism (Health Careers), so 'healthcare-scientists'; some
// employers record them under Add Prof Scientific and Technic instead.
// unverified: genomic associate and genomic practitioner have no single
// published national definition found; the groups given are best judgement.
//
// jobRoleKeywords are lowercase phrases to look for in a lowercased ESR job
// role title. They are deliberately specific: a bare "clinical scientist" or
// "healthcare science practitioner" is not genomic on its own, so only
// genomics-qualified forms are listed.
//
// Welsh names are Genomeg's own and need review by a Welsh-language reviewer
// (none was found in a published Welsh source). "Genetic counsellor" is
// "cwnselydd genetig" / "cwnselwyr genetig" everywhere (reference data,
// scenarios, modules; content/terms.yaml): "cynghorydd" also means adviser or
// councillor, and "cwnsela" is the usual Welsh for counselling (Welsh interface
// review 2026-12, row 23; content review R6).
// ---------------------------------------------------------------------------

export interface SpecialistRoleRef {
  readonly code: string;
  readonly name: LocalisedText;
  readonly staffGroup: string;
  readonly jobRoleKeywords: readonly string[];
}

export const SPECIALIST_ROLES: readonly SpecialistRoleRef[] = [
  {
    code: 'clinical-geneticist',
    name: { en: 'Clinical geneticist', cy: 'Genetegydd clinigol' },
    staffGroup: 'medical-dental',
    jobRoleKeywords: [
      'clinical geneticist',
      'consultant in clinical genetics',
      'consultant clinical geneticist',
      'consultant, clinical genetics',
      'consultant - clinical genetics',
      'specialty registrar in clinical genetics',
      'specialty registrar, clinical genetics',
      'specialty registrar - clinical genetics',
    ],
  },
  {
    code: 'genetic-counsellor',
    name: { en: 'Genetic counsellor', cy: 'Cwnselydd genetig' },
    staffGroup: 'healthcare-scientists',
    jobRoleKeywords: ['genetic counsellor', 'genomic counsellor', 'genetic counselor', 'genomic counselor'],
  },
  {
    code: 'clinical-scientist-genomics',
    name: { en: 'Clinical scientist (genomics)', cy: 'Gwyddonydd clinigol (genomeg)' },
    staffGroup: 'healthcare-scientists',
    jobRoleKeywords: [
      'clinical scientist (genomics)',
      'clinical scientist - genomics',
      'clinical scientist, genomics',
      'clinical scientist in genomics',
      'clinical scientist (genetics)',
      'clinical scientist - genetics',
      'clinical scientist, genetics',
      'clinical scientist in genetics',
      'genomic scientist',
      'clinical genomic scientist',
    ],
  },
  {
    code: 'clinical-bioinformatician',
    name: { en: 'Clinical bioinformatician', cy: 'Biowybodegydd clinigol' },
    staffGroup: 'healthcare-scientists',
    jobRoleKeywords: [
      'clinical bioinformatician',
      'bioinformatician',
      'bioinformatics scientist',
      'clinical scientist (bioinformatics)',
      'clinical scientist - bioinformatics',
      'clinical scientist, bioinformatics',
    ],
  },
  {
    code: 'genetic-technologist',
    name: { en: 'Genetic technologist', cy: 'Technolegydd genetig' },
    staffGroup: 'healthcare-scientists',
    jobRoleKeywords: [
      'genetic technologist',
      'genomic technologist',
      'genetics technologist',
      'healthcare science practitioner (genomics)',
      'healthcare science practitioner - genomics',
      'healthcare science practitioner (genetics)',
      'healthcare science practitioner - genetics',
    ],
  },
  {
    code: 'genomic-associate',
    name: { en: 'Genomic associate', cy: 'Cydymaith genomig' },
    staffGroup: 'additional-clinical',
    jobRoleKeywords: ['genomic associate', 'genomics associate'],
  },
  {
    code: 'genomic-practitioner',
    name: { en: 'Genomic practitioner', cy: 'Ymarferydd genomig' },
    staffGroup: 'nursing-midwifery',
    jobRoleKeywords: ['genomic practitioner', 'genomics practitioner', 'genomic medicine practitioner'],
  },
];

// ---------------------------------------------------------------------------
// Genomic literacy levels
//
// Source: Genomics Education Programme, "Facilitating genomic testing: a
// competency framework" (consent framework), which groups healthcare staff into
// four categories of experience, from the wider workforce to genetic/genomic
// specialists, https://www.genomicseducation.hee.nhs.uk/consent-a-competency-framework/
// (accessed 2026-11-25). Genomeg's five levels are its own grading built on that
// grouping, not a published national standard. Welsh text needs review by a
// Welsh-language reviewer.
// ---------------------------------------------------------------------------

export type LiteracyLevel = 'awareness' | 'foundation' | 'practitioner' | 'advanced' | 'specialist';

export const LITERACY_LEVELS: readonly { readonly code: LiteracyLevel; readonly name: LocalisedText; readonly description: LocalisedText }[] = [
  {
    code: 'awareness',
    name: { en: 'Awareness', cy: 'Ymwybyddiaeth' },
    description: {
      en: 'For the wider workforce: knows what genomics is, where it touches everyday care and who to ask for help.',
      cy: 'I’r gweithlu ehangach: yn gwybod beth yw genomeg, lle mae’n cyffwrdd â gofal bob dydd ac at bwy i droi am help.',
    },
  },
  {
    code: 'foundation',
    name: { en: 'Foundation', cy: 'Sylfaen' },
    description: {
      en: 'For clinical staff who meet genomic information: can explain the basics to patients and act on results within guidance.',
      cy: 'I staff clinigol sy’n dod ar draws gwybodaeth genomig: yn gallu esbonio’r pethau sylfaenol i gleifion a gweithredu ar ganlyniadau o fewn canllawiau.',
    },
  },
  {
    code: 'practitioner',
    name: { en: 'Practitioner', cy: 'Ymarferydd' },
    description: {
      en: 'For mainstream clinicians who offer genomic tests in their own specialty: can consent patients and return routine results.',
      cy: 'I glinigwyr prif ffrwd sy’n cynnig profion genomig yn eu harbenigedd eu hunain: yn gallu cael cydsyniad cleifion a rhoi canlyniadau arferol.',
    },
  },
  {
    code: 'advanced',
    name: { en: 'Advanced', cy: 'Uwch' },
    description: {
      en: 'For those who lead genomic practice in a service: handle complex testing, uncertain results and family implications, and support colleagues.',
      cy: 'I’r rhai sy’n arwain ymarfer genomig mewn gwasanaeth: yn ymdrin â phrofion cymhleth, canlyniadau ansicr a goblygiadau i’r teulu, ac yn cefnogi cydweithwyr.',
    },
  },
  {
    code: 'specialist',
    name: { en: 'Specialist', cy: 'Arbenigol' },
    description: {
      en: 'For genetic and genomic specialists such as clinical geneticists, genetic counsellors and clinical scientists.',
      cy: 'I arbenigwyr genetig a genomig fel genetegwyr clinigol, cwnselwyr genetig a gwyddonwyr clinigol.',
    },
  },
];

// ---------------------------------------------------------------------------
// Lookups
// ---------------------------------------------------------------------------

/** Trims, lowercases, collapses whitespace and spells "&" as "and". */
function normalise(value: string): string {
  return value.trim().toLowerCase().replace(/&/g, ' and ').replace(/\s+/g, ' ').trim();
}

/** Finds an organisation by its code, ignoring case and surrounding spaces. */
export function organisationByCode(code: string): OrganisationRef | undefined {
  const wanted = code.trim().toUpperCase();
  if (wanted === '') return undefined;
  return ORGANISATIONS.find((o) => o.code.toUpperCase() === wanted);
}

/** Finds a staff group by its code or English (ESR) name, ignoring case and spacing. */
export function staffGroupByName(nameOrCode: string): StaffGroupRef | undefined {
  const wanted = normalise(nameOrCode);
  if (wanted === '') return undefined;
  const aliased = STAFF_GROUP_ALIASES.get(wanted) ?? wanted;
  return STAFF_GROUPS.find((g) => g.code === aliased || normalise(g.name.en) === aliased);
}

/**
 * Finds a pay band from how ESR extracts and people write it: '6', 'Band 6',
 * 'band 8a', '8A', 'Band 8 - Range A', 'Medical', 'Medical and dental', 'Other'.
 */
export function payBandByCode(code: string): PayBandRef | undefined {
  let wanted = normalise(code);
  if (wanted === '') return undefined;
  const aliased = PAY_BAND_ALIASES.get(wanted);
  if (aliased !== undefined) return PAY_BANDS.find((b) => b.code === aliased);
  wanted = wanted.replace(/^(?:agenda for change|afc)\s+/, '').replace(/^band\s*/, '');
  const range = /^8\s*[-–]?\s*(?:range\s*)?([a-d])$/.exec(wanted);
  if (range !== null) wanted = `8${range[1] ?? ''}`;
  wanted = wanted.replace(/^0+(?=\d)/, '');
  return PAY_BANDS.find((b) => b.code === wanted);
}
