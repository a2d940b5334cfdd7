// The page where an education lead or an administrator creates and revokes
// learning record store clients (key and secret for an external eLearning
// system). Organisation administrators see and manage only their organisations'.

import { z } from 'zod';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import { organisationsWhere } from '../../domain/auth/index.js';
import { ORGANISATIONS } from '../../domain/staff/index.js';
import { XAPI_SCOPES, isScope } from '../../domain/xapi/scopes.js';
import { XapiClientStore } from '../../db/stores/xapi-client-store.js';
import { authorise, principalOf } from '../plugins/auth.js';
import { localPath } from '../plugins/language.js';
import { formErrors } from '../form-errors.js';

const CreateBody = z.object({
  name: z.string().max(1000).default(''),
  organisationCode: z.string().max(20).default(''),
  scopes: z.union([z.string(), z.array(z.string())]).default([]).transform((v) => (Array.isArray(v) ? v : [v])),
});

type Field = 'name' | 'organisationCode' | 'scopes';

export async function xapiClientRoutes(app: FastifyInstance): Promise<void> {
  const store = XapiClientStore.create(app.database.db);

  const reach = (request: FastifyRequest) => {
    const user = authorise(request, 'xapi.clients.manage');
    const orgs = organisationsWhere(principalOf(user), 'xapi.clients.manage');
    const organisations = orgs === 'all' ? ORGANISATIONS : ORGANISATIONS.filter((o) => orgs.includes(o.code));
    return { user, orgs, organisations };
  };

  const page = async (request: FastifyRequest, extra: Record<string, unknown> = {}) => {
    const { orgs, organisations } = reach(request);
    const clients = await store.list(orgs);
    return { clients, organisations, scopes: XAPI_SCOPES, ...formErrors(), values: { name: '', organisationCode: '', scopes: [] }, ...extra };
  };

  app.get('/admin/xapi-clients', { config: { access: 'xapi.clients.manage' } }, async (request, reply) => reply.render('pages/xapi/clients.njk', await page(request)));

  app.post('/admin/xapi-clients', { config: { access: 'xapi.clients.manage' } }, async (request, reply) => {
    const { user, organisations } = reach(request);
    const parsed = CreateBody.safeParse(request.body ?? {});
    const sent = parsed.success ? parsed.data : { name: '', organisationCode: '', scopes: [] };
    const name = sent.name.trim();
    const organisationCode = sent.organisationCode.trim().toUpperCase();
    const scopes = sent.scopes.filter(isScope);
    const wrong: Field[] = [];
    if (name === '' || name.length > 120) wrong.push('name');
    if (organisationCode === '') wrong.push('organisationCode');
    if (scopes.length === 0 || scopes.length !== sent.scopes.length) wrong.push('scopes');
    if (wrong.length > 0) {
      return reply.code(400).render('pages/xapi/clients.njk', await page(request, {
        ...formErrors(wrong.map((field) => ({ field, key: `xapi.clients.problems.${field}` }))), values: { name, organisationCode, scopes },
      }));
    }
    if (!organisations.some((o) => o.code === organisationCode)) throw new DomainError('GNM_FORBIDDEN');
    const { client, secret } = await store.createClient({ organisationCode, name, scopes }, user.id);
    return reply.code(201).render('pages/xapi/clients.njk', await page(request, { created: { client, secret } }));
  });

  app.post('/admin/xapi-clients/:id/revoke', { config: { access: 'xapi.clients.manage' } }, async (request, reply) => {
    const { user, orgs } = reach(request);
    const client = await store.find((request.params as { id: string }).id);
    if (client === null || (orgs !== 'all' && !orgs.includes(client.organisationCode))) throw new DomainError('GNM_NOT_FOUND');
    await store.revoke(client.id, user.id);
    return reply.redirect(localPath(request.lang, '/admin/xapi-clients'), 303);
  });
}
