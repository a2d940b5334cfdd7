// The demo's funded university places: the four 20-credit Master's level
// modules the plan names (inherited disease, cancer diagnostics,
// bioinformatics, pharmacogenomics) at Cardiff and Bangor universities, with
// one open intake and applications at every stage (awaiting the line manager,
// supported and waiting for reviewers, scored). Module codes, which
// university teaches which module, dates, places, fees and the applications
// are ILLUSTRATIVE: made up for the demonstration and marked so on every
// page; the universities' own pages are linked for the real details. The
// applicants are synthetic staff records with passwordless accounts.

import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { FundedStore, type IntakeInput, type ModuleInput } from '../db/stores/funded-store.js';
import { UserStore } from '../db/stores/user-store.js';

const DAY = 86_400_000;

const MODULES: readonly ModuleInput[] = [
  {
    provider: 'Cardiff University', code: 'ILLUSTRATIVE-INH', title: { en: 'Genomics of inherited disease', cy: 'Genomeg clefydau etifeddol' }, credits: 20, fheqLevel: 7, mode: 'distance',
    entryRequirements: { en: 'Illustrative: a degree in a health or life science, or equivalent professional experience. Check the university\'s page for the real requirements.', cy: 'Enghreifftiol: gradd mewn gwyddor iechyd neu fywyd, neu brofiad proffesiynol cyfatebol. Gwiriwch dudalen y brifysgol am y gofynion go iawn.' },
    outcomes: { en: 'Explain patterns of inheritance and how genomic testing finds the cause of rare inherited conditions.\n\nUse genomic results in conversations with patients and families.', cy: 'Egluro patrymau etifeddu a sut mae profion genomig yn canfod achos cyflyrau etifeddol prin.\n\nDefnyddio canlyniadau genomig mewn sgyrsiau gyda chleifion a theuluoedd.' },
    literacyLevel: 'advanced', competencies: ['family-history-and-referral', 'genomic-testing-consent', 'rare-disease-genomics'], providerUrl: 'https://www.cardiff.ac.uk/', illustrative: true,
  },
  {
    provider: 'Cardiff University', code: 'ILLUSTRATIVE-CAN', title: { en: 'Genomics in cancer diagnostics', cy: 'Genomeg mewn diagnosteg canser' }, credits: 20, fheqLevel: 7, mode: 'blended',
    entryRequirements: { en: 'Illustrative: a degree in a health or life science, or equivalent professional experience.', cy: 'Enghreifftiol: gradd mewn gwyddor iechyd neu fywyd, neu brofiad proffesiynol cyfatebol.' },
    outcomes: { en: 'Describe somatic and germline testing in cancer and how results guide treatment.', cy: 'Disgrifio profion somatig a llinell-germ mewn canser a sut mae canlyniadau’n arwain triniaeth.' },
    literacyLevel: 'advanced', competencies: ['cancer-genomics'], providerUrl: 'https://www.cardiff.ac.uk/', illustrative: true,
  },
  {
    provider: 'Bangor University', code: 'ILLUSTRATIVE-BIO', title: { en: 'Bioinformatics for genomic medicine', cy: 'Biowybodeg ar gyfer meddygaeth genomig' }, credits: 20, fheqLevel: 7, mode: 'distance',
    entryRequirements: { en: 'Illustrative: a degree in a science subject; some experience of working with data.', cy: 'Enghreifftiol: gradd mewn pwnc gwyddonol; rhywfaint o brofiad o weithio gyda data.' },
    outcomes: { en: 'Run and interpret a variant-calling pipeline and explain its limits.', cy: 'Rhedeg a dehongli piblinell galw amrywiolion ac egluro ei chyfyngiadau.' },
    literacyLevel: 'specialist', competencies: ['genomic-data-governance'], providerUrl: 'https://www.bangor.ac.uk/', illustrative: true,
  },
  {
    provider: 'Bangor University', code: 'ILLUSTRATIVE-PGX', title: { en: 'Pharmacogenomics', cy: 'Ffarmacogenomeg' }, credits: 20, fheqLevel: 7, mode: 'distance',
    entryRequirements: { en: 'Illustrative: registration with a professional body (for example the GPhC, NMC or GMC). Open to every profession.', cy: 'Enghreifftiol: cofrestriad gyda chorff proffesiynol (er enghraifft y GPhC, yr NMC neu’r GMC). Ar agor i bob proffesiwn.' },
    outcomes: { en: 'Use pharmacogenomic results to choose and dose medicines safely.', cy: 'Defnyddio canlyniadau ffarmacogenomig i ddewis a dosio meddyginiaethau’n ddiogel.' },
    literacyLevel: 'practitioner', competencies: ['pharmacogenomics-foundations', 'safe-prescribing-genomics'], providerUrl: 'https://www.bangor.ac.uk/', illustrative: true,
  },
];

export interface DemoFundedResult {
  readonly modules: number;
  readonly intakes: number;
  readonly applications: number;
}

export async function seedDemoFunded(db: Kysely<Database>, now: Date = new Date(), emailDomain = 'demo.genomeg.test'): Promise<DemoFundedResult> {
  const store = FundedStore.create(db);
  const users = UserStore.create(db);
  const modules = [];
  for (const m of MODULES) modules.push(await store.createModule(m, null));
  const pgx = modules[3];
  if (pgx === undefined) throw new Error('demo modules missing');
  const input: IntakeInput = {
    moduleId: pgx.id, startsOn: new Date(now.getTime() + 120 * DAY).toISOString().slice(0, 10), opensAt: new Date(now.getTime() - 14 * DAY),
    closesAt: new Date(now.getTime() + 30 * DAY), places: 8, reserved: {},
    criteria: [{ code: 'service-need', weight: 3 }, { code: 'role-fit', weight: 2 }, { code: 'career-stage', weight: 1 }, { code: 'widening-participation', weight: 2 }, { code: 'welsh-language', weight: 1 }],
    rules: { rule: 'quota-by-share', apportionment: 'sainte-lague', capPerOrganisation: 3, capPerStaffGroup: null, professionMix: { profession: 'pharmacist', maxShare: 0.75 }, feePerPlace: 1500 },
    eligibility: { staffGroups: [], bands: [], minWte: 0.5, priorModules: [] }, seed: 'demo-2026-pgx', reviewersPerApplication: 2, disagreementThreshold: 8,
    offerDays: 14, wordLimit: 500, illustrative: true,
  };
  const intake = await store.createIntake(input, 'open', null);
  // A later bioinformatics intake, not yet open.
  await store.createIntake({ ...input, moduleId: modules[2]?.id ?? pgx.id, opensAt: new Date(now.getTime() + 60 * DAY), closesAt: new Date(now.getTime() + 90 * DAY), startsOn: new Date(now.getTime() + 200 * DAY).toISOString().slice(0, 10), seed: 'demo-2026-bio', places: 6, rules: { ...input.rules, professionMix: null } }, 'draft', null);

  // Applicants: active staff from the synthetic directory with a line manager, each with a passwordless account.
  const staff = await db.selectFrom('staff').selectAll().where('active', '=', true).where('line_manager_assignment_number', 'is not', null)
    .where('wte', '>=', 0.5).orderBy('assignment_number').limit(12).execute();
  const manager = await users.create({ email: `funded-demo-manager@${emailDomain}`, displayName: 'Illustrative line manager', passwordHash: null, grants: [{ role: 'learner', organisationCode: null }], staffId: null }, null);
  const reviewers = [];
  for (const n of [1, 2]) reviewers.push(await users.create({ email: `funded-demo-reviewer-${String(n)}@${emailDomain}`, displayName: `Illustrative reviewer ${String(n)}`, passwordHash: null, grants: [{ role: 'funded-reviewer', organisationCode: null }], staffId: null }, null));
  let count = 0;
  for (const [i, s] of staff.entries()) {
    const user = await users.create({ email: `funded-applicant-${String(i + 1)}@${emailDomain}`, displayName: `${s.first_name} ${s.last_name}`, passwordHash: null, grants: [{ role: 'learner', organisationCode: null }], staffId: s.id }, null);
    const application = await store.saveDraft(intake.id, user.id, {
      staffId: s.id, organisationCode: s.organisation_code, staffGroupCode: s.staff_group_code, bandCode: s.band_code, jobRole: s.job_role, wte: s.wte,
    }, {
      statement: 'Illustrative statement: I want to use pharmacogenomic results safely in my daily work and share what I learn with my team.',
      serviceBenefit: 'Illustrative: fewer adverse drug reactions in the clinics my team runs.', priorLearning: '',
    }, manager.id);
    count += 1;
    if (i % 4 === 3) continue; // a draft
    await store.submit(application.id, user.id, new Date(now.getTime() - (10 - (i % 5)) * DAY));
    if (i % 4 === 2) continue; // awaiting the manager
    await store.managerDecision(application.id, manager.id, { supported: true, studyTime: 'Illustrative: half a day a week' });
    if (i % 2 === 1) continue; // waiting for reviewers
    for (const [r, reviewer] of reviewers.entries()) {
      await store.recordScores(intake, application.id, reviewer.id, new Map(input.criteria.map((c, k) => [c.code, (i + k + r) % 6])));
    }
  }
  return { modules: modules.length, intakes: 2, applications: count };
}
