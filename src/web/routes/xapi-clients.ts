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

  // The address a supplier configures: the whole endpoint, not just its path (issue 14, item 13).
  const endpoint = `${app.config.PUBLIC_URL}/xapi/`;

  const page = async (request: FastifyRequest, extra: Record<string, unknown> = {}) => {
    const { orgs, organisations } = reach(request);
    const clients = await store.list(orgs);
    return { clients, organisations, scopes: XAPI_SCOPES, endpoint, ...formErrors(), values: { name: '', organisationCode: '', scopes: [] }, ...extra };
  };

  /** A client the person may manage, or a 404 (another organisation's client is not found, not forbidden). */
  const reachable = async (request: FastifyRequest) => {
    const { user, orgs } = reach(request);
    const client = await store.find((request.params as { id: string }).id);
    if (client === null || (orgs !== 'all' && !orgs.includes(client.organisationCode))) throw new DomainError('GNM_NOT_FOUND');
    return { user, client };
  };

  app.get('/admin/xapi-clients', { config: { access: 'xapi.clients.manage' } }, async (request, reply) => {
    // After a revocation (below): say so, for a client this person may see that is now revoked.
    const revokedId = (request.query as { revoked?: unknown }).revoked;
    const extra = typeof revokedId === 'string' && revokedId.length <= 64 ? await revokedNotice(request, revokedId) : {};
    return reply.render('pages/xapi/clients.njk', await page(request, extra));
  });

  const revokedNotice = async (request: FastifyRequest, id: string) => {
    const { orgs } = reach(request);
    const client = await store.find(id).catch(() => null);
    if (client === null || client.revokedAt === null || (orgs !== 'all' && !orgs.includes(client.organisationCode))) return {};
    return { revokedClient: client };
  };

  // Revoking asks first (issue 14, item 9): a page of its own, which works without JavaScript.
  app.get('/admin/xapi-clients/:id/revoke', { config: { access: 'xapi.clients.manage' } }, async (request, reply) => {
    const { client } = await reachable(request);
    if (client.revokedAt !== null) return reply.redirect(localPath(request.lang, `/admin/xapi-clients?revoked=${encodeURIComponent(client.id)}`), 303);
    return reply.render('pages/xapi/revoke.njk', { client });
  });

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
    const { user, client } = await reachable(request);
    await store.revoke(client.id, user.id);
    return reply.redirect(localPath(request.lang, `/admin/xapi-clients?revoked=${encodeURIComponent(client.id)}`), 303);
  });
}
