// The baseline headcount from the staff directory: active staff whose job role
// maps to one of the scenario's specialist roles, counted by organisation and
// age band (src/domain/workforce/staff-baseline.ts). The page shows, for every
// role and organisation, the directory's count, the scenario's figure and
// which one the scenario uses; applying it writes the directory's counts into
// a new version, except where the planner keeps their own figure (kept by
// default: the planner's overrides win). In YAML each entry taken from the
// directory is marked with a comment saying so and when.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { baselineFromStaff, SPECIALIST_ROLE_KEYWORDS, specialistRoleOf, type StaffForBaseline } from '../../domain/workforce/staff-baseline.js';
import { scenarioNameIn, type Scenario } from '../../domain/workforce/scenario.js';
import type { ScenarioStore, StoredScenario } from '../../db/stores/scenario-store.js';
import { editScenarioText, type ScenarioEdit } from '../../services/workforce/scenario-files.js';
import { organisationByCode } from '../../domain/staff/reference-data.js';
import { authorise } from '../plugins/auth.js';
import { localPath } from '../plugins/language.js';
import { actorOf, changeableOr403, check, checkStored, mayChange, scenarioOr404 } from './plan-common.js';

type Source = 'staff' | 'same' | 'override' | 'scenario';

interface BaselineRow {
  readonly key: string;
  readonly role: string;
  readonly roleName: string;
  readonly organisation: string;
  readonly organisationName: string;
  readonly staff: readonly number[] | undefined;
  readonly scenario: readonly number[] | undefined;
  /** staff: only the directory has a figure; same: both agree; override: the planner's differs; scenario: nobody in the directory. */
  readonly source: Source;
}

interface Comparison {
  readonly rows: BaselineRow[];
  readonly counted: number;
  readonly skipped: number;
  readonly otherRoles: number;
}

const sum = (xs: readonly number[] | undefined): number => (xs ?? []).reduce((a, b) => a + b, 0);

async function compare(app: FastifyInstance, s: Scenario, lang: 'en' | 'cy'): Promise<Comparison> {
  const staff: StaffForBaseline[] = [];
  for (const group of await app.stores.staff.countByJobRole()) {
    if (specialistRoleOf(group.jobRole) === undefined) continue;
    for (let i = 0; i < group.count; i++) staff.push(group);
  }
  const counted = baselineFromStaff(staff, s.ageBands.map((b) => b.id), s.organisations.map((o) => o.id));
  const roles = new Map(s.roles.map((r) => [r.id, lang === 'cy' && r.nameCy !== undefined ? r.nameCy : r.name]));
  // Welsh pages name NHS Wales organisations in Welsh, from the reference data (as the run pages do).
  const orgs = new Map(s.organisations.map((o) => [o.id, (lang === 'cy' ? organisationByCode(o.id)?.name.cy : undefined) ?? o.name]));
  const fromStaff = new Map<string, number[]>();
  let otherRoles = 0;
  for (const b of counted.baseline) {
    if (roles.has(b.role)) fromStaff.set(`${b.role}@${b.organisation}`, b.headcount);
    else otherRoles += sum(b.headcount);
  }
  const inScenario = new Map(s.baseline.map((b) => [`${b.role}@${b.organisation}`, b.headcount]));
  const keys = [...new Set([...inScenario.keys(), ...fromStaff.keys()])];
  const rows = keys.map((key): BaselineRow => {
    const [role = '', organisation = ''] = key.split('@');
    const fromDirectory = fromStaff.get(key);
    const scenario = inScenario.get(key);
    const source: Source = fromDirectory === undefined ? 'scenario' : scenario === undefined ? 'staff' : JSON.stringify(scenario) === JSON.stringify(fromDirectory) ? 'same' : 'override';
    return { key, role, roleName: roles.get(role) ?? role, organisation, organisationName: orgs.get(organisation) ?? organisation, staff: fromDirectory, scenario, source };
  });
  const roleOrder = s.roles.map((r) => r.id), orgOrder = s.organisations.map((o) => o.id);
  rows.sort((a, b) => roleOrder.indexOf(a.role) - roleOrder.indexOf(b.role) || orgOrder.indexOf(a.organisation) - orgOrder.indexOf(b.organisation));
  return { rows, counted: counted.counted - otherRoles, skipped: counted.skipped, otherRoles };
}

function kept(body: unknown): Set<string> {
  const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['keep'] : undefined;
  return new Set((Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string'));
}

export async function planBaselineRoutes(app: FastifyInstance, store: ScenarioStore): Promise<void> {
  const render = async (request: FastifyRequest, reply: FastifyReply, stored: StoredScenario, s: Scenario, extra: Record<string, unknown> = {}) => {
    const comparison = await compare(app, s, request.lang);
    const roleName = (id: string): string => { const r = s.roles.find((x) => x.id === id); return r === undefined ? id : request.lang === 'cy' && r.nameCy !== undefined ? r.nameCy : r.name; };
    const mapping = SPECIALIST_ROLE_KEYWORDS.map(([role, phrases]) => ({ role, name: roleName(role), phrases }));
    const applied = (request.query as Record<string, unknown>)['applied'];
    return reply.render('pages/plan/baseline.njk', {
      scenario: stored, shownName: scenarioNameIn(s, request.lang), ageBands: s.ageBands.map((b) => { const key = `ageBands.${b.id}`; const label = request.t(key); return label === key || label.startsWith('[') ? b.id : label; }), ...comparison, mapping, sum,
      mayChange: request.user !== null && mayChange(stored, request.user),
      applied: typeof applied === 'string' ? applied : undefined, canonicalPath: `/plan/scenarios/${stored.id}/baseline`, ...extra,
    });
  };

  app.get('/plan/scenarios/:id/baseline', { config: { access: 'workforce.plan' } }, async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
    authorise(request, 'workforce.plan');
    const stored = await scenarioOr404(store, request.params.id);
    const checked = await checkStored(store, stored);
    if ('issues' in checked) return reply.code(422).render('pages/plan/baseline.njk', { scenario: stored, issues: checked.issues, broken: true });
    return render(request, reply, stored, checked.scenario);
  });

  app.post('/plan/scenarios/:id/baseline', { config: { access: 'workforce.plan' } }, async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
    const user = authorise(request, 'workforce.plan');
    const stored = await scenarioOr404(store, request.params.id);
    changeableOr403(stored, user);
    const checked = await checkStored(store, stored);
    if ('issues' in checked) return reply.code(422).render('pages/plan/baseline.njk', { scenario: stored, issues: checked.issues, broken: true });
    const keep = kept(request.body);
    const { rows, counted } = await compare(app, checked.scenario, request.lang);
    const today = new Date().toISOString().slice(0, 10);
    const taken = rows.filter((r) => r.staff !== undefined && (r.source === 'staff' || (r.source === 'override' && !keep.has(r.key))));
    if (taken.length === 0) return reply.redirect(localPath(request.lang, `/plan/scenarios/${stored.id}/baseline?applied=unchanged`), 303);
    const edits: ScenarioEdit[] = taken.map((r) => ({
      path: ['baseline', { match: { role: r.role, organisation: r.organisation } }, 'headcount'],
      value: [...(r.staff ?? [])],
      comment: `staff directory, ${today}`,
    }));
    const source = editScenarioText(stored.source, stored.format, edits);
    const again = await check(store, source, `${stored.slug}.${stored.format}`);
    if ('issues' in again) {
      return reply.code(422).render('pages/plan/baseline.njk', { scenario: stored, issues: again.issues, broken: true });
    }
    const saved = await store.saveVersion(stored.id, {
      name: again.scenario.name, format: stored.format, source, expectedVersion: Number((request.body as Record<string, unknown> | undefined)?.['version'] ?? stored.version),
      audit: { action: 'workforce.scenario.baseline-from-staff', detail: { people: counted, fromStaff: taken.map((r) => r.key), kept: rows.filter((r) => r.source === 'override' && keep.has(r.key)).map((r) => r.key) } },
    }, user.id, actorOf(user));
    return reply.redirect(localPath(request.lang, `/plan/scenarios/${saved.id}/baseline?applied=${saved.version}`), 303);
  });
}
