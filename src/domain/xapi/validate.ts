// The xAPI statement data model (1.0.3 and 2.0.0, IEEE 9274.1.1), checked to the
// letter: every property known to the spec, and nothing else, in the place the
// spec allows it. A problem names the rule broken and the JSON path, so that a
// 400 can say exactly what failed. Pure: no I/O.

export type XapiVersion = '1.0.3' | '2.0.0';

export interface Problem {
  /** A short, stable rule name, e.g. 'agent.ifi', 'iri', 'unknown-property'. */
  readonly rule: string;
  /** JSON path of the value, e.g. '$.actor.mbox'. */
  readonly path: string;
  readonly message: string;
}

type Json = Record<string, unknown>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SCHEME = /^[a-z][a-z0-9+.-]*:/i;
// RFC 5646 language tag, valid and not merely well formed: the primary language
// subtag is 2–3 letters (with up to three extended subtags), private use (x-…) or
// grandfathered (i-…). A primary subtag of 4 letters is reserved for future use
// and one of 5–8 letters would have to be registered, and the IANA registry holds
// none, so "test" or "abcde" is no language.
const LANG_TAG = /^(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|x(?:-[a-z0-9]{1,8})+|i-[a-z]{1,8})(?:-[a-z]{4})?(?:-(?:[a-z]{2}|[0-9]{3}))?(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*(?:-[0-9a-wy-z](?:-[a-z0-9]{2,8})+)*(?:-x(?:-[a-z0-9]{1,8})+)?$/i;
const SHA1_HEX = /^[0-9a-f]{40}$/i;
const MBOX = /^mailto:[^@\s:/]+@[^@\s/]+\.[^@\s/]+$/i;
// ISO 8601 date-time, as RFC 3339 allows (timezone optional in 1.0.3; -00:00 never).
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/;
// ISO 8601 duration: PnYnMnDTnHnMnS (the last component may carry a fraction) or PnW.
const DURATION = /^P(?:(?=\d|T\d)(?:\d+(?:\.\d+)?Y)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?D)?(?:T(?=\d)(?:\d+(?:\.\d+)?H)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?S)?)?|\d+(?:\.\d+)?W)$/;
const VERSION = /^(1\.0(\.\d+)?|2\.0(\.\d+)?)$/;
const MEDIA_TYPE = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+(\s*;.*)?$/i;
const SHA2_HEX = /^[0-9a-f]{56}$|^[0-9a-f]{64}$|^[0-9a-f]{96}$|^[0-9a-f]{128}$/i;

export const INTERACTION_TYPES = ['true-false', 'choice', 'fill-in', 'long-fill-in', 'matching', 'performance', 'sequencing', 'likert', 'numeric', 'other'] as const;
const COMPONENT_LISTS = ['choices', 'scale', 'source', 'target', 'steps'] as const;
const ALLOWED_COMPONENTS: Readonly<Record<string, readonly string[]>> = {
  choice: ['choices'], sequencing: ['choices'], likert: ['scale'], matching: ['source', 'target'], performance: ['steps'],
  'true-false': [], 'fill-in': [], 'long-fill-in': [], numeric: [], other: [],
};

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

export function isIri(value: unknown): boolean {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what an IRI may not hold
  return typeof value === 'string' && SCHEME.test(value) && !/[\s<>"{}|\\^`\u0000-\u001f\u007f]/.test(value);
}

export function isLanguageTag(value: string): boolean {
  return LANG_TAG.test(value);
}

export function isDuration(value: string): boolean {
  return DURATION.test(value);
}

/** A timestamp the spec accepts: ISO 8601 with a real date and time, never offset -00:00; 2.0.0 demands the offset. */
export function isTimestamp(value: unknown, requireZone = false): value is string {
  if (typeof value !== 'string') return false;
  const m = TIMESTAMP.exec(value);
  if (m === null || (requireZone && m[8] === undefined)) return false;
  if (m[8] === '-00:00' || m[8] === '-0000') return false;
  const [month, day, hour, minute, second] = [m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return false;
  return !Number.isNaN(Date.parse(m[8] === undefined ? `${value}Z` : value));
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class Checker {
  readonly problems: Problem[] = [];
  constructor(readonly version: XapiVersion) {}

  add(rule: string, path: string, message: string): void {
    this.problems.push({ rule, path, message });
  }

  object(value: unknown, path: string, what: string): value is Json {
    if (isObject(value)) return true;
    this.add('type.object', path, `${what} must be a JSON object`);
    return false;
  }

  only(value: Json, path: string, allowed: readonly string[]): void {
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) this.add('unknown-property', `${path}.${key}`, `"${key}" is not allowed here`);
    }
  }

  required(value: Json, path: string, keys: readonly string[]): void {
    for (const key of keys) {
      if (value[key] === undefined) this.add('required', `${path}.${key}`, `"${key}" is required`);
    }
  }

  string(value: unknown, path: string): value is string {
    if (typeof value === 'string') return true;
    this.add('type.string', path, 'must be a string');
    return false;
  }

  iri(value: unknown, path: string): void {
    if (!isIri(value)) this.add('iri', path, 'must be an IRI (absolute, with a scheme)');
  }

  uuid(value: unknown, path: string): void {
    if (!isUuid(value)) this.add('uuid', path, 'must be a UUID');
  }

  bool(value: unknown, path: string): void {
    if (typeof value !== 'boolean') this.add('type.boolean', path, 'must be true or false');
  }

  number(value: unknown, path: string): value is number {
    if (typeof value === 'number' && Number.isFinite(value)) return true;
    this.add('type.number', path, 'must be a number');
    return false;
  }

  languageMap(value: unknown, path: string): void {
    if (!this.object(value, path, 'a language map')) return;
    for (const [tag, text] of Object.entries(value)) {
      if (!isLanguageTag(tag)) this.add('language-map.tag', `${path}.${tag}`, `"${tag}" is not an RFC 5646 language tag`);
      if (typeof text !== 'string') this.add('language-map.value', `${path}.${tag}`, 'a language map value must be a string');
    }
  }

  extensions(value: unknown, path: string): void {
    if (!this.object(value, path, 'extensions')) return;
    for (const key of Object.keys(value)) {
      if (!isIri(key)) this.add('extensions.key', `${path}.${key}`, 'an extension key must be an IRI');
    }
  }

  /** Exactly one inverse functional identifier (mbox, mbox_sha1sum, openid, account). */
  ifis(value: Json, path: string): number {
    let count = 0;
    if (value['mbox'] !== undefined) {
      count += 1;
      if (typeof value['mbox'] !== 'string' || !MBOX.test(value['mbox'])) this.add('agent.mbox', `${path}.mbox`, 'mbox must be a mailto: IRI with one email address');
    }
    if (value['mbox_sha1sum'] !== undefined) {
      count += 1;
      if (typeof value['mbox_sha1sum'] !== 'string' || !SHA1_HEX.test(value['mbox_sha1sum'])) this.add('agent.mbox_sha1sum', `${path}.mbox_sha1sum`, 'mbox_sha1sum must be 40 hexadecimal characters');
    }
    if (value['openid'] !== undefined) {
      count += 1;
      this.iri(value['openid'], `${path}.openid`);
    }
    if (value['account'] !== undefined) {
      count += 1;
      const account = value['account'];
      const p = `${path}.account`;
      if (this.object(account, p, 'an account')) {
        this.only(account, p, ['homePage', 'name']);
        this.required(account, p, ['homePage', 'name']);
        if (account['homePage'] !== undefined) this.iri(account['homePage'], `${p}.homePage`);
        if (account['name'] !== undefined) this.string(account['name'], `${p}.name`);
      }
    }
    return count;
  }

  agent(value: unknown, path: string): void {
    if (!this.object(value, path, 'an agent')) return;
    this.only(value, path, ['objectType', 'name', 'mbox', 'mbox_sha1sum', 'openid', 'account']);
    if (value['objectType'] !== undefined && value['objectType'] !== 'Agent') this.add('agent.objectType', `${path}.objectType`, 'objectType must be "Agent"');
    if (value['name'] !== undefined) this.string(value['name'], `${path}.name`);
    if (this.ifis(value, path) !== 1) this.add('agent.ifi', path, 'an agent must have exactly one of mbox, mbox_sha1sum, openid, account');
  }

  group(value: unknown, path: string): void {
    if (!this.object(value, path, 'a group')) return;
    this.only(value, path, ['objectType', 'name', 'mbox', 'mbox_sha1sum', 'openid', 'account', 'member']);
    if (value['objectType'] !== 'Group') this.add('group.objectType', `${path}.objectType`, 'a group must have objectType "Group"');
    if (value['name'] !== undefined) this.string(value['name'], `${path}.name`);
    const count = this.ifis(value, path);
    if (count > 1) this.add('group.ifi', path, 'a group may have at most one inverse functional identifier');
    const member = value['member'];
    if (member === undefined) {
      if (count === 0) this.add('group.anonymous-member', `${path}.member`, 'an anonymous group must list its members');
      return;
    }
    if (!Array.isArray(member)) {
      this.add('type.array', `${path}.member`, 'member must be an array of agents');
      return;
    }
    if (count === 0 && member.length === 0) this.add('group.anonymous-member', `${path}.member`, 'an anonymous group must list its members');
    member.forEach((m, i) => {
      if (isObject(m) && m['objectType'] === 'Group') this.add('group.member', `${path}.member[${i}]`, 'a group member must be an agent, not a group');
      else this.agent(m, `${path}.member[${i}]`);
    });
  }

  actor(value: unknown, path: string): void {
    if (isObject(value) && value['objectType'] === 'Group') this.group(value, path);
    else this.agent(value, path);
  }

  /**
   * A statement's authority: an agent, or (the OAuth consumer and user pairing)
   * an anonymous group of exactly two agents. Checked although the LRS then sets
   * its own authority: a malformed one is refused, not silently replaced.
   */
  authority(value: unknown, path: string): void {
    this.actor(value, path);
    if (!isObject(value) || value['objectType'] !== 'Group') return;
    if (['mbox', 'mbox_sha1sum', 'openid', 'account'].some((k) => value[k] !== undefined)) {
      this.add('authority.group', path, 'an authority that is a group must be an anonymous group (no mbox, mbox_sha1sum, openid or account)');
    }
    const member = value['member'];
    if (!Array.isArray(member) || member.length !== 2) this.add('authority.group', `${path}.member`, 'an authority that is a group must have exactly two agents as members');
  }

  verb(value: unknown, path: string): void {
    if (!this.object(value, path, 'a verb')) return;
    this.only(value, path, ['id', 'display']);
    this.required(value, path, ['id']);
    if (value['id'] !== undefined) this.iri(value['id'], `${path}.id`);
    if (value['display'] !== undefined) this.languageMap(value['display'], `${path}.display`);
  }

  components(value: unknown, path: string): void {
    if (!Array.isArray(value)) {
      this.add('type.array', path, 'must be an array of interaction components');
      return;
    }
    const seen = new Set<string>();
    value.forEach((c, i) => {
      const p = `${path}[${i}]`;
      if (!this.object(c, p, 'an interaction component')) return;
      this.only(c, p, ['id', 'description']);
      this.required(c, p, ['id']);
      if (c['id'] !== undefined && this.string(c['id'], `${p}.id`)) {
        if (seen.has(c['id'])) this.add('interaction.component-id', `${p}.id`, 'interaction component ids must be unique within the list');
        seen.add(c['id']);
      }
      if (c['description'] !== undefined) this.languageMap(c['description'], `${p}.description`);
    });
  }

  definition(value: unknown, path: string): void {
    if (!this.object(value, path, 'an activity definition')) return;
    // An empty definition is a SHOULD NOT for the sender, not a MUST for the LRS: accepted (issue 13).
    this.only(value, path, ['name', 'description', 'type', 'moreInfo', 'extensions', 'interactionType', 'correctResponsesPattern', ...COMPONENT_LISTS]);
    if (value['name'] !== undefined) this.languageMap(value['name'], `${path}.name`);
    if (value['description'] !== undefined) this.languageMap(value['description'], `${path}.description`);
    if (value['type'] !== undefined) this.iri(value['type'], `${path}.type`);
    if (value['moreInfo'] !== undefined) this.iri(value['moreInfo'], `${path}.moreInfo`);
    if (value['extensions'] !== undefined) this.extensions(value['extensions'], `${path}.extensions`);
    const interactionType = value['interactionType'];
    if (interactionType !== undefined && (typeof interactionType !== 'string' || !(INTERACTION_TYPES as readonly string[]).includes(interactionType))) {
      this.add('interaction.type', `${path}.interactionType`, `interactionType must be one of ${INTERACTION_TYPES.join(', ')}`);
    }
    const crp = value['correctResponsesPattern'];
    if (crp !== undefined) {
      if (interactionType === undefined) this.add('interaction.requires-type', `${path}.correctResponsesPattern`, 'correctResponsesPattern needs an interactionType');
      if (!Array.isArray(crp) || crp.some((r) => typeof r !== 'string')) this.add('interaction.correct-responses', `${path}.correctResponsesPattern`, 'correctResponsesPattern must be an array of strings');
    }
    const allowed = typeof interactionType === 'string' ? ALLOWED_COMPONENTS[interactionType] : undefined;
    for (const list of COMPONENT_LISTS) {
      if (value[list] === undefined) continue;
      if (interactionType === undefined) this.add('interaction.requires-type', `${path}.${list}`, `${list} needs an interactionType`);
      else if (allowed !== undefined && !allowed.includes(list)) this.add('interaction.components', `${path}.${list}`, `${list} is not allowed for this interactionType`);
      this.components(value[list], `${path}.${list}`);
    }
  }

  activity(value: Json, path: string): void {
    this.only(value, path, ['objectType', 'id', 'definition']);
    this.required(value, path, ['id']);
    if (value['id'] !== undefined) this.iri(value['id'], `${path}.id`);
    if (value['definition'] !== undefined) this.definition(value['definition'], `${path}.definition`);
  }

  statementRef(value: Json, path: string): void {
    this.only(value, path, ['objectType', 'id']);
    this.required(value, path, ['id']);
    if (value['id'] !== undefined) this.uuid(value['id'], `${path}.id`);
  }

  object_(value: unknown, path: string, inSubStatement: boolean): void {
    if (!this.object(value, path, 'the object')) return;
    const type = value['objectType'];
    switch (type) {
      case undefined:
      case 'Activity':
        this.activity(value, path);
        return;
      case 'Agent':
        this.agent(value, path);
        return;
      case 'Group':
        this.group(value, path);
        return;
      case 'StatementRef':
        this.statementRef(value, path);
        return;
      case 'SubStatement':
        if (inSubStatement) {
          this.add('substatement.nested', path, 'a sub-statement cannot contain a sub-statement');
          return;
        }
        this.body(value, path, true);
        return;
      default:
        this.add('object.objectType', `${path}.objectType`, 'objectType must be Activity, Agent, Group, StatementRef or SubStatement');
    }
  }

  score(value: unknown, path: string): void {
    if (!this.object(value, path, 'a score')) return;
    this.only(value, path, ['scaled', 'raw', 'min', 'max']);
    const n = (k: string): number | undefined => (value[k] !== undefined && this.number(value[k], `${path}.${k}`) ? value[k] : undefined);
    const scaled = n('scaled');
    const raw = n('raw');
    const min = n('min');
    const max = n('max');
    if (scaled !== undefined && (scaled < -1 || scaled > 1)) this.add('score.scaled', `${path}.scaled`, 'scaled must be between -1 and 1');
    if (min !== undefined && max !== undefined && !(min < max)) this.add('score.min-max', `${path}.max`, 'max must be greater than min');
    if (raw !== undefined && min !== undefined && raw < min) this.add('score.raw', `${path}.raw`, 'raw must not be less than min');
    if (raw !== undefined && max !== undefined && raw > max) this.add('score.raw', `${path}.raw`, 'raw must not be greater than max');
  }

  result(value: unknown, path: string): void {
    if (!this.object(value, path, 'a result')) return;
    this.only(value, path, ['score', 'success', 'completion', 'response', 'duration', 'extensions']);
    if (value['score'] !== undefined) this.score(value['score'], `${path}.score`);
    if (value['success'] !== undefined) this.bool(value['success'], `${path}.success`);
    if (value['completion'] !== undefined) this.bool(value['completion'], `${path}.completion`);
    if (value['response'] !== undefined) this.string(value['response'], `${path}.response`);
    if (value['duration'] !== undefined && (typeof value['duration'] !== 'string' || !isDuration(value['duration']))) {
      this.add('duration', `${path}.duration`, 'duration must be an ISO 8601 duration such as PT1H30M');
    }
    if (value['extensions'] !== undefined) this.extensions(value['extensions'], `${path}.extensions`);
  }

  activityOrList(value: unknown, path: string): void {
    const list = Array.isArray(value) ? value : [value];
    list.forEach((a, i) => {
      const p = Array.isArray(value) ? `${path}[${i}]` : path;
      if (!this.object(a, p, 'an activity')) return;
      if (a['objectType'] !== undefined && a['objectType'] !== 'Activity') this.add('context.activity', `${p}.objectType`, 'context activities must be activities');
      this.activity(a, p);
    });
  }

  relevantTypes(value: unknown, path: string): void {
    if (!Array.isArray(value) || value.length === 0) {
      this.add('context.relevant-types', path, 'relevantTypes must be a non-empty array of IRIs');
      return;
    }
    value.forEach((v, i) => { this.iri(v, `${path}[${i}]`); });
  }

  context(value: unknown, path: string, objectIsActivity: boolean): void {
    if (!this.object(value, path, 'a context')) return;
    const allowed = ['registration', 'instructor', 'team', 'contextActivities', 'revision', 'platform', 'language', 'statement', 'extensions'];
    if (this.version === '2.0.0') allowed.push('contextAgents', 'contextGroups');
    this.only(value, path, allowed);
    if (value['registration'] !== undefined) this.uuid(value['registration'], `${path}.registration`);
    if (value['instructor'] !== undefined) this.actor(value['instructor'], `${path}.instructor`);
    if (value['team'] !== undefined) {
      if (isObject(value['team']) && value['team']['objectType'] !== 'Group') this.add('context.team', `${path}.team`, 'team must be a group');
      else this.group(value['team'], `${path}.team`);
    }
    const ca = value['contextActivities'];
    if (ca !== undefined && this.object(ca, `${path}.contextActivities`, 'contextActivities')) {
      this.only(ca, `${path}.contextActivities`, ['parent', 'grouping', 'category', 'other']);
      // Empty contextActivities are accepted, like an empty definition (issue 13).
      for (const [k, v] of Object.entries(ca)) {
        if (['parent', 'grouping', 'category', 'other'].includes(k)) this.activityOrList(v, `${path}.contextActivities.${k}`);
      }
    }
    for (const k of ['revision', 'platform'] as const) {
      if (value[k] === undefined) continue;
      this.string(value[k], `${path}.${k}`);
      if (!objectIsActivity) this.add('context.activity-only', `${path}.${k}`, `${k} may only be used when the object is an activity`);
    }
    if (value['language'] !== undefined && (typeof value['language'] !== 'string' || !isLanguageTag(value['language']))) {
      this.add('context.language', `${path}.language`, 'language must be an RFC 5646 language tag');
    }
    const ref = value['statement'];
    if (ref !== undefined && this.object(ref, `${path}.statement`, 'a statement reference')) {
      if (ref['objectType'] !== 'StatementRef') this.add('context.statement', `${path}.statement.objectType`, 'context.statement must be a StatementRef');
      this.statementRef(ref, `${path}.statement`);
    }
    if (value['extensions'] !== undefined) this.extensions(value['extensions'], `${path}.extensions`);
    for (const [key, kind] of [['contextAgents', 'contextAgent'], ['contextGroups', 'contextGroup']] as const) {
      const list = value[key];
      if (list === undefined) continue;
      if (!Array.isArray(list)) {
        this.add('type.array', `${path}.${key}`, `${key} must be an array`);
        continue;
      }
      list.forEach((item, i) => {
        const p = `${path}.${key}[${i}]`;
        if (!this.object(item, p, `a ${kind}`)) return;
        const member = kind === 'contextAgent' ? 'agent' : 'group';
        this.only(item, p, ['objectType', member, 'relevantTypes']);
        if (item['objectType'] !== kind) this.add('context.objectType', `${p}.objectType`, `objectType must be "${kind}"`);
        if (kind === 'contextAgent') this.agent(item['agent'], `${p}.agent`);
        else this.group(item['group'], `${p}.group`);
        if (item['relevantTypes'] !== undefined) this.relevantTypes(item['relevantTypes'], `${p}.relevantTypes`);
      });
    }
  }

  attachments(value: unknown, path: string): void {
    if (!Array.isArray(value)) {
      this.add('type.array', path, 'attachments must be an array');
      return;
    }
    value.forEach((a, i) => {
      const p = `${path}[${i}]`;
      if (!this.object(a, p, 'an attachment')) return;
      this.only(a, p, ['usageType', 'display', 'description', 'contentType', 'length', 'sha2', 'fileUrl']);
      this.required(a, p, ['usageType', 'display', 'contentType', 'length', 'sha2']);
      if (a['usageType'] !== undefined) this.iri(a['usageType'], `${p}.usageType`);
      if (a['display'] !== undefined) this.languageMap(a['display'], `${p}.display`);
      if (a['description'] !== undefined) this.languageMap(a['description'], `${p}.description`);
      if (a['contentType'] !== undefined && (typeof a['contentType'] !== 'string' || !MEDIA_TYPE.test(a['contentType']))) this.add('attachment.contentType', `${p}.contentType`, 'contentType must be an Internet media type');
      if (a['length'] !== undefined && (typeof a['length'] !== 'number' || !Number.isInteger(a['length']) || a['length'] < 0)) this.add('attachment.length', `${p}.length`, 'length must be a whole number of octets');
      if (a['sha2'] !== undefined && (typeof a['sha2'] !== 'string' || !SHA2_HEX.test(a['sha2']))) this.add('attachment.sha2', `${p}.sha2`, 'sha2 must be a hexadecimal SHA-2 hash');
      if (a['fileUrl'] !== undefined) this.iri(a['fileUrl'], `${p}.fileUrl`);
    });
  }

  /** The parts a statement and a sub-statement share. */
  body(value: Json, path: string, sub: boolean): void {
    const common = ['actor', 'verb', 'object', 'result', 'context', 'timestamp', 'attachments'];
    this.only(value, path, sub ? ['objectType', ...common] : ['id', 'stored', 'authority', 'version', ...common]);
    this.required(value, path, ['actor', 'verb', 'object']);
    if (value['actor'] !== undefined) this.actor(value['actor'], `${path}.actor`);
    if (value['verb'] !== undefined) this.verb(value['verb'], `${path}.verb`);
    if (value['object'] !== undefined) this.object_(value['object'], `${path}.object`, sub);
    if (value['result'] !== undefined) this.result(value['result'], `${path}.result`);
    const obj = value['object'];
    const objectIsActivity = isObject(obj) && (obj['objectType'] === undefined || obj['objectType'] === 'Activity');
    if (value['context'] !== undefined) this.context(value['context'], `${path}.context`, objectIsActivity);
    if (value['timestamp'] !== undefined && !isTimestamp(value['timestamp'], this.version === '2.0.0')) {
      this.add('timestamp', `${path}.timestamp`, this.version === '2.0.0' ? 'timestamp must be an RFC 3339 date-time with a time zone offset' : 'timestamp must be an ISO 8601 date-time (and not offset -00:00)');
    }
    if (value['attachments'] !== undefined) this.attachments(value['attachments'], `${path}.attachments`);
    // Voiding: the object of a voiding statement must be a statement reference.
    if (isObject(value['verb']) && value['verb']['id'] === VOIDED_VERB && !(isObject(obj) && obj['objectType'] === 'StatementRef')) {
      this.add('voiding.object', `${path}.object`, 'a voiding statement\'s object must be a StatementRef');
    }
  }

  statement(value: unknown, path: string): void {
    if (!this.object(value, path, 'a statement')) return;
    this.body(value, path, false);
    if (value['id'] !== undefined) this.uuid(value['id'], `${path}.id`);
    if (value['stored'] !== undefined && !isTimestamp(value['stored'])) this.add('timestamp', `${path}.stored`, 'stored must be an ISO 8601 date-time');
    if (value['authority'] !== undefined) this.authority(value['authority'], `${path}.authority`);
    if (value['version'] !== undefined && (typeof value['version'] !== 'string' || !VERSION.test(value['version']))) {
      this.add('version', `${path}.version`, 'version must be 1.0.x or 2.0.x');
    }
  }
}

export const VOIDED_VERB = 'http://adlnet.gov/expapi/verbs/voided';

/** Every problem with one statement (an empty list when it is valid). */
export function validateStatement(value: unknown, version: XapiVersion = '1.0.3', path = '$'): Problem[] {
  const checker = new Checker(version);
  checker.statement(value, path);
  return checker.problems;
}

/** Every problem with a POST body: one statement or an array of them. */
export function validateStatements(value: unknown, version: XapiVersion = '1.0.3'): Problem[] {
  if (Array.isArray(value)) {
    const checker = new Checker(version);
    value.forEach((s, i) => { checker.statement(s, `$[${i}]`); });
    return checker.problems;
  }
  return validateStatement(value, version);
}
