// What the LRS does to a valid statement before storing it, and the values it
// indexes: the inverse functional identifier of agents, the activities and agents
// a statement relates to, and the three output formats. Pure.

import { VOIDED_VERB, type XapiVersion } from './validate.js';

export type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The one key that identifies an agent or identified group: 'mbox:mailto:x@y', 'account:home|name'… */
export function agentKey(agent: unknown): string | null {
  const key = rawAgentKey(agent);
  // NUL cannot be stored in a PostgreSQL text column; keep the key printable.
  return key === null ? null : key.replaceAll('\u0000', '\\u0000');
}

function rawAgentKey(agent: unknown): string | null {
  if (!isObject(agent)) return null;
  if (typeof agent['mbox'] === 'string') return `mbox:${agent['mbox'].toLowerCase()}`;
  if (typeof agent['mbox_sha1sum'] === 'string') return `sha1:${agent['mbox_sha1sum'].toLowerCase()}`;
  if (typeof agent['openid'] === 'string') return `openid:${agent['openid']}`;
  const account = agent['account'];
  if (isObject(account) && typeof account['homePage'] === 'string' && typeof account['name'] === 'string') {
    return `account:${account['homePage']}|${account['name']}`;
  }
  return null;
}

/** Timestamps in UTC with millisecond precision, as both versions accept. */
export function normaliseTimestamp(value: string): string {
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(value);
  return new Date(hasZone ? value : `${value}Z`).toISOString();
}

export interface Prepared {
  readonly id: string;
  readonly statement: Json;
}

/** A context whose contextActivities values are all arrays (a single activity becomes a list of one). */
function contextWithActivityLists(context: unknown): unknown {
  if (!isObject(context) || !isObject(context['contextActivities'])) return context;
  const ca = context['contextActivities'];
  if (Object.values(ca).every(Array.isArray)) return context;
  return { ...context, contextActivities: Object.fromEntries(Object.entries(ca).map(([k, v]) => [k, Array.isArray(v) ? v : [v]])) };
}

/**
 * A statement (or sub-statement) with every contextActivities value an array,
 * as the LRS must return it (1.0.3 Data 2.4.6.2, 2.0.0 §4.2.4.2): its own
 * context and a sub-statement object's context. Other values are left as they are.
 */
export function withActivityLists(statement: Json): Json {
  let out = statement;
  if (statement['context'] !== undefined) {
    const context = contextWithActivityLists(statement['context']);
    if (context !== statement['context']) out = { ...out, context };
  }
  const obj = statement['object'];
  if (isObject(obj) && obj['objectType'] === 'SubStatement') {
    const sub = withActivityLists(obj);
    if (sub !== obj) out = { ...out, object: sub };
  }
  return out;
}

/**
 * The statement as the LRS stores it: id generated when absent, stored and
 * authority set by the LRS, version set when absent, timestamp normalised to UTC
 * and defaulted to stored, every contextActivities value an array.
 */
export function prepareStatement(input: Json, options: { id: string; stored: Date; authority: Json; version: XapiVersion }): Prepared {
  const statement: Json = { ...withActivityLists(input), id: options.id };
  const stored = options.stored.toISOString();
  statement['timestamp'] = typeof input['timestamp'] === 'string' ? normaliseTimestamp(input['timestamp']) : stored;
  statement['stored'] = stored;
  statement['authority'] = options.authority;
  statement['version'] = typeof input['version'] === 'string' ? input['version'] : (options.version === '2.0.0' ? '2.0.0' : '1.0.0');
  const obj = statement['object'];
  if (isObject(obj) && obj['objectType'] === 'SubStatement' && typeof obj['timestamp'] === 'string') {
    statement['object'] = { ...obj, timestamp: normaliseTimestamp(obj['timestamp']) };
  }
  return { id: options.id, statement };
}

export function isVoiding(statement: Json): boolean {
  return isObject(statement['verb']) && statement['verb']['id'] === VOIDED_VERB;
}

/** The statement a voiding statement voids. */
export function voidedTarget(statement: Json): string | null {
  const obj = statement['object'];
  return isVoiding(statement) && isObject(obj) && typeof obj['id'] === 'string' ? obj['id'].toLowerCase() : null;
}

/**
 * The kinds of index entry a statement has, one per value a query filter can
 * match (see migration 0005): 'a' the actor or the object when it is an agent or
 * group (the agent filter), 'a+' every other agent it relates to (related_agents
 * adds these), 'v' the verb, 't' the object activity (the activity filter), 't+'
 * every other activity it relates to (related_activities adds these), 'r' the
 * registration.
 */
export const LINK_KINDS = { agent: 'a', relatedAgent: 'a+', verb: 'v', activity: 't', relatedActivity: 't+', registration: 'r' } as const;
export type LinkKind = (typeof LINK_KINDS)[keyof typeof LINK_KINDS];
export type Link = readonly [kind: LinkKind, value: string];

const ALL_KINDS: ReadonlySet<string> = new Set(Object.values(LINK_KINDS));

export function isLinkKind(value: unknown): value is LinkKind {
  return typeof value === 'string' && ALL_KINDS.has(value);
}

export interface Indexed {
  readonly actorKey: string | null;
  readonly objectActivityId: string | null;
  /** The statement a StatementRef object targets (lower case), or null. */
  readonly objectStatementRef: string | null;
  /** The statement's own index entries (not what it inherits from a target). */
  readonly links: readonly Link[];
}

function activityIds(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.filter(isObject).map((a) => a['id']).filter((id): id is string => typeof id === 'string');
}

function collect(statement: Json, activities: Set<string>, agents: Set<string>): void {
  const addAgent = (a: unknown): void => {
    const key = agentKey(a);
    if (key !== null) agents.add(key);
    if (isObject(a) && Array.isArray(a['member'])) for (const m of a['member']) addAgent(m);
  };
  addAgent(statement['actor']);
  const obj = statement['object'];
  if (isObject(obj)) {
    const type = obj['objectType'];
    if (type === undefined || type === 'Activity') { if (typeof obj['id'] === 'string') activities.add(obj['id']); }
    else if (type === 'Agent' || type === 'Group') addAgent(obj);
    else if (type === 'SubStatement') collect(obj, activities, agents);
  }
  const context = statement['context'];
  if (isObject(context)) {
    addAgent(context['instructor']);
    addAgent(context['team']);
    const ca = context['contextActivities'];
    if (isObject(ca)) for (const v of Object.values(ca)) for (const id of activityIds(v)) activities.add(id);
    for (const item of Array.isArray(context['contextAgents']) ? context['contextAgents'] : []) if (isObject(item)) addAgent(item['agent']);
    for (const item of Array.isArray(context['contextGroups']) ? context['contextGroups'] : []) if (isObject(item)) addAgent(item['group']);
  }
  addAgent(statement['authority']);
}

export function indexStatement(statement: Json): Indexed {
  const obj = isObject(statement['object']) ? statement['object'] : {};
  const type = obj['objectType'];
  const context = isObject(statement['context']) ? statement['context'] : {};
  const activities = new Set<string>();
  const agents = new Set<string>();
  collect(statement, activities, agents);
  const actorKey = agentKey(statement['actor']);
  const objectActivityId = (type === undefined || type === 'Activity') && typeof obj['id'] === 'string' ? obj['id'] : null;
  const objectAgentKey = type === 'Agent' || type === 'Group' ? agentKey(obj) : null;
  const links: Link[] = [];
  const direct = new Set<string>();
  for (const key of [actorKey, objectAgentKey]) {
    if (key !== null && !direct.has(key)) { direct.add(key); links.push([LINK_KINDS.agent, key]); }
  }
  for (const key of agents) if (!direct.has(key)) links.push([LINK_KINDS.relatedAgent, key]);
  if (isObject(statement['verb']) && typeof statement['verb']['id'] === 'string') links.push([LINK_KINDS.verb, statement['verb']['id']]);
  if (objectActivityId !== null) links.push([LINK_KINDS.activity, objectActivityId]);
  for (const id of activities) if (id !== objectActivityId) links.push([LINK_KINDS.relatedActivity, id]);
  if (typeof context['registration'] === 'string') links.push([LINK_KINDS.registration, context['registration'].toLowerCase()]);
  return {
    actorKey,
    objectActivityId,
    objectStatementRef: type === 'StatementRef' && typeof obj['id'] === 'string' ? obj['id'].toLowerCase() : null,
    links,
  };
}

const key = (link: Link): string => `${link[0]} ${link[1]}`;

/**
 * A statement's own entries with those it inherits from the statement it
 * targets, without repeats; a value matched directly ('a', 't') is not repeated
 * as merely related ('a+', 't+').
 */
export function mergeLinks(own: readonly Link[], inherited: readonly Link[]): Link[] {
  const seen = new Set<string>();
  const out: Link[] = [];
  for (const link of [...own, ...inherited]) {
    const k = key(link);
    if (!seen.has(k)) { seen.add(k); out.push(link); }
  }
  return out.filter(([kind, value]) => !((kind === LINK_KINDS.relatedAgent && seen.has(`${LINK_KINDS.agent} ${value}`))
    || (kind === LINK_KINDS.relatedActivity && seen.has(`${LINK_KINDS.activity} ${value}`))));
}

/** The entries in a but not in b. */
export function linksMissing(a: readonly Link[], b: readonly Link[]): Link[] {
  const inB = new Set(b.map(key));
  return a.filter((link) => !inB.has(key(link)));
}

/** What a statement query asks for, before paging. */
export interface StatementFilter {
  /** Agent key (see agentKey). */
  readonly agent?: string;
  readonly verb?: string;
  readonly activity?: string;
  readonly registration?: string;
  readonly relatedActivities?: boolean;
  readonly relatedAgents?: boolean;
}

/** One condition of a query: a statement meets it when it has an entry of one of the kinds with this value. */
export interface Condition {
  readonly kinds: readonly LinkKind[];
  readonly value: string;
}

/** The conditions a filter makes, all of which a statement must meet. */
export function conditionsOf(filter: StatementFilter): Condition[] {
  const out: Condition[] = [];
  if (filter.registration !== undefined) out.push({ kinds: [LINK_KINDS.registration], value: filter.registration.toLowerCase() });
  if (filter.agent !== undefined) out.push({ kinds: filter.relatedAgents === true ? [LINK_KINDS.agent, LINK_KINDS.relatedAgent] : [LINK_KINDS.agent], value: filter.agent });
  if (filter.activity !== undefined) out.push({ kinds: filter.relatedActivities === true ? [LINK_KINDS.activity, LINK_KINDS.relatedActivity] : [LINK_KINDS.activity], value: filter.activity });
  if (filter.verb !== undefined) out.push({ kinds: [LINK_KINDS.verb], value: filter.verb });
  return out;
}

/** Whether a statement with these entries meets every condition (the rule the queries apply through indexes). */
export function meetsConditions(links: readonly Link[], conditions: readonly Condition[]): boolean {
  const have = new Set(links.map(key));
  return conditions.every((c) => c.kinds.some((kind) => have.has(`${kind} ${c.value}`)));
}

function idsOnlyAgent(agent: unknown): unknown {
  if (!isObject(agent)) return agent;
  const out: Json = {};
  if (agent['objectType'] !== undefined) out['objectType'] = agent['objectType'];
  for (const k of ['mbox', 'mbox_sha1sum', 'openid', 'account']) if (agent[k] !== undefined) { out[k] = agent[k]; break; }
  if (agentKey(agent) === null && Array.isArray(agent['member'])) out['member'] = agent['member'].map(idsOnlyAgent);
  return out;
}

/** An activity reduced to its id: objectType is not needed to identify it (the position says it is an activity). */
function idsOnlyActivity(a: unknown): unknown {
  return isObject(a) ? { id: a['id'] } : a;
}

/** format=ids: agents, activities and verbs reduced to their identifiers. */
export function formatIds(statement: Json): Json {
  const out: Json = { ...statement };
  out['actor'] = idsOnlyAgent(statement['actor']);
  if (isObject(statement['verb'])) out['verb'] = { id: statement['verb']['id'] };
  const obj = statement['object'];
  if (isObject(obj)) {
    const t = obj['objectType'];
    if (t === undefined || t === 'Activity') out['object'] = idsOnlyActivity(obj);
    else if (t === 'Agent' || t === 'Group') out['object'] = idsOnlyAgent(obj);
    else if (t === 'SubStatement') out['object'] = formatIds(obj);
  }
  if (statement['authority'] !== undefined) out['authority'] = idsOnlyAgent(statement['authority']);
  const context = statement['context'];
  if (isObject(context)) {
    const c: Json = { ...context };
    if (context['instructor'] !== undefined) c['instructor'] = idsOnlyAgent(context['instructor']);
    if (context['team'] !== undefined) c['team'] = idsOnlyAgent(context['team']);
    if (isObject(context['contextActivities'])) {
      c['contextActivities'] = Object.fromEntries(Object.entries(context['contextActivities']).map(([k, v]) => [k, (Array.isArray(v) ? v : [v]).map(idsOnlyActivity)]));
    }
    out['context'] = c;
  }
  return out;
}

/** Pick one entry of a language map for the preferred languages (Accept-Language order). */
function pickLanguage(map: Json, preferred: readonly string[]): Json {
  const keys = Object.keys(map);
  if (keys.length <= 1) return map;
  for (const want of preferred) {
    const lower = want.toLowerCase();
    const hit = keys.find((k) => k.toLowerCase() === lower) ?? keys.find((k) => k.toLowerCase().split('-')[0] === lower.split('-')[0]);
    if (hit !== undefined) return { [hit]: map[hit] };
  }
  const first = keys[0] as string;
  return { [first]: map[first] };
}

const LANGUAGE_MAP_KEYS = new Set(['display', 'name', 'description']);

/** format=canonical: every language map reduced to one language. */
export function formatCanonical(value: unknown, preferred: readonly string[]): unknown {
  if (Array.isArray(value)) return value.map((v) => formatCanonical(v, preferred));
  if (!isObject(value)) return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) {
    if (LANGUAGE_MAP_KEYS.has(k) && isObject(v) && Object.values(v).every((x) => typeof x === 'string')) out[k] = pickLanguage(v, preferred);
    else if (k === 'extensions') out[k] = v;
    else out[k] = formatCanonical(v, preferred);
  }
  return out;
}

/**
 * A duration as compared (1.0.3 Data 4.6, 2.0.0 §4.2.7): seconds cut to 0.01 s
 * and written without trailing zeros, so `PT0.1237S`, `PT0.12S` and `PT0.120S`
 * compare equal. Anything that is not a duration is left as it is.
 */
export function comparableDuration(value: string): string {
  return value.replace(/(\d+)(?:[.,](\d*))?S$/, (_m, whole: string, fraction: string | undefined) => {
    const kept = (fraction ?? '').slice(0, 2).replace(/0+$/, '');
    return `${String(Number(whole))}${kept === '' ? '' : `.${kept}`}S`;
  });
}

function withComparableDuration(s: Json): Json {
  let out = s;
  const result = s['result'];
  if (isObject(result) && typeof result['duration'] === 'string') out = { ...out, result: { ...result, duration: comparableDuration(result['duration']) } };
  const obj = s['object'];
  if (isObject(obj) && obj['objectType'] === 'SubStatement') {
    const sub = withComparableDuration(obj);
    if (sub !== obj) out = { ...out, object: sub };
  }
  return out;
}

/**
 * Two statements with the same id are the same statement if they agree, ignoring
 * what the LRS sets, and durations beyond 0.01 s (the precision the
 * specification compares them to; also used for a statement and its signature).
 */
export function sameStatement(a: Json, b: Json): boolean {
  const withTime = typeof a['timestamp'] === 'string';
  const strip = (s: Json): Json => {
    const rest: Json = { ...withComparableDuration(withActivityLists(s)) };
    for (const key of ['stored', 'authority', 'version', 'id', 'timestamp']) Reflect.deleteProperty(rest, key);
    const timestamp = s['timestamp'];
    return withTime && typeof timestamp === 'string' ? { ...rest, timestamp: normaliseTimestamp(timestamp) } : rest;
  };
  return canonicalJson(strip(a)) === canonicalJson(strip(b));
}

/** JSON with object keys sorted, for comparing documents. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObject(value)) return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  return value === undefined ? 'null' : JSON.stringify(value);
}
