// The activities resource returns the canonical definition the LRS holds: the
// definitions sent by clients allowed to define (scope define or all), with
// every language kept; other clients' statements are stored as sent but change
// no definition.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';
import { XapiClientStore } from '../../src/db/stores/xapi-client-store.js';
import { definedActivities, mergeDefinition, type XapiScope } from '../../src/domain/xapi/index.js';
import type { Json } from './fixtures.js';

describe('canonical definitions', () => {
  it('keep every language of names and descriptions, and take the other properties from the later definition', () => {
    const first = { name: { en: 'Consent' }, description: { en: 'About consent' }, type: 'http://adlnet.gov/expapi/activities/module', extensions: { 'http://x.org/a': 1 } };
    const later = { name: { cy: 'Cydsyniad', en: 'Consent (2nd edition)' }, type: 'http://adlnet.gov/expapi/activities/course', extensions: { 'http://x.org/b': 2 } };
    expect(mergeDefinition(mergeDefinition(null, first), later)).toEqual({
      name: { en: 'Consent (2nd edition)', cy: 'Cydsyniad' }, description: { en: 'About consent' }, type: 'http://adlnet.gov/expapi/activities/course',
      extensions: { 'http://x.org/a': 1, 'http://x.org/b': 2 },
    });
    const choices = (descriptions: Json[]) => ({ interactionType: 'choice', choices: descriptions.map((d, i) => ({ id: `c${i}`, description: d })) });
    expect(mergeDefinition(choices([{ en: 'Yes' }, { en: 'No' }]), choices([{ cy: 'Ie' }]))).toEqual({ interactionType: 'choice', choices: [{ id: 'c0', description: { en: 'Yes', cy: 'Ie' } }] });
  });

  it('are found in the object, context activities and a sub-statement', () => {
    const d = (n: string) => ({ name: { en: n } });
    const statement = {
      object: { objectType: 'SubStatement', object: { id: 'http://x.org/sub', definition: d('sub') }, context: { contextActivities: { grouping: { id: 'http://x.org/g', definition: d('g') } } } },
      context: { contextActivities: { parent: [{ id: 'http://x.org/p', definition: d('p') }, { id: 'http://x.org/bare' }] } },
    };
    expect(definedActivities(statement).map((a) => a.id).sort()).toEqual(['http://x.org/g', 'http://x.org/p', 'http://x.org/sub']);
  });
});

describe.each(engines)('the activities resource and the define scope on $name', (engine) => {
  let t: TestApp;
  const client = async (scopes: XapiScope[], org = '7A7') => {
    const { client: c, secret } = await XapiClientStore.create(t.database.db).createClient({ organisationCode: org, name: 'define', scopes }, null);
    return `Basic ${Buffer.from(`${c.key}:${secret}`).toString('base64')}`;
  };
  const post = async (auth: string, activity: Json) => {
    const r = await t.app.inject({ method: 'POST', url: '/xapi/statements', headers: { authorization: auth, 'x-experience-api-version': '1.0.3' },
      payload: { actor: { mbox: 'mailto:learner@example.org' }, verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' }, object: activity } });
    expect(r.statusCode, r.body).toBe(200);
  };
  const activity = async (auth: string, id: string) =>
    (await t.app.inject({ method: 'GET', url: `/xapi/activities?activityId=${encodeURIComponent(id)}`, headers: { authorization: auth, 'x-experience-api-version': '1.0.3' } })).json<Json>();

  beforeAll(async () => { t = await buildTestApp(engine); });
  afterAll(async () => { await t.close(); });

  it('takes definitions from define-capable clients only, merging their languages', async () => {
    const definer = await client(['define', 'statements/write', 'statements/read']);
    const everything = await client(['all']);
    const writer = await client(['statements/write', 'statements/read']);
    const id = `https://genomeg.nhs.wales/modules/${randomUUID()}`;

    await post(writer, { id, definition: { name: { en: 'Not canonical' } } });
    expect(await activity(writer, id)).toEqual({ objectType: 'Activity', id });

    await post(definer, { id, definition: { name: { en: 'Pharmacogenomics' }, type: 'http://adlnet.gov/expapi/activities/module' } });
    await post(writer, { id, definition: { name: { en: 'Renamed by a client without define' } } });
    await post(everything, { objectType: 'Activity', id, definition: { name: { cy: 'Ffarmacogenomeg' } } });
    expect(await activity(writer, id)).toEqual({
      objectType: 'Activity', id, definition: { name: { en: 'Pharmacogenomics', cy: 'Ffarmacogenomeg' }, type: 'http://adlnet.gov/expapi/activities/module' },
    });
    // The same definition again changes nothing; another organisation has its own.
    await post(definer, { id, definition: { name: { en: 'Pharmacogenomics' } } });
    expect((await activity(writer, id))['definition']).toMatchObject({ name: { en: 'Pharmacogenomics', cy: 'Ffarmacogenomeg' } });
    const elsewhere = await client(['all'], '7A1');
    expect(await activity(elsewhere, id)).toEqual({ objectType: 'Activity', id });
  });
});
