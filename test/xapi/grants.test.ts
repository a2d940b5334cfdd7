// Cross-organisation read grants: an organisation lets another organisation's
// client read its statements (genomeg xapi grant), audited; withdrawing the
// grant ends it from the next request. Writes always go to the client's own
// organisation, and read/mine stays to the client's own statements.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';
import { runXapi } from '../../src/cli/xapi.js';
import { XapiClientStore } from '../../src/db/stores/xapi-client-store.js';
import type { XapiScope } from '../../src/domain/xapi/index.js';
import { validStatement, type Json } from './fixtures.js';

describe.each(engines)('read grants between organisations on $name', (engine) => {
  let t: TestApp;
  const client = async (org: string, scopes: XapiScope[]) => {
    const { client: c, secret } = await XapiClientStore.create(t.database.db).createClient({ organisationCode: org, name: `grants ${org}`, scopes }, null);
    return { id: c.id, auth: `Basic ${Buffer.from(`${c.key}:${secret}`).toString('base64')}` };
  };
  const call = (method: 'GET' | 'POST', url: string, auth: string, payload?: unknown) =>
    t.app.inject({ method, url, headers: { authorization: auth, 'x-experience-api-version': '1.0.3' }, ...(payload === undefined ? {} : { payload: payload as Json }) });
  const cli = async (...args: string[]) => {
    let text = '';
    const code = await runXapi(t.database, args, (s) => { text += s; });
    return { code, text };
  };

  beforeAll(async () => { t = await buildTestApp(engine); });
  afterAll(async () => { await t.close(); });

  it('lets a granted client read the granting organisation\'s statements until the grant is withdrawn', async () => {
    const cardiff = await client('7A4', ['all']);
    const heiw = await client('T1', ['statements/read', 'statements/write']);
    const heiwMine = await client('T1', ['statements/read/mine']);
    const [cardiffId] = (await call('POST', '/xapi/statements', cardiff.auth, validStatement())).json<string[]>();
    const [heiwId] = (await call('POST', '/xapi/statements', heiw.auth, validStatement())).json<string[]>();
    const listed = async (auth: string) => (await call('GET', '/xapi/statements?limit=100', auth)).json<{ statements: Json[] }>().statements.map((s) => s['id']);

    expect((await call('GET', `/xapi/statements?statementId=${cardiffId}`, heiw.auth)).statusCode).toBe(404);
    expect(await listed(heiw.auth)).toEqual([heiwId]);

    expect(await cli('grant', '--org', '7a4', '--client', heiw.id)).toEqual({ code: 0, text: expect.stringContaining('Granted') as string });
    expect((await cli('grant', '--org', '7A4', '--client', heiw.id)).text).toContain('already');
    expect((await cli('grant', '--org', 'T1', '--client', heiw.id)).code).toBe(1);
    expect((await cli('grant', '--org', '7A4', '--client', 'no-such-client')).code).toBe(1);
    expect((await cli('grants', '--org', '7A4')).text).toContain(heiw.id);

    expect((await call('GET', `/xapi/statements?statementId=${cardiffId}`, heiw.auth)).statusCode).toBe(200);
    expect(await listed(heiw.auth)).toEqual([heiwId, cardiffId]);
    // read/mine is not widened by a grant to another client of the same organisation.
    expect(await listed(heiwMine.auth)).toEqual([]);
    // Writing still goes to the client's own organisation: Cardiff does not see it.
    const [written] = (await call('POST', '/xapi/statements', heiw.auth, validStatement())).json<string[]>();
    expect(await listed(cardiff.auth)).toEqual([cardiffId]);
    expect((await call('GET', `/xapi/statements?statementId=${written}`, cardiff.auth)).statusCode).toBe(404);

    expect((await cli('grant', '--org', '7A4', '--client', heiw.id, '--revoke')).code).toBe(0);
    expect((await cli('grant', '--org', '7A4', '--client', heiw.id, '--revoke')).code).toBe(1);
    expect((await call('GET', `/xapi/statements?statementId=${cardiffId}`, heiw.auth)).statusCode).toBe(404);

    const audit = await t.database.db.selectFrom('audit_events').select(['action', 'organisation_code']).where('entity_id', '=', heiw.id).orderBy('id').execute();
    expect(audit).toEqual([
      { action: 'xapi.client.create', organisation_code: 'T1' },
      { action: 'xapi.grant.create', organisation_code: '7A4' },
      { action: 'xapi.grant.revoke', organisation_code: '7A4' },
    ]);
  });
});
