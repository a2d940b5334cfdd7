// Data-protection requests about one person's learning records, for platform
// administrators: find where the learning record store holds records about
// them (from an email address and any account at another system), download a
// subject access export per organisation, and erase them after confirming.
// Export and erasure are audited by the store; see docs/xapi.md for why erasure
// departs from statement immutability.

import { z } from 'zod';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import { checkPersonQuery, identifiersOf, type PersonIdentifier, type PersonQuery } from '../../domain/xapi/index.js';
import { XapiStatementStore, type PersonHolding } from '../../db/stores/xapi-statement-store.js';
import { authorise } from '../plugins/auth.js';
import { formErrors } from '../form-errors.js';

const PAGE = 'pages/xapi/people.njk';
const NO_QUERY: PersonQuery = { email: '', accountHomePage: '', accountName: '' };

const QueryForm = z.object({
  email: z.string().max(300).default(''),
  accountHomePage: z.string().max(2000).default(''),
  accountName: z.string().max(500).default(''),
});

/** Which records a button acts on: one organisation, one of the person's identifiers (an agent key). */
const Target = z.object({
  organisationCode: z.string().regex(/^[A-Z0-9]{1,12}$/),
  key: z.string().min(1).max(3000).regex(/^(mbox|sha1|openid|account):/),
  confirm: z.string().optional(),
  step: z.enum(['review', 'erase']).default('review'),
});

export interface HoldingRow extends PersonHolding {
  readonly identifier: PersonIdentifier | undefined;
}

export async function xapiPeopleRoutes(app: FastifyInstance): Promise<void> {
  const store = XapiStatementStore.create(app.database.db);
  const access = { config: { access: 'xapi.people.manage' } } as const;

  app.get('/admin/learning-records', access, async (request, reply) => {
    authorise(request, 'xapi.people.manage');
    return reply.render(PAGE, { values: NO_QUERY, ...formErrors() });
  });

  app.post('/admin/learning-records', access, async (request, reply) => {
    authorise(request, 'xapi.people.manage');
    const form = QueryForm.safeParse(request.body ?? {});
    const values: PersonQuery = form.success
      ? { email: form.data.email.trim(), accountHomePage: form.data.accountHomePage.trim(), accountName: form.data.accountName.trim() }
      : NO_QUERY;
    const problems = form.success ? checkPersonQuery(values) : [{ field: 'email' as const, problem: 'none-given' as const }];
    if (problems.length > 0) {
      return reply.code(400).render(PAGE, { values, ...formErrors(problems.map((p) => ({ field: p.field, key: `xapi.people.problems.${p.problem}` }))) });
    }
    const platformUser = values.email === '' ? undefined : await app.stores.users.findByEmail(values.email);
    const identifiers = identifiersOf(values, platformUser?.id ?? null);
    const holdings: HoldingRow[] = (await store.holdings(identifiers.map((i) => i.key)))
      .map((h) => ({ ...h, identifier: identifiers.find((i) => i.key === h.key) }));
    return reply.render(PAGE, { values, ...formErrors(), searched: true, identifiers, holdings, platformUser: platformUser !== undefined });
  });

  const target = (request: FastifyRequest) => {
    const parsed = Target.safeParse(request.body ?? {});
    if (!parsed.success) throw new DomainError('GNM_VALIDATION', { field: parsed.error.issues[0]?.path.join('.') ?? 'key' });
    return parsed.data;
  };

  app.post('/admin/learning-records/export', access, async (request, reply) => {
    const user = authorise(request, 'xapi.people.manage');
    const { organisationCode, key } = target(request);
    const exported = await store.exportPerson(organisationCode, key, user.id);
    const name = `learning-record-${organisationCode.toLowerCase()}-${exported.exportedAt.slice(0, 10)}.json`;
    return reply.header('content-type', 'application/json; charset=utf-8').header('content-disposition', `attachment; filename="${name}"`)
      .header('cache-control', 'no-store').send(`${JSON.stringify(exported, null, 2)}\n`);
  });

  const review = async (reply: FastifyReply, organisationCode: string, key: string, missingConfirmation: boolean) => {
    const holding = (await store.holdings([key])).find((h) => h.organisationCode === organisationCode);
    if (holding === undefined) throw new DomainError('GNM_NOT_FOUND');
    const errors = formErrors(missingConfirmation ? [{ field: 'confirm', key: 'xapi.people.problems.not-confirmed' }] : []);
    return reply.code(missingConfirmation ? 400 : 200).render('pages/xapi/erase.njk', { holding, ...errors });
  };

  app.post('/admin/learning-records/erase', access, async (request, reply) => {
    const user = authorise(request, 'xapi.people.manage');
    const { organisationCode, key, confirm, step } = target(request);
    if (step === 'review') return review(reply, organisationCode, key, false);
    if (confirm !== 'yes') return review(reply, organisationCode, key, true);
    const erased = await store.erasePerson(organisationCode, key, user.id);
    return reply.render(PAGE, { values: NO_QUERY, ...formErrors(), erased: { ...erased, organisationCode } });
  });
}
