// PROVISIONAL reference data, to be replaced by the researched version.
export type LocalisedText = { readonly en: string; readonly cy: string };
export type OrganisationKind = 'health-board' | 'nhs-trust' | 'special-health-authority' | 'joint-committee';
export interface OrganisationRef { readonly code: string; readonly kind: OrganisationKind; readonly name: LocalisedText; readonly shortName: LocalisedText; readonly population2018?: number }
export const ORGANISATIONS: readonly OrganisationRef[] = [
  { code: '7A1', kind: 'health-board', name: { en: 'Betsi Cadwaladr University Health Board', cy: 'Bwrdd Iechyd Prifysgol Betsi Cadwaladr' }, shortName: { en: 'Betsi Cadwaladr', cy: 'Betsi Cadwaladr' }, population2018: 698000 },
  { code: '7A2', kind: 'health-board', name: { en: 'Hywel Dda University Health Board', cy: 'Bwrdd Iechyd Prifysgol Hywel Dda' }, shortName: { en: 'Hywel Dda', cy: 'Hywel Dda' }, population2018: 386000 },
  { code: '7A3', kind: 'health-board', name: { en: 'Swansea Bay University Health Board', cy: 'Bwrdd Iechyd Prifysgol Bae Abertawe' }, shortName: { en: 'Swansea Bay', cy: 'Bae Abertawe' }, population2018: 389000 },
  { code: '7A4', kind: 'health-board', name: { en: 'Cardiff and Vale University Health Board', cy: 'Bwrdd Iechyd Prifysgol Caerdydd a’r Fro' }, shortName: { en: 'Cardiff and Vale', cy: 'Caerdydd a’r Fro' }, population2018: 469000 },
  { code: '7A5', kind: 'health-board', name: { en: 'Cwm Taf Morgannwg University Health Board', cy: 'Bwrdd Iechyd Prifysgol Cwm Taf Morgannwg' }, shortName: { en: 'Cwm Taf Morgannwg', cy: 'Cwm Taf Morgannwg' }, population2018: 445000 },
  { code: '7A6', kind: 'health-board', name: { en: 'Aneurin Bevan University Health Board', cy: 'Bwrdd Iechyd Prifysgol Aneurin Bevan' }, shortName: { en: 'Aneurin Bevan', cy: 'Aneurin Bevan' }, population2018: 591000 },
  { code: '7A7', kind: 'health-board', name: { en: 'Powys Teaching Health Board', cy: 'Bwrdd Iechyd Addysgu Powys' }, shortName: { en: 'Powys', cy: 'Powys' }, population2018: 132000 },
  { code: 'RQF', kind: 'nhs-trust', name: { en: 'Velindre University NHS Trust', cy: 'Ymddiriedolaeth GIG Prifysgol Felindre' }, shortName: { en: 'Velindre', cy: 'Felindre' } },
  { code: 'RT4', kind: 'nhs-trust', name: { en: 'Welsh Ambulance Services University NHS Trust', cy: 'Ymddiriedolaeth GIG Prifysgol Gwasanaethau Ambiwlans Cymru' }, shortName: { en: 'Welsh Ambulance', cy: 'Ambiwlans Cymru' } },
  { code: 'RYT', kind: 'nhs-trust', name: { en: 'Public Health Wales NHS Trust', cy: 'Ymddiriedolaeth GIG Iechyd Cyhoeddus Cymru' }, shortName: { en: 'Public Health Wales', cy: 'Iechyd Cyhoeddus Cymru' } },
];
export interface StaffGroupRef { readonly code: string; readonly name: LocalisedText }
export const STAFF_GROUPS: readonly StaffGroupRef[] = [
  ['add-prof-sci-tech', 'Add Prof Scientific and Technic'], ['additional-clinical', 'Additional Clinical Services'], ['admin-clerical', 'Administrative and Clerical'],
  ['ahp', 'Allied Health Professionals'], ['estates-ancillary', 'Estates and Ancillary'], ['healthcare-scientists', 'Healthcare Scientists'],
  ['medical-dental', 'Medical and Dental'], ['nursing-midwifery', 'Nursing and Midwifery Registered'], ['students', 'Students'],
].map(([code = '', en = '']) => ({ code, name: { en, cy: en } }));
export interface PayBandRef { readonly code: string; readonly name: LocalisedText; readonly order: number }
export const PAY_BANDS: readonly PayBandRef[] = ['1', '2', '3', '4', '5', '6', '7', '8a', '8b', '8c', '8d', '9'].map((code, i) => ({ code, name: { en: `Band ${code}`, cy: `Band ${code}` }, order: i + 1 }))
  .concat([{ code: 'medical', name: { en: 'Medical and dental', cy: 'Meddygol a deintyddol' }, order: 13 }, { code: 'other', name: { en: 'Other', cy: 'Arall' }, order: 14 }]);
export function organisationByCode(code: string): OrganisationRef | undefined { const c = code.trim().toUpperCase(); return ORGANISATIONS.find((o) => o.code === c); }
export function staffGroupByName(nameOrCode: string): StaffGroupRef | undefined { const v = nameOrCode.trim().toLowerCase(); return STAFF_GROUPS.find((g) => g.code === v || g.name.en.toLowerCase() === v); }
export function payBandByCode(code: string): PayBandRef | undefined { const v = code.trim().toLowerCase().replace(/^band\s*/, ''); return PAY_BANDS.find((b) => b.code === v || b.name.en.toLowerCase() === v); }
