// Editing a scenario through a form: the parameters planners change most (the
// horizon and start year; per role attrition and recruitment; per training
// pipeline intake, duration, completion, the share taking a post in Wales and
// the start year). A parameter written as a range (PERT, triangular, uniform,
// normal) shows one field per number of the range; changing the kind of range,
// and everything else, stays in the scenario file.
//
// A pipeline's pool of possible trainees may be taken from insights (the
// "Use the count from insights" button: its own small form, a POST that shows
// the figure and fills the field, audited; docs/workforce-planning.md).
//
// Each save writes only what changed into the scenario's own text (a YAML file
// keeps its comments), as a new version; in a scenario that extends another, a
// change to an inherited value becomes an override in this scenario. Nothing
// is saved while any field is wrong: every problem is listed in an error
// summary linking to its field, with the message by the field too.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Distribution } from '../../domain/workforce/random.js';
import { pipelineName, scenarioNameIn, type Scenario, type ScenarioIssue } from '../../domain/workforce/scenario.js';
import type { ScenarioStore, StoredScenario } from '../../db/stores/scenario-store.js';
import type { User } from '../../db/stores/user-store.js';
import { FundedStore } from '../../db/stores/funded-store.js';
import { observedCompletion } from '../../domain/funded/completion.js';
import { editScenarioText, parseScenarioText, type PathStep, type ScenarioEdit } from '../../services/workforce/scenario-files.js';
import { AuditStore } from '../../db/stores/audit-store.js';
import { traineePoolFromInsights, type TraineePoolFigure } from '../../services/workforce/trainee-pool.js';
import { dayLabel } from '../../services/insights/dashboard.js';
import { authorise } from '../plugins/auth.js';
import { localPath } from '../plugins/language.js';
import { actorOf, changeableOr403, check, checkStored, scenarioOr404 } from './plan-common.js';

type Translate = FastifyRequest['t'];
type Part = 'value' | 'min' | 'mode' | 'max' | 'mean' | 'sd';

const PARTS: Readonly<Record<Distribution['kind'], readonly Part[]>> = {
  fixed: ['value'], uniform: ['min', 'max'], triangular: ['min', 'mode', 'max'], pert: ['min', 'mode', 'max'], normal: ['mean', 'sd', 'min', 'max'],
};

interface Range {
  readonly min: number;
  readonly max: number;
  readonly whole: boolean;
}

const RATE: Range = { min: 0, max: 1, whole: false };
const AMOUNT: Range = { min: 0, max: Number.POSITIVE_INFINITY, whole: false };
const YEAR: Range = { min: 1990, max: 2200, whole: true };

/** One parameter of the form: where it lives in the scenario, its range and its value now. */
interface ParamSpec {
  readonly id: string;
  readonly path: readonly PathStep[];
  readonly label: string;
  /** The label with its owner (a role or pipeline), for error messages. */
  readonly full: string;
  readonly hint?: string;
  readonly range: Range;
  readonly current: Distribution | undefined;
  /** May be left empty (then it is left out of the scenario). */
  readonly optional?: boolean;
  /** A plain number in the file, never a range (years, durations). */
  readonly plain?: boolean;
}

interface FormInput {
  readonly id: string;
  readonly label: string;
  readonly value: string;
  readonly error?: string;
}

interface FormParam {
  readonly id: string;
  readonly label: string;
  readonly hint?: string;
  /** What kind of range this is, and that the kind is changed in the file. */
  readonly note?: string;
  readonly inputs: readonly FormInput[];
}

interface FormGroup {
  readonly id: string;
  readonly legend: string;
  readonly params: readonly FormParam[];
  readonly recruitment?: { readonly id: string; readonly kind: 'perYear' | 'rate'; readonly error?: string };
  /** Pipelines: the name for the insights button, and the figure insights gave when asked. */
  readonly pipelineName?: string;
  readonly poolFigure?: string;
}

interface ErrorItem {
  readonly text: string;
  readonly href: string;
}

function inputId(spec: ParamSpec, part: Part): string {
  return part === 'value' ? spec.id : `${spec.id}-${part}`;
}

function partOf(d: Distribution, part: Part): number {
  switch (d.kind) {
    case 'fixed': return d.value;
    case 'uniform': return part === 'max' ? d.max : d.min;
    case 'triangular':
    case 'pert': return part === 'mode' ? d.mode : part === 'max' ? d.max : d.min;
    case 'normal': return part === 'mean' ? d.mean : part === 'sd' ? d.sd : part === 'max' ? d.max : d.min;
  }
}

/** A distribution as written in a scenario file. */
function written(d: Distribution): unknown {
  switch (d.kind) {
    case 'fixed': return d.value;
    case 'uniform': return { uniform: [d.min, d.max] };
    case 'triangular': return { triangular: [d.min, d.mode, d.max] };
    case 'pert': return { pert: [d.min, d.mode, d.max] };
    case 'normal': return { normal: { mean: d.mean, sd: d.sd, min: d.min, max: d.max } };
  }
}

function same(a: Distribution | undefined, b: Distribution | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

const fixed = (value: number | undefined): Distribution | undefined => (value === undefined ? undefined : { kind: 'fixed', value });

/** Every parameter the form shows, from the scenario as resolved now. */
function specs(s: Scenario, t: Translate, lang: 'en' | 'cy'): { top: ParamSpec[]; roles: { id: string; legend: string; recruitKind: 'perYear' | 'rate'; attrition: ParamSpec; recruitment: Record<'perYear' | 'rate', ParamSpec> }[]; pipelines: { id: string; name: string; legend: string; params: ParamSpec[] }[] } {
  const of = (label: string, owner: string) => t('workforce.edit.fieldOf', { field: label, owner });
  const top: ParamSpec[] = [
    { id: 'startYear', path: ['startYear'], label: t('workforce.edit.startYear'), full: t('workforce.edit.startYear'), hint: t('workforce.edit.startYearHint'), range: YEAR, current: fixed(s.startYear), plain: true },
    { id: 'horizon', path: ['horizon'], label: t('workforce.edit.horizon'), full: t('workforce.edit.horizon'), hint: t('workforce.edit.horizonHint'), range: { min: 1, max: 50, whole: true }, current: fixed(s.horizon), plain: true },
  ];
  const roleName = (id: string): string => {
    const role = s.roles.find((r) => r.id === id);
    return role === undefined ? id : lang === 'cy' && role.nameCy !== undefined ? role.nameCy : role.name;
  };
  const roles = s.roles.map((r) => {
    const name = roleName(r.id);
    const at = (field: string): PathStep[] => ['roles', { match: { id: r.id } }, field];
    const recruitKind: 'perYear' | 'rate' = 'rate' in r.recruitment ? 'rate' : 'perYear';
    const current = 'rate' in r.recruitment ? r.recruitment.rate : r.recruitment.perYear;
    const recruitLabel = t('workforce.edit.recruitmentValue');
    return {
      id: r.id, legend: name, recruitKind,
      attrition: { id: `role-${r.id}-attrition`, path: at('attrition'), label: t('workforce.edit.attrition'), full: of(t('workforce.edit.attrition'), name), hint: t('workforce.edit.attritionHint'), range: RATE, current: r.attrition },
      recruitment: {
        perYear: { id: `role-${r.id}-recruitment`, path: [...at('recruitment'), 'perYear'], label: recruitLabel, full: of(recruitLabel, name), hint: t('workforce.edit.recruitmentHint'), range: AMOUNT, current },
        rate: { id: `role-${r.id}-recruitment`, path: [...at('recruitment'), 'rate'], label: recruitLabel, full: of(recruitLabel, name), hint: t('workforce.edit.recruitmentHint'), range: RATE, current },
      },
    };
  });
  const pipelines = s.pipelines.map((p) => {
    const legend = t('workforce.edit.pipelineLegend', { pipeline: pipelineName(p, lang), role: roleName(p.role) });
    const at = (field: string): PathStep[] => ['pipelines', { match: { id: p.id } }, field];
    const spec = (field: string, range: Range, current: Distribution | undefined, extra: Partial<ParamSpec> = {}): ParamSpec => ({
      id: `pipeline-${p.id}-${field}`, path: at(field), label: t(`workforce.edit.${field}`), full: of(t(`workforce.edit.${field}`), p.id), hint: t(`workforce.edit.${field}Hint`), range, current, ...extra,
    });
    return {
      id: p.id, name: pipelineName(p, lang), legend,
      params: [
        spec('intake', AMOUNT, p.intake),
        spec('duration', { min: 1, max: 15, whole: true }, fixed(p.duration), { plain: true }),
        spec('completion', RATE, p.completion),
        spec('retention', RATE, p.retention),
        spec('pipelineStartYear', YEAR, fixed(p.startYear), { plain: true, optional: true, path: at('startYear') }),
        // Last, so the insights button sits by it.
        spec('traineePool', { min: 0, max: Number.POSITIVE_INFINITY, whole: true }, fixed(p.traineePool), { plain: true, optional: true }),
      ],
    };
  });
  return { top, roles, pipelines };
}

function kindNote(d: Distribution | undefined, t: Translate): string | undefined {
  return d === undefined || d.kind === 'fixed' ? undefined : t('workforce.edit.rangeNote', { kind: t(`workforce.edit.kinds.${d.kind}`) });
}

function formParam(spec: ParamSpec, t: Translate, submitted?: Record<string, string>, errors?: Map<string, string>): FormParam {
  const parts = PARTS[spec.current?.kind ?? 'fixed'];
  const inputs = parts.map((part): FormInput => {
    const id = inputId(spec, part);
    const value = submitted?.[id] ?? (spec.current === undefined ? '' : String(partOf(spec.current, part)));
    const error = errors?.get(id);
    return { id, label: part === 'value' ? spec.label : t(`workforce.edit.parts.${part}`), value, ...(error === undefined ? {} : { error }) };
  });
  const note = kindNote(spec.current, t);
  return { id: spec.id, label: spec.label, ...(spec.hint === undefined ? {} : { hint: spec.hint }), ...(note === undefined ? {} : { note }), inputs };
}

/** A number as typed: digits with an optional point; thousands separated by commas are allowed. */
function parseNumber(raw: string): number | undefined {
  const s = raw.trim().replace(/^(\d{1,3}(?:,\d{3})+)(\.\d+)?$/, (_, whole: string, frac: string | undefined) => whole.replace(/,/g, '') + (frac ?? ''));
  if (!/^-?\d+(\.\d+)?$|^-?\.\d+$/.test(s)) return undefined;
  return Number(s);
}

interface Parsed {
  readonly edits: ScenarioEdit[];
  readonly errors: Map<string, string>;
  readonly order: string[];
  readonly changed: string[];
}

function parseParam(spec: ParamSpec, body: Record<string, string>, t: Translate, out: Parsed, range = spec.range): Distribution | undefined | 'error' {
  const kind = spec.current?.kind ?? 'fixed';
  const values: Partial<Record<Part, number>> = {};
  const fail = (part: Part, message: string): 'error' => {
    const id = inputId(spec, part);
    out.errors.set(id, message);
    out.order.push(id);
    return 'error';
  };
  const format = (n: number): string => (Number.isFinite(n) ? String(n) : '∞');
  let bad = false;
  for (const part of PARTS[kind]) {
    const id = inputId(spec, part);
    const raw = body[id] ?? '';
    const field = part === 'value' ? spec.full : t('workforce.edit.partOf', { field: spec.full, part: t(`workforce.edit.parts.${part}`) });
    if (raw.trim() === '' && spec.optional === true && part === 'value') return undefined;
    const n = parseNumber(raw);
    if (n === undefined) {
      fail(part, t('workforce.edit.errors.number', { field }));
      bad = true;
      continue;
    }
    const r = part === 'sd' ? AMOUNT : range;
    if (r.whole && !Number.isInteger(n)) {
      fail(part, t('workforce.edit.errors.whole', { field }));
      bad = true;
      continue;
    }
    if (n < r.min || n > r.max) {
      const message = Number.isFinite(r.max) ? t('workforce.edit.errors.between', { field, min: format(r.min), max: format(r.max) }) : t('workforce.edit.errors.atLeast', { field, min: format(r.min) });
      fail(part, message);
      bad = true;
      continue;
    }
    values[part] = n;
  }
  if (bad) return 'error';
  const v = (p: Part): number => values[p] ?? 0;
  const ordered = (ps: readonly Part[]): boolean => ps.every((p, i) => i === 0 || v(ps[i - 1] ?? p) <= v(p));
  switch (kind) {
    case 'fixed': return { kind, value: v('value') };
    case 'uniform': return ordered(['min', 'max']) ? { kind, min: v('min'), max: v('max') } : fail('max', t('workforce.edit.errors.order', { field: spec.full }));
    case 'triangular':
    case 'pert': return ordered(['min', 'mode', 'max']) ? { kind, min: v('min'), mode: v('mode'), max: v('max') } : fail('mode', t('workforce.edit.errors.order', { field: spec.full }));
    case 'normal': return ordered(['min', 'mean', 'max']) ? { kind, mean: v('mean'), sd: v('sd'), min: v('min'), max: v('max') } : fail('mean', t('workforce.edit.errors.order', { field: spec.full }));
  }
}

function collect(spec: ParamSpec, body: Record<string, string>, t: Translate, out: Parsed, options: { range?: Range; force?: boolean; path?: readonly PathStep[]; wrap?: (raw: unknown) => unknown } = {}): void {
  const next = parseParam(spec, body, t, out, options.range);
  if (next === 'error') return;
  if (options.force !== true && same(next, spec.current)) return;
  const raw = next === undefined ? undefined : spec.plain === true && next.kind === 'fixed' ? next.value : written(next);
  out.edits.push({ path: options.path ?? spec.path, value: options.wrap === undefined ? raw : options.wrap(raw) });
  out.changed.push(spec.id);
}

function stringBody(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof body === 'object' && body !== null) for (const [k, v] of Object.entries(body)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** The field an issue from the whole-scenario check belongs to, when the form has it. */
function fieldOfIssue(issue: ScenarioIssue, s: Scenario): string | undefined {
  const [head, index, field] = issue.path.split('.');
  if (head === 'startYear' || head === 'horizon') return head;
  const i = Number(index);
  if (head === 'roles' && field !== undefined) {
    const id = s.roles[i]?.id;
    if (id !== undefined && (field === 'attrition' || field === 'recruitment')) return `role-${id}-${field}`;
  }
  if (head === 'pipelines' && field !== undefined) {
    const id = s.pipelines[i]?.id;
    if (id !== undefined && ['intake', 'duration', 'completion', 'retention', 'startYear', 'traineePool'].includes(field)) return `pipeline-${id}-${field === 'startYear' ? 'pipelineStartYear' : field}`;
  }
  return undefined;
}

export async function planEditRoutes(app: FastifyInstance, store: ScenarioStore): Promise<void> {
  const render = async (request: FastifyRequest, reply: FastifyReply, stored: StoredScenario, s: Scenario, state: { submitted?: Record<string, string>; errors?: Map<string, string>; summary?: ErrorItem[]; kinds?: Record<string, string>; pools?: Record<string, string> } = {}, status = 200) => {
    const t = request.t;
    // Offered for a pipeline's completion rate: what funded university places observed (docs/funded-places.md).
    const funded = observedCompletion((await FundedStore.create(app.database.db).reportRows()).map((r) => r.outcome));
    const all = specs(s, t, request.lang);
    const p = (spec: ParamSpec) => formParam(spec, t, state.submitted, state.errors);
    const roles: FormGroup[] = all.roles.map((r) => {
      const kindId = `role-${r.id}-recruitmentKind`;
      const kind = state.kinds?.[r.id] === 'rate' || state.kinds?.[r.id] === 'perYear' ? state.kinds[r.id] as 'perYear' | 'rate' : r.recruitKind;
      const kindError = state.errors?.get(kindId);
      return { id: r.id, legend: r.legend, params: [p(r.attrition), p(r.recruitment[r.recruitKind])], recruitment: { id: kindId, kind, ...(kindError === undefined ? {} : { error: kindError }) } };
    });
    const pipelines: FormGroup[] = all.pipelines.map((g) => {
      const figure = state.pools?.[g.id];
      return { id: g.id, legend: g.legend, params: g.params.map(p), pipelineName: g.name, ...(figure === undefined ? {} : { poolFigure: figure }) };
    });
    const nameError = state.errors?.get('name');
    const nameCyError = state.errors?.get('nameCy');
    return reply.code(status).render('pages/plan/edit.njk', {
      scenario: stored, shownName: scenarioNameIn(s, request.lang), top: all.top.map(p), roles, pipelines,
      observedCompletion: funded.rate === null ? null : { percent: Math.round(100 * funded.rate), count: funded.people },
      name: { value: state.submitted?.['name'] ?? s.name, ...(nameError === undefined ? {} : { error: nameError }) },
      nameCy: { value: state.submitted?.['nameCy'] ?? s.nameCy ?? '', ...(nameCyError === undefined ? {} : { error: nameCyError }) },
      errors: state.summary ?? [], canonicalPath: `/plan/scenarios/${stored.id}/edit`,
    });
  };

  /**
   * The scenario a planner may change, checked: for the edit form and its two posts. When the stored
   * scenario no longer checks, answers 422 with the form showing why, and gives null.
   */
  async function openForEdit(request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply): Promise<{ user: User; stored: StoredScenario; scenario: Scenario } | null> {
    const user = authorise(request, 'workforce.plan');
    const stored = await scenarioOr404(store, request.params.id);
    changeableOr403(stored, user);
    const checked = await checkStored(store, stored);
    if ('issues' in checked) {
      reply.code(422).render('pages/plan/edit.njk', { scenario: stored, issues: checked.issues, broken: true, errors: checked.issues });
      return null;
    }
    return { user, stored, scenario: checked.scenario };
  }

  app.get('/plan/scenarios/:id/edit', { config: { access: 'workforce.plan' } }, async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
    const opened = await openForEdit(request, reply);
    if (opened === null) return reply;
    return render(request, reply, opened.stored, opened.scenario);
  });

  app.post('/plan/scenarios/:id/edit', { config: { access: 'workforce.plan' } }, async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
    const t = request.t;
    const opened = await openForEdit(request, reply);
    if (opened === null) return reply;
    const { user, stored, scenario: s } = opened;
    const body = stringBody(request.body);
    const out: Parsed = { edits: [], errors: new Map(), order: [], changed: [] };
    const all = specs(s, t, request.lang);

    const name = (body['name'] ?? '').trim();
    if (name === '' || name.length > 200) {
      out.errors.set('name', t('workforce.edit.errors.name'));
      out.order.push('name');
    } else if (name !== s.name) {
      out.edits.push({ path: ['name'], value: name });
      out.changed.push('name');
    }
    // The Welsh name: optional (empty shows the English name on Welsh pages, and removes it from the file).
    const nameCy = (body['nameCy'] ?? '').trim();
    if (nameCy.length > 200) {
      out.errors.set('nameCy', t('workforce.edit.errors.nameCy'));
      out.order.push('nameCy');
    } else if (nameCy !== (s.nameCy ?? '')) {
      out.edits.push({ path: ['nameCy'], value: nameCy === '' ? undefined : nameCy });
      out.changed.push('nameCy');
    }
    for (const spec of all.top) collect(spec, body, t, out);
    const own = parseScenarioText(stored.source, `${stored.slug}.${stored.format}`).data as Record<string, unknown>;
    const kinds: Record<string, string> = {};
    for (const r of all.roles) {
      collect(r.attrition, body, t, out);
      const kindId = `role-${r.id}-recruitmentKind`;
      const kind = body[kindId];
      kinds[r.id] = kind ?? '';
      if (kind !== 'perYear' && kind !== 'rate') {
        out.errors.set(kindId, t('workforce.edit.errors.recruitmentKind', { field: t('workforce.edit.fieldOf', { field: t('workforce.edit.recruitment'), owner: r.legend }) }));
        out.order.push(kindId);
        continue;
      }
      const spec = r.recruitment[r.recruitKind];
      if (kind === r.recruitKind) {
        collect(spec, body, t, out);
      } else if (typeof own['extends'] === 'string') {
        // Objects merge field by field over a base, so a base's other kind would stay beside the new one.
        out.errors.set(kindId, t('workforce.edit.errors.recruitmentKindExtends', { field: t('workforce.edit.fieldOf', { field: t('workforce.edit.recruitment'), owner: r.legend }) }));
        out.order.push(kindId);
      } else {
        collect(spec, body, t, out, { range: kind === 'rate' ? RATE : AMOUNT, force: true, path: ['roles', { match: { id: r.id } }, 'recruitment'], wrap: (raw) => ({ [kind]: raw }) });
      }
    }
    for (const g of all.pipelines) for (const spec of g.params) collect(spec, body, t, out);

    if (out.errors.size > 0) {
      const summary = out.order.map((id) => ({ text: out.errors.get(id) ?? '', href: `#${id}` }));
      return render(request, reply, stored, s, { submitted: body, errors: out.errors, summary, kinds }, 400);
    }
    if (out.edits.length === 0) return reply.redirect(localPath(request.lang, `/plan/scenarios/${stored.id}?saved=unchanged`), 303);

    const source = editScenarioText(stored.source, stored.format, out.edits);
    const again = await check(store, source, `${stored.slug}.${stored.format}`);
    if ('issues' in again) {
      // An issue the whole-scenario check finds goes by the field it is about (a range's first number), when the form has it.
      const firstInput = new Map([...all.top, ...all.roles.flatMap((r) => [r.attrition, r.recruitment[r.recruitKind]]), ...all.pipelines.flatMap((g) => g.params)]
        .map((spec) => [spec.id, inputId(spec, PARTS[spec.current?.kind ?? 'fixed'][0] ?? 'value')]));
      const errors = new Map<string, string>();
      const summary = again.issues.map((issue) => {
        const spec = fieldOfIssue(issue, s);
        const field = spec === undefined ? undefined : firstInput.get(spec);
        const message = `${issue.path === '' ? t('workforce.topLevel') : issue.path}: ${issue.message}`;
        if (field !== undefined && !errors.has(field)) errors.set(field, message);
        return { text: message, href: `#${field ?? 'edit-form'}` };
      });
      return render(request, reply, stored, s, { submitted: body, errors, summary, kinds }, 422);
    }
    const saved = await store.saveVersion(stored.id, {
      name: again.scenario.name, format: stored.format, source, expectedVersion: Number(body['version'] ?? stored.version),
      audit: { action: 'workforce.scenario.edit', detail: { changed: out.changed } },
    }, user.id, actorOf(user));
    return reply.redirect(localPath(request.lang, `/plan/scenarios/${saved.id}?saved=${saved.version}`), 303);
  });

  // The pool of possible trainees from insights: the figure, and the field filled when it may be shown. Saves nothing.
  app.post('/plan/scenarios/:id/edit/trainee-pool', { config: { access: 'workforce.plan' } }, async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
    const t = request.t;
    const opened = await openForEdit(request, reply);
    if (opened === null) return reply;
    const { user, stored, scenario: s } = opened;
    const id = stringBody(request.body)['pipeline'] ?? '';
    const pipeline = s.pipelines.find((p) => p.id === id);
    if (pipeline === undefined) {
      const text = t('workforce.edit.poolUnknownPipeline', { pipeline: id });
      return render(request, reply, stored, s, { summary: [{ text, href: '#edit-form' }] }, 400);
    }
    const figure = await traineePoolFromInsights(app.database.db, pipeline.role);
    await AuditStore.create(app.database.db).add({
      actorUserId: user.id, action: 'workforce.scenario.trainee-pool-from-insights', entityType: 'workforce_scenario', entityId: stored.id,
      after: { pipeline: pipeline.id, role: pipeline.role, shown: figure.state, ...(figure.state === 'shown' ? { count: figure.count } : {}), asAt: figure.asAt },
    });
    const fieldId = `pipeline-${pipeline.id}-traineePool`;
    return render(request, reply, stored, s, {
      pools: { [pipeline.id]: poolText(figure, pipeline.role, t, request.lang) },
      ...(figure.state === 'shown' ? { submitted: { [fieldId]: String(figure.count) } } : {}),
    });
  });
}

/** What insights said about a pipeline's pool, in the page's language. */
function poolText(figure: TraineePoolFigure, role: string, t: Translate, lang: 'en' | 'cy'): string {
  const date = dayLabel(figure.asAt, lang);
  switch (figure.state) {
    case 'shown': return t('workforce.edit.poolShown', { count: figure.count, date });
    case 'small': return t('workforce.edit.poolSmall', { date });
    case 'withheld': return t('workforce.edit.poolWithheld', { date });
    case 'unmapped': return t('workforce.edit.poolUnmapped', { role });
  }
}
