// The filter rule for StatementRefs (xAPI 1.0.3 Communication 2.1.3): a
// statement whose object targets another statement meets each filter condition
// (other than since, until, limit) that its target meets, recursively, even when
// the target arrives later. Checked by example and against a small model with
// fast-check.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildTestApp, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';
import { XapiClientStore } from '../../src/db/stores/xapi-client-store.js';
import type { Json } from './fixtures.js';

const ADL = 'http://adlnet.gov/expapi/verbs/';

describe.each(engines)('statements that target other statements, in queries, on $name', (engine) => {
  let t: TestApp;
  let auth: string;
  let otherOrg: string;

  const client = async (org: string) => {
    const { client: c, secret } = await XapiClientStore.create(t.database.db).createClient({ organisationCode: org, name: `refs ${org}`, scopes: ['all'] }, null);
    return `Basic ${Buffer.from(`${c.key}:${secret}`).toString('base64')}`;
  };
  const post = async (statements: unknown, who = auth) => {
    const r = await t.app.inject({ method: 'POST', url: '/xapi/statements', headers: { authorization: who, 'x-experience-api-version': '1.0.3' }, payload: statements as Json });
    expect(r.statusCode, r.body).toBe(200);
    return r.json<string[]>();
  };
  const ids = async (params: Record<string, string>, who = auth) => {
    const r = await t.app.inject({ method: 'GET', url: `/xapi/statements?${new URLSearchParams({ limit: '100', ...params }).toString()}`, headers: { authorization: who, 'x-experience-api-version': '1.0.3' } });
    expect(r.statusCode, r.body).toBe(200);
    return r.json<{ statements: Json[] }>().statements.map((s) => s['id'] as string);
  };

  beforeAll(async () => {
    t = await buildTestApp(engine);
    auth = await client('7A7');
    otherOrg = await client('7A1');
  });
  afterAll(async () => { await t.close(); });

  it('returns "Andrew confirmed <Ben passed explosives training>" for Ben and for the training, recursively, and not for a context statement', async () => {
    const ben = { mbox: `mailto:ben.${randomUUID()}@example.org` };
    const andrew = { mbox: `mailto:andrew.${randomUUID()}@example.org` };
    const carys = { mbox: `mailto:carys.${randomUUID()}@example.org` };
    const training = `https://genomeg.nhs.wales/modules/${randomUUID()}`;
    const registration = randomUUID();
    const [passed] = await post({ actor: ben, verb: { id: `${ADL}passed` }, object: { id: training }, context: { registration } });
    const [confirmed] = await post({ actor: andrew, verb: { id: `${ADL}confirmed` }, object: { objectType: 'StatementRef', id: passed } });
    const [commented] = await post({ actor: carys, verb: { id: `${ADL}commented` }, object: { objectType: 'StatementRef', id: confirmed } });
    await post({ actor: carys, verb: { id: `${ADL}commented` }, object: { id: 'https://genomeg.nhs.wales/notes' }, context: { statement: { objectType: 'StatementRef', id: passed } } });

    const all = [commented, confirmed, passed];
    expect(await ids({ agent: JSON.stringify(ben) })).toEqual(all);
    expect(await ids({ activity: training })).toEqual(all);
    expect(await ids({ registration })).toEqual(all);
    expect(await ids({ verb: `${ADL}passed`, activity: training })).toEqual(all);
    expect(await ids({ agent: JSON.stringify(andrew) })).toEqual([commented, confirmed]);
    // Each condition on its own: Carys's comment is by Carys, and it targets (through Andrew's) Ben's pass.
    expect(await ids({ agent: JSON.stringify(carys), verb: `${ADL}passed` })).toEqual([commented]);
    expect(await ids({ agent: JSON.stringify(ben), related_agents: 'true', ascending: 'true' })).toEqual([passed, confirmed, commented]);
    // Time and sequence filters apply to the targeting statement itself.
    expect(await ids({ agent: JSON.stringify(ben), limit: '1' })).toEqual([commented]);
    // Another organisation's statement pointing at Ben's takes nothing from it.
    const [elsewhere] = await post({ actor: andrew, verb: { id: `${ADL}confirmed` }, object: { objectType: 'StatementRef', id: passed } }, otherOrg);
    expect(await ids({ agent: JSON.stringify(ben) }, otherOrg)).toEqual([]);
    expect(await ids({ agent: JSON.stringify(andrew) }, otherOrg)).toEqual([elsewhere]);
  });

  it('gives a statement its target\'s entries when the target arrives later, through a chain, and voids a target that arrives after its voiding statement', async () => {
    const dai = { mbox: `mailto:dai.${randomUUID()}@example.org` };
    const other = { mbox: `mailto:other.${randomUUID()}@example.org` };
    const module = `https://genomeg.nhs.wales/modules/${randomUUID()}`;
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    await post({ id: c, actor: other, verb: { id: `${ADL}commented` }, object: { objectType: 'StatementRef', id: b } });
    await post({ id: b, actor: other, verb: { id: `${ADL}confirmed` }, object: { objectType: 'StatementRef', id: a } });
    expect(await ids({ agent: JSON.stringify(dai) })).toEqual([]);
    await post({ id: a, actor: dai, verb: { id: `${ADL}completed` }, object: { id: module } });
    expect(await ids({ agent: JSON.stringify(dai) })).toEqual([a, b, c]);
    expect(await ids({ activity: module, ascending: 'true' })).toEqual([c, b, a]);

    const late = randomUUID();
    const [voiding] = await post({ actor: other, verb: { id: `${ADL}voided` }, object: { objectType: 'StatementRef', id: late } });
    await post({ id: late, actor: dai, verb: { id: `${ADL}completed` }, object: { id: `${module}/late` } });
    const got = await t.app.inject({ method: 'GET', url: `/xapi/statements?voidedStatementId=${late}`, headers: { authorization: auth, 'x-experience-api-version': '1.0.3' } });
    expect(got.statusCode).toBe(200);
    expect(await ids({ activity: `${module}/late` })).toEqual([voiding]);
  });

  it('gives every statement of a cycle of references, sent in one batch, what the others have', async () => {
    // Found by the property below (seed 1560479733): a → c → b → a, only c in the registration.
    const someone = { mbox: `mailto:someone.${randomUUID()}@example.org` };
    const registration = randomUUID();
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    const ref = (id: string) => ({ objectType: 'StatementRef', id });
    await post([
      { id: a, actor: someone, verb: { id: `${ADL}commented` }, object: ref(c) },
      { id: b, actor: someone, verb: { id: `${ADL}commented` }, object: ref(a) },
      { id: c, actor: someone, verb: { id: `${ADL}commented` }, object: ref(b), context: { registration } },
    ]);
    expect((await ids({ registration })).sort()).toEqual([a, b, c].sort());
  });

  it('matches what a model of the rule says, whatever the statements, their references and the order they arrive in', async () => {
    const pools = fc.record({
      actor: fc.integer({ min: 0, max: 2 }),
      verb: fc.integer({ min: 0, max: 2 }),
      // an activity, or a reference to another statement of the run
      object: fc.oneof(fc.record({ activity: fc.integer({ min: 0, max: 2 }) }), fc.record({ ref: fc.integer({ min: 0, max: 7 }) })),
      parent: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
      instructor: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
      registration: fc.option(fc.integer({ min: 0, max: 1 }), { nil: undefined }),
    });
    const run = fc.record({
      statements: fc.array(pools, { minLength: 1, maxLength: 8 }),
      order: fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
      cuts: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
    });
    await fc.assert(fc.asyncProperty(run, async ({ statements, order, cuts }) => {
      const tag = randomUUID();
      const agent = (i: number) => ({ mbox: `mailto:p${i}.${tag}@example.org` });
      const activity = (i: number) => `https://genomeg.nhs.wales/${tag}/a${i}`;
      const verb = (i: number) => `https://genomeg.nhs.wales/${tag}/v${i}`;
      const registrations = [randomUUID(), randomUUID()];
      const ids_ = statements.map(() => randomUUID());
      const json = statements.map((s, i) => ({
        id: ids_[i],
        actor: agent(s.actor),
        verb: { id: verb(s.verb) },
        object: 'activity' in s.object ? { id: activity(s.object.activity) } : { objectType: 'StatementRef', id: ids_[s.object.ref % statements.length] },
        context: {
          ...(s.registration === undefined ? {} : { registration: registrations[s.registration] }),
          ...(s.instructor === undefined ? {} : { instructor: agent(s.instructor) }),
          ...(s.parent === undefined ? {} : { contextActivities: { parent: [{ id: activity(s.parent) }] } }),
        },
      }));
      // Arrive in a shuffled order, in batches.
      const arrival = statements.map((_, i) => i).sort((x, y) => ((order[x] ?? 0) - (order[y] ?? 0)) || x - y);
      let batch: Json[] = [];
      for (const [n, i] of arrival.entries()) {
        batch.push(json[i] as Json);
        if (cuts[n] === true || n === arrival.length - 1) { await post(batch); batch = []; }
      }
      // The model: a statement meets a condition itself, or through the statement it targets (cycles end).
      type Condition = (s: (typeof statements)[number]) => boolean;
      const meets = (i: number, own: Condition, seen: Set<number> = new Set()): boolean => {
        const s = statements[i];
        if (s === undefined || seen.has(i)) return false;
        if (own(s)) return true;
        return 'ref' in s.object ? meets(s.object.ref % statements.length, own, new Set([...seen, i])) : false;
      };
      const filters: { params: Record<string, string>; conditions: Condition[] }[] = [];
      for (let k = 0; k < 3; k += 1) {
        filters.push({ params: { agent: JSON.stringify(agent(k)) }, conditions: [(s) => s.actor === k] });
        filters.push({ params: { agent: JSON.stringify(agent(k)), related_agents: 'true' }, conditions: [(s) => s.actor === k || s.instructor === k] });
        filters.push({ params: { activity: activity(k) }, conditions: [(s) => 'activity' in s.object && s.object.activity === k] });
        filters.push({ params: { activity: activity(k), related_activities: 'true' }, conditions: [(s) => ('activity' in s.object && s.object.activity === k) || s.parent === k] });
        filters.push({ params: { verb: verb(k), agent: JSON.stringify(agent((k + 1) % 3)) }, conditions: [(s) => s.verb === k, (s) => s.actor === (k + 1) % 3] });
      }
      filters.push({ params: { registration: registrations[0] ?? '' }, conditions: [(s) => s.registration === 0] });
      for (const f of filters) {
        const expected = statements.map((_, i) => i).filter((i) => f.conditions.every((c) => meets(i, c))).map((i) => ids_[i]).sort();
        expect({ filter: f.params, ids: (await ids(f.params)).sort() }).toEqual({ filter: f.params, ids: expected });
      }
    }), { numRuns: 25, ...(process.env['FC_SEED'] === undefined ? {} : { seed: Number(process.env['FC_SEED']), path: process.env['FC_PATH'], endOnFailure: true }) });
  });
});
