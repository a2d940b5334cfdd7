import type { IntakeInput, ModuleInput } from '../../src/db/stores/funded-store.js';

export const DAY = 86_400_000;

export const MODULE: ModuleInput = {
  provider: 'Cardiff University', code: 'ILLUSTRATIVE-PGX', title: { en: 'Pharmacogenomics', cy: 'Ffarmacogenomeg' }, credits: 20, fheqLevel: 7,
  mode: 'distance', entryRequirements: { en: 'A degree', cy: 'Gradd' }, outcomes: { en: 'Outcomes', cy: 'Deilliannau' }, literacyLevel: 'advanced',
  competencies: ['pharmacogenomics-foundations'], providerUrl: 'https://www.cardiff.ac.uk/', illustrative: true,
};

export function intakeInput(moduleId: string, overrides: Partial<IntakeInput> = {}): IntakeInput {
  return {
    moduleId, startsOn: '2031-01-20', opensAt: new Date(Date.now() - DAY), closesAt: new Date(Date.now() + 10 * DAY), places: 2, reserved: {},
    criteria: [{ code: 'service-need', weight: 2 }, { code: 'role-fit', weight: 1 }],
    rules: { rule: 'score-only', apportionment: 'sainte-lague', capPerOrganisation: null, capPerStaffGroup: null, professionMix: null },
    eligibility: { staffGroups: [], bands: [], minWte: null, priorModules: [] }, seed: 'test-seed', reviewersPerApplication: 2, disagreementThreshold: 3,
    offerDays: 14, wordLimit: 500, illustrative: true, ...overrides,
  };
}

export const SNAPSHOT = { staffId: null, organisationCode: '7A7', staffGroupCode: 'healthcare-scientists', bandCode: '7', jobRole: 'Clinical Scientist', wte: 1 };
export const FIELDS = { statement: 'I want to learn.', serviceBenefit: 'Faster diagnosis.', priorLearning: '' };
