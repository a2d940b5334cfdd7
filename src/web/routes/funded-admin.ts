// Funded university module places, for education leads: university modules
// and intakes (created and changed in both languages), an intake's page
// (applications by status, moderation of reviewers' disagreements, running
// the allocation, its result as a table and charts by organisation and
// profession, offers, the funding commitment per organisation, outcomes by
// form or CSV), the university's enrolment list as CSV, and reports over
// intakes as CSV and XLSX. Names appear only once the allocation has run.

import { z } from 'zod';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import { CRITERIA, OUTCOMES, PROFESSIONS, professionOf, summariseScores, type Outcome } from '../../domain/funded/application.js';
import { observedCompletionByModule } from '../../domain/funded/completion.js';
import { hoursOf, wideningTable, type WideningCell } from '../../domain/funded/widening.js';
import { loadExcel } from '../../services/excel.js';
import { LITERACY_LEVELS, PAY_BANDS, STAFF_GROUPS, organisationByCode, staffGroupByName } from '../../domain/staff/reference-data.js';
import type { Application, FundedModule, Intake, IntakeInput, ModuleInput } from '../../db/stores/funded-store.js';
import { countChartSvg } from '../../services/funded/charts.js';
import { csvField } from '../audit-presenter.js';
import { authorise } from '../plugins/auth.js';
import { localPath } from '../plugins/language.js';
import { readUpload } from '../plugins/uploads.js';
import { decodeExtract } from '../../domain/staff/decode.js';
import { COMPETENCIES, competencyById } from '../../domain/learning/competency-framework.js';
import { serviceFor } from './funded.js';

const UUID = /^[0-9a-f-]{36}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const text = (max: number) => z.string().max(max).default('');
const list = z.union([z.string().max(100), z.array(z.string().max(100)).max(50)]).optional().transform((v) => (v === undefined ? [] : [v].flat()));

const ModuleForm = z.object({
  provider: text(200), code: text(60), titleEn: text(300), titleCy: text(300), credits: text(5), fheqLevel: text(2), mode: text(20),
  entryEn: text(4000), entryCy: text(4000), outcomesEn: text(8000), outcomesCy: text(8000), literacyLevel: text(20), competencies: list,
  providerUrl: text(500), illustrative: text(5),
});
type ModuleValues = z.infer<typeof ModuleForm>;

const IntakeForm = z.object({
  moduleId: text(40), startsOn: text(10), opensOn: text(10), closesOn: text(10), places: text(5), reserved: text(500),
  ...Object.fromEntries(CRITERIA.map((c) => [`weight-${c}`, text(5)])) as Record<`weight-${(typeof CRITERIA)[number]}`, z.ZodDefault<z.ZodString>>,
  rule: text(30), apportionment: text(30), capPerOrganisation: text(5), capPerStaffGroup: text(5), mixProfession: text(30), mixMaxShare: text(5),
  staffGroups: list, bands: list, minWte: text(5), priorModules: text(500), seed: text(100), reviewers: text(2), threshold: text(6),
  offerDays: text(3), wordLimit: text(5), feePerPlace: text(8), status: text(10), illustrative: text(5),
});
type IntakeValues = z.infer<typeof IntakeForm>;

interface FieldError { readonly field: string; readonly key: string }

function checkModule(v: ModuleValues): { errors: FieldError[]; input: ModuleInput | null } {
  const errors: FieldError[] = [];
  for (const f of ['provider', 'code', 'titleEn', 'titleCy', 'entryEn', 'entryCy', 'outcomesEn', 'outcomesCy'] as const) {
    if (v[f].trim() === '') errors.push({ field: f, key: 'funded.admin.errors.required' });
  }
  const credits = Number(v.credits);
  if (!/^\d{1,3}$/.test(v.credits.trim()) || credits < 1 || credits > 180) errors.push({ field: 'credits', key: 'funded.admin.errors.credits' });
  const level = Number(v.fheqLevel);
  if (!/^\d$/.test(v.fheqLevel.trim()) || level < 4 || level > 8) errors.push({ field: 'fheqLevel', key: 'funded.admin.errors.level' });
  if (v.mode !== 'distance' && v.mode !== 'blended') errors.push({ field: 'mode', key: 'funded.admin.errors.mode' });
  // 'none': the module does not map to a literacy level (its completions then raise nobody's level).
  if (v.literacyLevel !== 'none' && !LITERACY_LEVELS.some((l) => l.code === v.literacyLevel)) errors.push({ field: 'literacyLevel', key: 'funded.admin.errors.literacyLevel' });
  if (v.competencies.some((c) => competencyById(c) === undefined)) errors.push({ field: 'competencies', key: 'funded.admin.errors.competencies' });
  if (!/^https:\/\/[^\s<>"]+$/.test(v.providerUrl.trim())) errors.push({ field: 'providerUrl', key: 'funded.admin.errors.url' });
  if (errors.length > 0) return { errors, input: null };
  return {
    errors, input: {
      provider: v.provider.trim(), code: v.code.trim(), title: { en: v.titleEn.trim(), cy: v.titleCy.trim() }, credits, fheqLevel: level,
      mode: v.mode as 'distance' | 'blended', entryRequirements: { en: v.entryEn.trim(), cy: v.entryCy.trim() }, outcomes: { en: v.outcomesEn.trim(), cy: v.outcomesCy.trim() },
      literacyLevel: v.literacyLevel === 'none' ? '' : v.literacyLevel, competencies: [...new Set(v.competencies)], providerUrl: v.providerUrl.trim(),
      illustrative: v.illustrative === 'yes',
    },
  };
}

function moduleValues(m: FundedModule): ModuleValues {
  return {
    provider: m.provider, code: m.code, titleEn: m.title.en, titleCy: m.title.cy, credits: String(m.credits), fheqLevel: String(m.fheqLevel), mode: m.mode,
    entryEn: m.entryRequirements.en, entryCy: m.entryRequirements.cy, outcomesEn: m.outcomes.en, outcomesCy: m.outcomes.cy, literacyLevel: m.literacyLevel === '' ? 'none' : m.literacyLevel,
    competencies: m.competencies.filter((c) => competencyById(c) !== undefined), providerUrl: m.providerUrl, illustrative: m.illustrative ? 'yes' : '',
  };
}

const intInRange = (raw: string, min: number, max: number): number | null => (/^\d{1,6}$/.test(raw.trim()) && Number(raw) >= min && Number(raw) <= max ? Number(raw) : null);
const numInRange = (raw: string, min: number, max: number): number | null => (/^\d{1,4}(\.\d{1,2})?$/.test(raw.trim()) && Number(raw) >= min && Number(raw) <= max ? Number(raw) : null);

/** "7A7=1, 7A1=2" to { 7A7: 1, 7A1: 2 }; null when a part is not a known organisation and a number. */
function parseReserved(raw: string): Record<string, number> | null {
  const out: Record<string, number> = {};
  for (const part of raw.split(/[,\n]/).map((p) => p.trim()).filter((p) => p !== '')) {
    const m = /^([A-Z0-9]{3})\s*=\s*(\d{1,3})$/i.exec(part);
    if (m === null || organisationByCode((m[1] ?? '').toUpperCase()) === undefined) return null;
    out[(m[1] ?? '').toUpperCase()] = Number(m[2]);
  }
  return out;
}

function checkIntake(v: IntakeValues, modules: readonly FundedModule[]): { errors: FieldError[]; input: IntakeInput | null; status: 'draft' | 'open' } {
  const errors: FieldError[] = [];
  if (!modules.some((m) => m.id === v.moduleId)) errors.push({ field: 'moduleId', key: 'funded.admin.errors.module' });
  for (const f of ['startsOn', 'opensOn', 'closesOn'] as const) if (!DATE.test(v[f]) || Number.isNaN(Date.parse(v[f]))) errors.push({ field: f, key: 'funded.admin.errors.date' });
  if (DATE.test(v.opensOn) && DATE.test(v.closesOn) && v.closesOn <= v.opensOn) errors.push({ field: 'closesOn', key: 'funded.admin.errors.closes' });
  const places = intInRange(v.places, 1, 10_000);
  if (places === null) errors.push({ field: 'places', key: 'funded.admin.errors.places' });
  const reserved = parseReserved(v.reserved);
  if (reserved === null) errors.push({ field: 'reserved', key: 'funded.admin.errors.reserved' });
  const criteria = CRITERIA.map((code) => ({ code, weight: numInRange(v[`weight-${code}`] === '' ? '0' : v[`weight-${code}`], 0, 100) }));
  for (const c of criteria) if (c.weight === null) errors.push({ field: `weight-${c.code}`, key: 'funded.admin.errors.weight' });
  if (criteria.every((c) => (c.weight ?? 0) === 0)) errors.push({ field: 'weight-service-need', key: 'funded.admin.errors.noCriteria' });
  if (v.rule !== 'quota-by-share' && v.rule !== 'score-only') errors.push({ field: 'rule', key: 'funded.admin.errors.rule' });
  if (v.apportionment !== 'sainte-lague' && v.apportionment !== 'largest-remainder') errors.push({ field: 'apportionment', key: 'funded.admin.errors.apportionment' });
  const cap = (raw: string, field: string) => { if (raw.trim() === '') return null; const n = intInRange(raw, 1, 10_000); if (n === null) errors.push({ field, key: 'funded.admin.errors.cap' }); return n; };
  const capPerOrganisation = cap(v.capPerOrganisation, 'capPerOrganisation');
  const capPerStaffGroup = cap(v.capPerStaffGroup, 'capPerStaffGroup');
  let professionMix: { profession: string; maxShare: number } | null = null;
  if (v.mixProfession !== '') {
    const share = intInRange(v.mixMaxShare, 1, 99);
    if (!(PROFESSIONS as readonly string[]).includes(v.mixProfession) || share === null) errors.push({ field: 'mixMaxShare', key: 'funded.admin.errors.mix' });
    else professionMix = { profession: v.mixProfession, maxShare: share / 100 };
  }
  const staffGroups = v.staffGroups.filter((g) => STAFF_GROUPS.some((s) => s.code === g));
  const bands = v.bands.filter((b) => PAY_BANDS.some((p) => p.code === b));
  const minWte = v.minWte.trim() === '' ? null : numInRange(v.minWte, 0, 1);
  if (v.minWte.trim() !== '' && minWte === null) errors.push({ field: 'minWte', key: 'funded.admin.errors.wte' });
  if (v.seed.trim() === '') errors.push({ field: 'seed', key: 'funded.admin.errors.required' });
  const reviewers = intInRange(v.reviewers, 1, 3);
  if (reviewers === null) errors.push({ field: 'reviewers', key: 'funded.admin.errors.reviewers' });
  const threshold = numInRange(v.threshold, 0, 1000);
  if (threshold === null) errors.push({ field: 'threshold', key: 'funded.admin.errors.threshold' });
  const offerDays = intInRange(v.offerDays, 1, 90);
  if (offerDays === null) errors.push({ field: 'offerDays', key: 'funded.admin.errors.offerDays' });
  const wordLimit = intInRange(v.wordLimit, 50, 5000);
  if (wordLimit === null) errors.push({ field: 'wordLimit', key: 'funded.admin.errors.wordLimit' });
  const feePerPlace = v.feePerPlace.trim() === '' ? null : intInRange(v.feePerPlace, 0, 100_000);
  if (v.feePerPlace.trim() !== '' && feePerPlace === null) errors.push({ field: 'feePerPlace', key: 'funded.admin.errors.fee' });
  const status = v.status === 'open' ? 'open' : 'draft';
  if (errors.length > 0 || places === null || reviewers === null || threshold === null || offerDays === null || wordLimit === null || reserved === null) return { errors, input: null, status };
  return {
    errors, status, input: {
      moduleId: v.moduleId, startsOn: v.startsOn, opensAt: new Date(`${v.opensOn}T00:00:00Z`), closesAt: new Date(`${v.closesOn}T23:59:59Z`), places, reserved,
      criteria: criteria.filter((c) => (c.weight ?? 0) > 0).map((c) => ({ code: c.code, weight: c.weight ?? 0 })),
      rules: { rule: v.rule as 'quota-by-share' | 'score-only', apportionment: v.apportionment as 'sainte-lague' | 'largest-remainder', capPerOrganisation, capPerStaffGroup, professionMix, feePerPlace },
      eligibility: { staffGroups, bands, minWte, priorModules: v.priorModules.split(',').map((p) => p.trim()).filter((p) => p !== '') },
      seed: v.seed.trim(), reviewersPerApplication: reviewers, disagreementThreshold: threshold, offerDays, wordLimit, illustrative: v.illustrative === 'yes',
    },
  };
}

function intakeValues(i: Intake): IntakeValues {
  const weights = Object.fromEntries(CRITERIA.map((c) => [`weight-${c}`, String(i.criteria.find((x) => x.code === c)?.weight ?? '')]));
  return {
    ...IntakeForm.parse({}), ...weights, moduleId: i.moduleId, startsOn: i.startsOn, opensOn: i.opensAt.toISOString().slice(0, 10), closesOn: i.closesAt.toISOString().slice(0, 10),
    places: String(i.places), reserved: Object.entries(i.reserved).map(([k, n]) => `${k}=${String(n)}`).join(', '), rule: i.rules.rule, apportionment: i.rules.apportionment,
    capPerOrganisation: i.rules.capPerOrganisation === null ? '' : String(i.rules.capPerOrganisation), capPerStaffGroup: i.rules.capPerStaffGroup === null ? '' : String(i.rules.capPerStaffGroup),
    mixProfession: i.rules.professionMix?.profession ?? '', mixMaxShare: i.rules.professionMix === null ? '' : String(Math.round(i.rules.professionMix.maxShare * 100)),
    staffGroups: [...i.eligibility.staffGroups], bands: [...i.eligibility.bands], minWte: i.eligibility.minWte === null ? '' : String(i.eligibility.minWte),
    priorModules: i.eligibility.priorModules.join(', '), seed: i.seed, reviewers: String(i.reviewersPerApplication), threshold: String(i.disagreementThreshold),
    offerDays: String(i.offerDays), wordLimit: String(i.wordLimit), feePerPlace: i.rules.feePerPlace === null || i.rules.feePerPlace === undefined ? '' : String(i.rules.feePerPlace),
    status: i.status === 'open' ? 'open' : 'draft', illustrative: i.illustrative ? 'yes' : '',
  };
}

const NEW_INTAKE: IntakeValues = {
  ...IntakeForm.parse({}), 'weight-service-need': '3', 'weight-role-fit': '2', 'weight-career-stage': '1', 'weight-widening-participation': '1', 'weight-welsh-language': '1',
  rule: 'quota-by-share', apportionment: 'sainte-lague', reviewers: '2', threshold: '8', offerDays: '14', wordLimit: '500', status: 'draft',
};

/** A suppressed count as words: the number, "fewer than 5", or "withheld". */
function cellText(request: FastifyRequest, cell: WideningCell): string {
  return cell.state === 'shown' ? String(cell.value) : request.t(`funded.reports.widening.${cell.state}`);
}

/** The longest outcomes CSV read, in characters (some 10,000 lines). */
const OUTCOME_CSV_CHARS = 200_000;

/** Outcome rows pasted from the university's CSV: application reference or email, outcome, credits. */
export function parseOutcomeCsv(textIn: string): { rows: { key: string; outcome: Outcome; credits: number | null; line: number }[]; errors: { line: number; key: string }[] } {
  const rows: { key: string; outcome: Outcome; credits: number | null; line: number }[] = [];
  const errors: { line: number; key: string }[] = [];
  textIn.replace(/^\uFEFF/, '').split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const cells = raw.split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
    if (raw.trim() === '' || (index === 0 && /outcome/i.test(raw))) return;
    const [key = '', outcome = '', credits = ''] = cells;
    if (!(OUTCOMES as readonly string[]).includes(outcome)) { errors.push({ line, key: 'funded.admin.outcomes.errors.outcome' }); return; }
    const n = credits === '' ? null : Number(credits);
    if (n !== null && !(Number.isInteger(n) && n >= 0 && n <= 180)) { errors.push({ line, key: 'funded.admin.outcomes.errors.credits' }); return; }
    rows.push({ key, outcome: outcome as Outcome, credits: n, line });
  });
  return { rows, errors };
}

export async function fundedAdminRoutes(app: FastifyInstance): Promise<void> {
  const service = serviceFor(app);
  const store = service.store;
  const done = (request: FastifyRequest) => z.object({ done: z.string().max(30).regex(/^[a-z-]+$/).optional() }).safeParse(request.query).data?.done ?? null;
  const errorOf = (errors: readonly FieldError[]) => Object.fromEntries(errors.map((e) => [e.field, e.key]));
  const formContext = { literacyLevels: LITERACY_LEVELS, frameworkCompetencies: COMPETENCIES, criteria: CRITERIA, staffGroups: STAFF_GROUPS, bands: PAY_BANDS, professions: PROFESSIONS };

  app.get('/admin/funded', { config: { access: 'funded.manage' } }, async (request, reply) => {
    authorise(request, 'funded.manage');
    await service.expireOffers();
    const [modules, intakes] = await Promise.all([store.listModules(), store.listIntakes()]);
    const moduleOf = new Map(modules.map((m) => [m.id, m]));
    return reply.render('pages/funded/admin.njk', { modules, intakes: intakes.map((intake) => ({ intake, module: moduleOf.get(intake.moduleId) })), done: done(request) });
  });

  // Modules.
  app.get('/admin/funded/modules/new', { config: { access: 'funded.manage' } }, async (request, reply) => {
    authorise(request, 'funded.manage');
    return reply.render('pages/funded/module-form.njk', { ...formContext, values: { ...ModuleForm.parse({}), credits: '20', fheqLevel: '7', mode: 'distance' }, errors: [], errorOf: {}, action: '/admin/funded/modules' });
  });

  const saveModule = async (request: FastifyRequest, reply: FastifyReply, id: string | null) => {
    const user = authorise(request, 'funded.manage');
    const values = ModuleForm.safeParse(request.body ?? {}).data ?? ModuleForm.parse({});
    const { errors, input } = checkModule(values);
    if (input === null) {
      return reply.code(400).render('pages/funded/module-form.njk', { ...formContext, values, errors, errorOf: errorOf(errors), action: id === null ? '/admin/funded/modules' : `/admin/funded/modules/${id}` });
    }
    if (id === null) await store.createModule(input, user.id);
    // A changed literacy level moves everyone who completed the module, in the same transaction.
    else await store.updateModule(id, input, user.id, (trx) => service.refreshCompletersOf(trx, id));
    return reply.redirect(localPath(request.lang, `/admin/funded?done=${id === null ? 'module-created' : 'module-changed'}`), 303);
  };
  app.post('/admin/funded/modules', { config: { access: 'funded.manage' } }, (request, reply) => saveModule(request, reply, null));

  const moduleOr404 = async (id: string): Promise<FundedModule> => {
    const module = UUID.test(id) ? await store.findModule(id) : undefined;
    if (module === undefined) throw new DomainError('GNM_NOT_FOUND');
    return module;
  };
  app.get('/admin/funded/modules/:id', { config: { access: 'funded.manage' } }, async (request, reply) => {
    authorise(request, 'funded.manage');
    const module = await moduleOr404((request.params as { id: string }).id);
    return reply.render('pages/funded/module-form.njk', { ...formContext, values: moduleValues(module), errors: [], errorOf: {}, action: `/admin/funded/modules/${module.id}`, editing: true });
  });
  app.post('/admin/funded/modules/:id', { config: { access: 'funded.manage' } }, async (request, reply) => {
    const module = await moduleOr404((request.params as { id: string }).id);
    return saveModule(request, reply, module.id);
  });

  // Intakes.
  const intakeOr404 = async (id: string): Promise<{ intake: Intake; module: FundedModule }> => {
    const intake = UUID.test(id) ? await store.findIntake(id) : undefined;
    if (intake === undefined) throw new DomainError('GNM_NOT_FOUND');
    return { intake, module: await moduleOr404(intake.moduleId) };
  };

  app.get('/admin/funded/intakes/new', { config: { access: 'funded.manage' } }, async (request, reply) => {
    authorise(request, 'funded.manage');
    return reply.render('pages/funded/intake-form.njk', { ...formContext, modules: await store.listModules(), values: { ...NEW_INTAKE, seed: `seed-${Date.now().toString(36)}` }, errors: [], errorOf: {}, action: '/admin/funded/intakes' });
  });

  const saveIntake = async (request: FastifyRequest, reply: FastifyReply, id: string | null) => {
    const user = authorise(request, 'funded.manage');
    const values = IntakeForm.safeParse(request.body ?? {}).data ?? IntakeForm.parse({});
    const modules = await store.listModules();
    const { errors, input, status } = checkIntake(values, modules);
    if (input === null) {
      return reply.code(400).render('pages/funded/intake-form.njk', { ...formContext, modules, values, errors, errorOf: errorOf(errors), action: id === null ? '/admin/funded/intakes' : `/admin/funded/intakes/${id}/edit` });
    }
    const intakeId = id === null ? (await store.createIntake(input, status, user.id)).id : id;
    if (id !== null) await store.updateIntake(id, input, status, user.id);
    return reply.redirect(localPath(request.lang, `/admin/funded/intakes/${intakeId}?done=${id === null ? 'intake-created' : 'intake-changed'}`), 303);
  };
  app.post('/admin/funded/intakes', { config: { access: 'funded.manage' } }, (request, reply) => saveIntake(request, reply, null));
  app.get('/admin/funded/intakes/:id/edit', { config: { access: 'funded.manage' } }, async (request, reply) => {
    authorise(request, 'funded.manage');
    const { intake } = await intakeOr404((request.params as { id: string }).id);
    if (intake.status === 'allocated') throw new DomainError('GNM_CONFLICT', { what: 'intake' });
    return reply.render('pages/funded/intake-form.njk', { ...formContext, modules: await store.listModules(), values: intakeValues(intake), errors: [], errorOf: {}, action: `/admin/funded/intakes/${intake.id}/edit`, editing: true });
  });
  app.post('/admin/funded/intakes/:id/edit', { config: { access: 'funded.manage' } }, async (request, reply) => {
    authorise(request, 'funded.manage');
    const { intake } = await intakeOr404((request.params as { id: string }).id);
    return saveIntake(request, reply, intake.id);
  });

  /** Everything the intake page shows. Names and organisations only once the allocation has run. */
  const overview = async (request: FastifyRequest, intake: Intake) => {
    const applications = await store.applicationsOfIntake(intake.id);
    const scores = await store.scoresOf(applications.map((a) => a.id));
    const revealed = intake.status === 'allocated';
    const names = new Map<string, string>();
    if (revealed) for (const a of applications) names.set(a.userId, (await app.stores.users.findById(a.userId))?.displayName ?? '');
    const counts: Record<string, number> = {};
    for (const a of applications) counts[a.status] = (counts[a.status] ?? 0) + 1;
    const moderation = applications.filter((a) => a.status === 'supported').map((a) => ({
      application: a, reference: a.id.slice(0, 8).toUpperCase(),
      summary: summariseScores(intake.criteria, [...(scores.get(a.id)?.values() ?? [])], intake.reviewersPerApplication, intake.disagreementThreshold, a.moderatedScore),
    })).filter((m) => m.summary.needsModeration);
    const decided = applications.filter((a) => a.rank !== null).sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0));
    const orgName = (code: string) => organisationByCode(code)?.shortName[request.lang] ?? code;
    const tally = (key: (a: Application) => string, label: (k: string) => string) => {
      const m = new Map<string, { applied: number; offered: number; accepted: number }>();
      for (const a of decided) {
        const row = m.get(key(a)) ?? { applied: 0, offered: 0, accepted: 0 };
        row.applied += 1;
        if (a.offeredAt !== null) row.offered += 1;
        if (a.status === 'accepted') row.accepted += 1;
        m.set(key(a), row);
      }
      return [...m.entries()].map(([k, v]) => ({ label: label(k), ...v })).sort((x, y) => y.offered - x.offered || x.label.localeCompare(y.label));
    };
    const byOrganisation = tally((a) => a.organisationCode, orgName);
    const byProfession = tally((a) => professionOf(a.jobRole), (k) => request.t(`funded.professions.${k}`));
    const fee = intake.rules.feePerPlace ?? null;
    const commitment = byOrganisation.filter((r) => r.accepted > 0).map((r) => ({ ...r, amount: fee === null ? null : fee * r.accepted }));
    return {
      applications: applications.map((a) => ({ application: a, reference: a.id.slice(0, 8).toUpperCase(), name: names.get(a.userId) ?? null, organisation: orgName(a.organisationCode) })),
      counts, moderation, revealed, unscored: applications.filter((a) => a.status === 'supported').length,
      decided: decided.map((a) => ({ application: a, reference: a.id.slice(0, 8).toUpperCase(), name: names.get(a.userId) ?? '', organisation: orgName(a.organisationCode), profession: professionOf(a.jobRole) })),
      byOrganisation, byProfession, commitment, fee,
      charts: revealed ? {
        organisation: await countChartSvg(byOrganisation.map((r) => ({ label: r.label, count: r.offered })), request.t('funded.admin.result.chartOrganisation'), request.t('funded.admin.result.placesOffered')),
        profession: await countChartSvg(byProfession.map((r) => ({ label: r.label, count: r.offered })), request.t('funded.admin.result.chartProfession'), request.t('funded.admin.result.placesOffered')),
      } : null,
    };
  };

  app.get('/admin/funded/intakes/:id', { config: { access: 'funded.manage' } }, async (request, reply) => {
    authorise(request, 'funded.manage');
    await service.expireOffers();
    const { intake, module } = await intakeOr404((request.params as { id: string }).id);
    return reply.render('pages/funded/intake-admin.njk', { intake, module, ...await overview(request, intake), done: done(request), outcomes: OUTCOMES, outcomeErrors: [] });
  });

  app.post('/admin/funded/intakes/:id/moderate', { config: { access: 'funded.manage' } }, async (request, reply) => {
    const user = authorise(request, 'funded.manage');
    const { intake } = await intakeOr404((request.params as { id: string }).id);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const applicationId = typeof body['applicationId'] === 'string' ? body['applicationId'] : '';
    const score = typeof body['score'] === 'string' ? numInRange(body['score'], 0, 10_000) : null;
    const application = UUID.test(applicationId) ? await store.findApplication(applicationId) : undefined;
    if (application?.intakeId !== intake.id) throw new DomainError('GNM_NOT_FOUND');
    if (score === null) throw new DomainError('GNM_VALIDATION', { field: 'score' });
    await store.moderate(application.id, score, user.id);
    return reply.redirect(localPath(request.lang, `/admin/funded/intakes/${intake.id}?done=moderated`), 303);
  });

  app.post('/admin/funded/intakes/:id/allocate', { config: { access: 'funded.manage' } }, async (request, reply) => {
    const user = authorise(request, 'funded.manage');
    const { intake, module } = await intakeOr404((request.params as { id: string }).id);
    if (await service.unscored(intake.id) > 0) return reply.redirect(localPath(request.lang, `/admin/funded/intakes/${intake.id}?done=unscored`), 303);
    await service.runAllocation(intake, module, user.id);
    return reply.redirect(localPath(request.lang, `/admin/funded/intakes/${intake.id}?done=allocated#result`), 303);
  });

  app.get('/admin/funded/intakes/:id/enrolment.csv', { config: { access: 'funded.manage' } }, async (request, reply) => {
    authorise(request, 'funded.manage');
    const { intake, module } = await intakeOr404((request.params as { id: string }).id);
    const accepted = (await store.applicationsOfIntake(intake.id)).filter((a) => a.status === 'accepted');
    const t = request.t;
    const header = ['reference', 'name', 'email', 'organisation', 'job_role', 'band', 'module_code', 'provider', 'starts_on', 'study_time_agreed'].map((k) => t(`funded.admin.enrolment.${k}`));
    const rows = [];
    for (const a of accepted) {
      const user = await app.stores.users.findById(a.userId);
      rows.push([a.id, user?.displayName ?? '', user?.email ?? '', organisationByCode(a.organisationCode)?.name[request.lang] ?? a.organisationCode, a.jobRole, a.bandCode, module.code, module.provider, intake.startsOn, a.studyTimeAgreed ?? '']);
    }
    const csv = `\uFEFF${[header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n')}\r\n`;
    return reply.type('text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="enrolment-${module.code.replace(/[^A-Za-z0-9-]/g, '')}-${intake.startsOn}.csv"`).send(csv);
  });

  // Outcomes: one by form, or many from the university's CSV, pasted or as a file (multipart; this route is on the upload list, config.upload).
  app.post('/admin/funded/intakes/:id/outcomes', { config: { access: 'funded.manage', upload: true } }, async (request, reply) => {
    const user = authorise(request, 'funded.manage');
    const { intake, module } = await intakeOr404((request.params as { id: string }).id);
    // A file is read only now, after the session, the access and the form token (plugins/uploads.ts).
    const upload = request.isMultipart() ? await readUpload(request) : null;
    const body = (upload?.fields ?? request.body ?? {}) as Record<string, unknown>;
    const applications = await store.applicationsOfIntake(intake.id);
    let csv = typeof body['csv'] === 'string' ? body['csv'] : '';
    const refuse = async (status: number, key: string, field: string) =>
      reply.code(status).render('pages/funded/intake-admin.njk', { intake, module, ...await overview(request, intake), done: null, outcomes: OUTCOMES, outcomeErrors: [{ line: 0, key, field }], csv: field === 'csv' ? csv.slice(0, OUTCOME_CSV_CHARS) : '' });
    if (upload?.file != null) {
      if (upload.tooLarge) return refuse(413, 'funded.admin.outcomes.errors.tooLarge', 'csvFile');
      const decoded = decodeExtract(upload.file.bytes);
      if (!decoded.ok) return refuse(400, 'funded.admin.outcomes.errors.notText', 'csvFile');
      csv = decoded.text;
    }
    // Nothing is cut off: a CSV longer than this is refused whole, never recorded in part.
    if (csv.length > OUTCOME_CSV_CHARS) return refuse(413, 'funded.admin.outcomes.errors.tooLarge', upload?.file != null ? 'csvFile' : 'csv');
    // The errors point at what was sent; a file's lines are not copied into the paste box.
    const fromField = upload?.file != null ? 'csvFile' : 'csv';
    const pasted = upload?.file != null ? '' : csv;
    let entries: { key: string; outcome: Outcome; credits: number | null; line: number }[];
    if (csv.trim() !== '') {
      const parsed = parseOutcomeCsv(csv);
      if (parsed.errors.length > 0) {
        return reply.code(400).render('pages/funded/intake-admin.njk', { intake, module, ...await overview(request, intake), done: null, outcomes: OUTCOMES, outcomeErrors: parsed.errors.map((e) => ({ ...e, field: fromField })), csv: pasted });
      }
      entries = parsed.rows;
    } else {
      const outcome = typeof body['outcome'] === 'string' ? body['outcome'] : '';
      const credits = typeof body['credits'] === 'string' && body['credits'].trim() !== '' ? Number(body['credits']) : null;
      if (!(OUTCOMES as readonly string[]).includes(outcome) || (credits !== null && !(Number.isInteger(credits) && credits >= 0 && credits <= 180))) throw new DomainError('GNM_VALIDATION', { field: 'outcome' });
      entries = [{ key: typeof body['applicationId'] === 'string' ? body['applicationId'] : '', outcome: outcome as Outcome, credits, line: 1 }];
    }
    const unknown: { line: number; key: string }[] = [];
    const matched: { application: Application; outcome: Outcome; credits: number | null }[] = [];
    for (const e of entries) {
      let application = applications.find((a) => a.id === e.key || a.id.slice(0, 8).toUpperCase() === e.key.toUpperCase());
      if (application === undefined && e.key.includes('@')) {
        const found = await app.stores.users.findByEmail(e.key);
        application = found === undefined ? undefined : applications.find((a) => a.userId === found.id);
      }
      if (application?.status !== 'accepted') unknown.push({ line: e.line, key: 'funded.admin.outcomes.errors.unknown' });
      else matched.push({ application, outcome: e.outcome, credits: e.outcome === 'completed' ? (e.credits ?? module.credits) : null });
    }
    if (unknown.length > 0) {
      return reply.code(400).render('pages/funded/intake-admin.njk', { intake, module, ...await overview(request, intake), done: null, outcomes: OUTCOMES, outcomeErrors: unknown.map((e) => ({ ...e, field: fromField })), csv: pasted });
    }
    // All or none: one transaction for every line (and the literacy levels they move).
    await service.recordOutcomes(matched, module, user.id);
    return reply.redirect(localPath(request.lang, `/admin/funded/intakes/${intake.id}?done=outcomes#outcomes`), 303);
  });

  // Reports over intakes.
  const DIMENSIONS = ['organisation', 'staffGroup', 'profession', 'band', 'module'] as const;
  type Dimension = (typeof DIMENSIONS)[number];
  const report = async (request: FastifyRequest) => {
    const q = z.object({ by: z.enum(DIMENSIONS).optional(), intake: z.string().max(40).optional() }).safeParse(request.query).data ?? {};
    const by: Dimension = q.by ?? 'organisation';
    const [rows, modules, intakes] = await Promise.all([store.reportRows(), store.listModules(), store.listIntakes()]);
    const moduleOf = new Map(modules.map((m) => [m.id, m]));
    const intakeId = intakes.some((i) => i.id === q.intake) ? q.intake ?? '' : '';
    const label = (a: (typeof rows)[number]): string => {
      switch (by) {
        case 'organisation': return organisationByCode(a.organisationCode)?.shortName[request.lang] ?? a.organisationCode;
        case 'staffGroup': return staffGroupByName(a.staffGroupCode)?.name[request.lang] ?? a.staffGroupCode;
        case 'profession': return request.t(`funded.professions.${professionOf(a.jobRole)}`);
        case 'band': return PAY_BANDS.find((b) => b.code === a.bandCode)?.name[request.lang] ?? a.bandCode;
        case 'module': return moduleOf.get(a.moduleId)?.title[request.lang] ?? a.moduleId;
      }
    };
    const table = new Map<string, { applications: number; supported: number; offered: number; accepted: number; completed: number; credits: number }>();
    for (const a of rows.filter((r) => intakeId === '' || r.intakeId === intakeId)) {
      const key = label(a);
      const row = table.get(key) ?? { applications: 0, supported: 0, offered: 0, accepted: 0, completed: 0, credits: 0 };
      row.applications += 1;
      if (a.studyTimeAgreed !== null) row.supported += 1;
      if (a.offeredAt !== null) row.offered += 1;
      if (a.status === 'accepted') row.accepted += 1;
      if (a.outcome === 'completed') { row.completed += 1; row.credits += a.outcomeCredits ?? 0; }
      table.set(key, row);
    }
    const lines = [...table.entries()].map(([label, v]) => ({ label, ...v })).sort((a, b) => a.label.localeCompare(b.label, request.lang));
    // The completion rate observed per module (over every intake, or the one chosen): what the workforce planner is offered.
    const completion = [...observedCompletionByModule(rows.filter((r) => intakeId === '' || r.intakeId === intakeId)).entries()]
      .map(([moduleId, c]) => ({ module: moduleOf.get(moduleId)?.title[request.lang] ?? moduleId, ...c, percent: Math.round(100 * (c.rate ?? 0)) }))
      .sort((a, b) => a.module.localeCompare(b.module, request.lang));
    // Widening participation: applications and offers by band and by hours, small numbers suppressed.
    const chosen = rows.filter((r) => intakeId === '' || r.intakeId === intakeId);
    const bandKeys = PAY_BANDS.map((b) => b.code).filter((code) => chosen.some((r) => r.bandCode === code));
    const widening = [
      { dimension: 'band', table: wideningTable(bandKeys, chosen.map((r) => ({ key: r.bandCode, offered: r.offeredAt !== null }))), labelOf: (k: string) => PAY_BANDS.find((b) => b.code === k)?.name[request.lang] ?? k },
      { dimension: 'hours', table: wideningTable(['full-time', 'part-time'], chosen.map((r) => ({ key: hoursOf(r.wte), offered: r.offeredAt !== null }))), labelOf: (k: string) => request.t(`funded.reports.widening.${k}`) },
    ].map((w) => ({ dimension: w.dimension, total: w.table.total, lines: w.table.lines.map((l) => ({ ...l, label: w.labelOf(l.key) })) }));
    return { by, dimensions: DIMENSIONS, intakeId, intakes: intakes.map((i) => ({ id: i.id, label: `${moduleOf.get(i.moduleId)?.title[request.lang] ?? ''}, ${i.startsOn}` })), lines, completion, widening };
  };
  const REPORT_COLUMNS = ['applications', 'supported', 'offered', 'accepted', 'completed', 'credits'] as const;

  app.get('/admin/funded/reports', { config: { access: 'funded.manage' } }, async (request, reply) => {
    authorise(request, 'funded.manage');
    return reply.render('pages/funded/reports.njk', { ...await report(request), columns: REPORT_COLUMNS });
  });
  app.get('/admin/funded/reports.csv', { config: { access: 'funded.manage' } }, async (request, reply) => {
    authorise(request, 'funded.manage');
    const r = await report(request);
    const header = [request.t(`funded.reports.by.${r.by}`), ...REPORT_COLUMNS.map((c) => request.t(`funded.reports.columns.${c}`))];
    const body: string[][] = r.lines.map((l) => [l.label, ...REPORT_COLUMNS.map((c) => String(l[c]))]);
    for (const w of r.widening) {
      body.push([], [request.t(`funded.reports.widening.by.${w.dimension}`), request.t('funded.reports.columns.applications'), request.t('funded.reports.columns.offered')]);
      for (const l of [...w.lines, { label: request.t('funded.reports.widening.total'), ...w.total }]) body.push([l.label, cellText(request, l.applications), cellText(request, l.offered)]);
    }
    return reply.type('text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="funded-places-${r.by}.csv"`)
      .send(`\uFEFF${[header, ...body].map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`);
  });
  app.get('/admin/funded/reports.xlsx', { config: { access: 'funded.manage' } }, async (request, reply) => {
    authorise(request, 'funded.manage');
    const r = await report(request);
    const ExcelJS = await loadExcel();
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet(request.t('funded.reports.sheet'));
    sheet.addRow([request.t(`funded.reports.by.${r.by}`), ...REPORT_COLUMNS.map((c) => request.t(`funded.reports.columns.${c}`))]).font = { bold: true };
    for (const l of r.lines) sheet.addRow([l.label, ...REPORT_COLUMNS.map((c) => l[c])]);
    sheet.columns.forEach((col, i) => { col.width = i === 0 ? 40 : 16; });
    const wide = workbook.addWorksheet(request.t('funded.reports.widening.sheet'));
    for (const w of r.widening) {
      wide.addRow([request.t(`funded.reports.widening.by.${w.dimension}`), request.t('funded.reports.columns.applications'), request.t('funded.reports.columns.offered')]).font = { bold: true };
      for (const l of [...w.lines, { label: request.t('funded.reports.widening.total'), ...w.total }]) {
        wide.addRow([l.label, ...[l.applications, l.offered].map((c) => (c.state === 'shown' ? c.value : cellText(request, c)))]);
      }
      wide.addRow([]);
    }
    wide.columns.forEach((col, i) => { col.width = i === 0 ? 40 : 16; });
    const buffer = Buffer.from(await workbook.xlsx.writeBuffer());
    return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').header('Content-Disposition', `attachment; filename="funded-places-${r.by}.xlsx"`).send(buffer);
  });

}
