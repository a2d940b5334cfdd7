import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isDuration, isTimestamp, validateStatement, validateStatements } from '../../src/domain/xapi/index.js';
import { validStatement, type Json } from './fixtures.js';

const rules = (s: unknown, version: '1.0.3' | '2.0.0' = '1.0.3') => validateStatement(s, version).map((p) => `${p.rule} ${p.path}`);

describe('xAPI statement validation', () => {
  it('accepts a full, valid statement', () => {
    expect(rules(validStatement())).toEqual([]);
  });

  it('requires actor, verb and object', () => {
    expect(rules({})).toEqual(['required $.actor', 'required $.verb', 'required $.object']);
  });

  it('refuses unknown and misplaced properties, naming the path', () => {
    expect(rules(validStatement({ foo: 1 }))).toEqual(['unknown-property $.foo']);
    expect(rules(validStatement({ verb: { id: 'http://x.org/v', name: 'x' } }))).toEqual(['unknown-property $.verb.name']);
    expect(rules(validStatement({ result: { score: { scaled: 0.5, percent: 50 } } }))).toEqual(['unknown-property $.result.score.percent']);
  });

  it('demands exactly one inverse functional identifier on an agent', () => {
    expect(rules(validStatement({ actor: { name: 'x' } }))).toEqual(['agent.ifi $.actor']);
    expect(rules(validStatement({ actor: { mbox: 'mailto:a@b.org', openid: 'http://openid.example.org/a' } }))).toEqual(['agent.ifi $.actor']);
    expect(rules(validStatement({ actor: { account: { homePage: 'https://esr.nhs.uk', name: '123' } } }))).toEqual([]);
    expect(rules(validStatement({ actor: { mbox_sha1sum: 'ebd31e95054c018b10727ccffd2ef2ec3a016ee9' } }))).toEqual([]);
  });

  it('checks mbox, sha1 and account formats', () => {
    expect(rules(validStatement({ actor: { mbox: 'a@b.org' } }))).toEqual(['agent.mbox $.actor.mbox']);
    expect(rules(validStatement({ actor: { mbox_sha1sum: 'xyz' } }))).toEqual(['agent.mbox_sha1sum $.actor.mbox_sha1sum']);
    expect(rules(validStatement({ actor: { account: { homePage: 'not an iri', name: 'x' } } }))).toEqual(['iri $.actor.account.homePage']);
    expect(rules(validStatement({ actor: { account: { name: 'x' } } }))).toEqual(['required $.actor.account.homePage']);
  });

  it('checks groups: anonymous groups need members, members are agents', () => {
    expect(rules(validStatement({ actor: { objectType: 'Group' } }))).toEqual(['group.anonymous-member $.actor.member']);
    expect(rules(validStatement({ actor: { objectType: 'Group', member: [{ mbox: 'mailto:a@b.org' }] } }))).toEqual([]);
    expect(rules(validStatement({ actor: { objectType: 'Group', member: [{ objectType: 'Group', member: [] }] } }))).toEqual(['group.member $.actor.member[0]']);
    expect(rules(validStatement({ actor: { objectType: 'Group', mbox: 'mailto:team@b.org' } }))).toEqual([]);
  });

  it('checks IRIs of verbs and activities', () => {
    expect(rules(validStatement({ verb: { id: 'completed' } }))).toEqual(['iri $.verb.id']);
    expect(rules(validStatement({ object: { id: 'http://x.org/has space' } }))).toEqual(['iri $.object.id']);
  });

  it('checks language maps', () => {
    expect(rules(validStatement({ verb: { id: 'http://x.org/v', display: { 'not a tag!': 'x' } } }))).toEqual(['language-map.tag $.verb.display.not a tag!']);
    expect(rules(validStatement({ verb: { id: 'http://x.org/v', display: { en: 3 } } }))).toEqual(['language-map.value $.verb.display.en']);
    expect(rules(validStatement({ verb: { id: 'http://x.org/v', display: 'completed' } }))).toEqual(['type.object $.verb.display']);
  });

  it('takes only valid RFC 5646 tags as language map keys: no reserved or unregistered primary subtag', () => {
    const choices = (description: Json) => validStatement({ object: { id: 'http://x.org/q1', definition: { interactionType: 'choice', choices: [{ id: 'golf', description }] } } });
    expect(rules(choices({ 'en-US': 'Golf Example', test: 'value' }))).toEqual(['language-map.tag $.object.definition.choices[0].description.test']);
    const scale = validStatement({ object: { id: 'http://x.org/q2', definition: { interactionType: 'likert', scale: [{ id: 'agree', description: { abcdefgh: 'x' } }] } } });
    expect(rules(scale)).toEqual(['language-map.tag $.object.definition.scale[0].description.abcdefgh']);
    expect(rules(validStatement({ verb: { id: 'http://x.org/v', display: { abcde: 'x' } } }))).toEqual(['language-map.tag $.verb.display.abcde']);
    expect(rules(validStatement({ context: { language: 'test' } }))).toEqual(['context.language $.context.language']);
    for (const ok of ['en', 'cy', 'en-GB', 'zh-Hant-TW', 'es-419', 'zh-yue-HK', 'x-private', 'i-klingon', 'de-CH-1996']) {
      expect(rules(validStatement({ verb: { id: 'http://x.org/v', display: { [ok]: 'x' } } })), ok).toEqual([]);
    }
  });

  it('accepts an empty activity definition and empty contextActivities, in statements and sub-statements (a SHOULD NOT for senders)', () => {
    expect(rules(validStatement({ object: { objectType: 'Activity', id: 'http://x.org/a', definition: {} } }))).toEqual([]);
    expect(rules(validStatement({ context: { contextActivities: {} } }))).toEqual([]);
    const sub = { objectType: 'SubStatement', actor: { mbox: 'mailto:a@b.org' }, verb: { id: 'http://x.org/v' }, object: { id: 'http://x.org/a', definition: {} }, context: { contextActivities: {} } };
    expect(rules(validStatement({ object: sub }))).toEqual([]);
    expect(rules(validStatement({ object: { id: 'http://x.org/a', definition: { moreInfo: 'http://x.org/more' } } }))).toEqual([]);
    expect(rules(validStatement({ object: { id: 'http://x.org/a', definition: { name: 'x' } } }))).toEqual(['type.object $.object.definition.name']);
  });

  it('takes as authority an agent or an anonymous group of exactly two agents, in both versions', () => {
    const a = { mbox: 'mailto:a@b.org' };
    const b = { account: { homePage: 'https://x.org', name: 'app' } };
    for (const version of ['1.0.3', '2.0.0'] as const) {
      expect(rules(validStatement({ authority: { objectType: 'Agent', ...a } }), version)).toEqual([]);
      expect(rules(validStatement({ authority: { objectType: 'Group', member: [a, b] } }), version)).toEqual([]);
      expect(rules(validStatement({ authority: { objectType: 'Group', member: [a] } }), version)).toEqual(['authority.group $.authority.member']);
      expect(rules(validStatement({ authority: { objectType: 'Group', member: [a, b, { mbox: 'mailto:c@b.org' }] } }), version)).toEqual(['authority.group $.authority.member']);
      for (const ifi of [{ mbox: 'mailto:g@b.org' }, { mbox_sha1sum: 'ebd31e95054c018b10727ccffd2ef2ec3a016ee9' }, { openid: 'http://openid.example.org/g' }, { account: { homePage: 'https://x.org', name: 'g' } }]) {
        expect(rules(validStatement({ authority: { objectType: 'Group', ...ifi, member: [a, b] } }), version)).toEqual(['authority.group $.authority']);
      }
      expect(rules(validStatement({ authority: { objectType: 'Group', openid: 'http://openid.example.org/g', member: [a] } }), version)).toEqual(['authority.group $.authority', 'authority.group $.authority.member']);
      expect(rules(validStatement({ authority: { name: 'no ifi' } }), version)).toEqual(['agent.ifi $.authority']);
    }
  });

  it('checks score ranges', () => {
    expect(rules(validStatement({ result: { score: { scaled: 1.5 } } }))).toEqual(['score.scaled $.result.score.scaled']);
    expect(rules(validStatement({ result: { score: { raw: 11, min: 0, max: 10 } } }))).toEqual(['score.raw $.result.score.raw']);
    expect(rules(validStatement({ result: { score: { raw: -1, min: 0 } } }))).toEqual(['score.raw $.result.score.raw']);
    expect(rules(validStatement({ result: { score: { min: 5, max: 5 } } }))).toEqual(['score.min-max $.result.score.max']);
    expect(rules(validStatement({ result: { score: { scaled: '0.5' } } }))).toEqual(['type.number $.result.score.scaled']);
  });

  it('checks durations and timestamps', () => {
    for (const ok of ['PT1H30M', 'P1Y2M3DT4H5M6.5S', 'P3W', 'PT0S', 'P1D']) expect(isDuration(ok), ok).toBe(true);
    for (const no of ['P', 'PT', '1H', 'PT1.5H30M0', 'P1DT', 'PT-1S']) expect(isDuration(no), no).toBe(false);
    expect(rules(validStatement({ result: { duration: 'an hour' } }))).toEqual(['duration $.result.duration']);
    expect(rules(validStatement({ timestamp: '2026-01-01T00:00:00' }), '1.0.3')).toEqual([]);
    expect(rules(validStatement({ timestamp: '2026-01-01T00:00:00' }), '2.0.0')).toEqual(['timestamp $.timestamp']);
    for (const ok of ['2026-01-01T00:00:00Z', '2026-01-01T00:00:00.123+01:00', '2026-01-01T00:00:00']) expect(isTimestamp(ok), ok).toBe(true);
    for (const no of ['2026-01-01', '2026-13-01T00:00:00Z', '2026-01-01T00:00:00-00:00', 'yesterday']) expect(isTimestamp(no), no).toBe(false);
  });

  it('checks interaction components against the interaction type', () => {
    const def = (d: Json) => validStatement({ object: { id: 'http://x.org/q1', definition: { type: 'http://adlnet.gov/expapi/activities/cmi.interaction', ...d } } });
    expect(rules(def({ interactionType: 'choice', correctResponsesPattern: ['a'], choices: [{ id: 'a', description: { en: 'A' } }, { id: 'b' }] }))).toEqual([]);
    expect(rules(def({ interactionType: 'true-false', choices: [{ id: 'a' }] }))).toEqual(['interaction.components $.object.definition.choices']);
    expect(rules(def({ interactionType: 'choice', choices: [{ id: 'a' }, { id: 'a' }] }))).toEqual(['interaction.component-id $.object.definition.choices[1].id']);
    expect(rules(def({ interactionType: 'essay' }))).toEqual(['interaction.type $.object.definition.interactionType']);
    expect(rules(def({ correctResponsesPattern: ['a'] }))).toEqual(['interaction.requires-type $.object.definition.correctResponsesPattern']);
    expect(rules(def({ interactionType: 'matching', source: [{ id: 's' }], target: [{ id: 't' }] }))).toEqual([]);
  });

  it('checks context rules', () => {
    const agentObject = { objectType: 'Agent', mbox: 'mailto:other@example.org' };
    expect(rules(validStatement({ object: agentObject, context: { revision: '2', platform: 'x' } }))).toEqual([
      'context.activity-only $.context.revision', 'context.activity-only $.context.platform',
    ]);
    expect(rules(validStatement({ context: { registration: 'nope' } }))).toEqual(['uuid $.context.registration']);
    expect(rules(validStatement({ context: { team: { mbox: 'mailto:a@b.org' } } }))).toEqual(['context.team $.context.team']);
    expect(rules(validStatement({ context: { contextActivities: { sibling: [] } } }))).toEqual(['unknown-property $.context.contextActivities.sibling']);
    expect(rules(validStatement({ context: { language: 'english!' } }))).toEqual(['context.language $.context.language']);
  });

  it('allows contextAgents only in 2.0.0', () => {
    const ctx = { context: { contextAgents: [{ objectType: 'contextAgent', agent: { mbox: 'mailto:t@x.org' }, relevantTypes: ['https://x.org/tutor'] }] } };
    expect(rules(validStatement(ctx), '2.0.0')).toEqual([]);
    expect(rules(validStatement(ctx), '1.0.3')).toEqual(['unknown-property $.context.contextAgents']);
  });

  it('checks statement references, sub-statements and voiding', () => {
    expect(rules(validStatement({ object: { objectType: 'StatementRef', id: 'x' } }))).toEqual(['uuid $.object.id']);
    const sub = { objectType: 'SubStatement', actor: { mbox: 'mailto:a@b.org' }, verb: { id: 'http://x.org/v' }, object: { id: 'http://x.org/a' } };
    expect(rules(validStatement({ object: sub }))).toEqual([]);
    expect(rules(validStatement({ object: { ...sub, id: '6690e6c9-3ef0-4ed3-8b37-7f3964730bee' } }))).toEqual(['unknown-property $.object.id']);
    expect(rules(validStatement({ object: { ...sub, object: sub } }))).toEqual(['substatement.nested $.object.object']);
    expect(rules(validStatement({ verb: { id: 'http://adlnet.gov/expapi/verbs/voided' } }))).toEqual(['voiding.object $.object']);
  });

  it('checks ids, versions and attachments', () => {
    expect(rules(validStatement({ id: 'not-a-uuid' }))).toEqual(['uuid $.id']);
    expect(rules(validStatement({ version: '0.95' }))).toEqual(['version $.version']);
    expect(rules(validStatement({ attachments: [{ usageType: 'http://x.org/u', display: { en: 'x' }, contentType: 'text/plain', length: 3, sha2: 'ab' }] }))).toEqual(['attachment.sha2 $.attachments[0].sha2']);
  });

  it('names the statement in a batch', () => {
    expect(validateStatements([validStatement(), validStatement({ verb: {} })]).map((p) => p.path)).toEqual(['$[1].verb.id']);
  });

  it('never throws, whatever it is given (fuzz)', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => {
      const problems = validateStatement(value);
      expect(Array.isArray(problems)).toBe(true);
    }), { numRuns: 2000 });
  });

  it('finds a problem in every mutation that breaks a rule (fuzz)', () => {
    const paths: [string[], unknown][] = [
      [['actor', 'mbox'], 'x'], [['verb', 'id'], 'no iri'], [['object', 'id'], 3], [['result', 'score', 'scaled'], 2],
      [['result', 'duration'], 'PT'], [['timestamp'], 'now'], [['context', 'registration'], 'r'], [['id'], 'id'], [['extra'], true],
    ];
    fc.assert(fc.property(fc.constantFrom(...paths), ([path, value]) => {
      const s = structuredClone(validStatement());
      let target: Json = s;
      for (const key of path.slice(0, -1)) target = target[key] as Json;
      target[path[path.length - 1] as string] = value;
      expect(validateStatement(s).length).toBeGreaterThan(0);
    }));
  });
});
