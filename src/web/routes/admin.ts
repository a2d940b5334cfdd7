// Managing who holds which role, and reading the audit log. Organisation
// administrators manage roles within their own organisations; platform
// administrators manage all roles everywhere.

import { z } from 'zod';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { canGrant, isRole, organisationsWhere, ORGANISATION_SCOPED_ROLES, ROLES, validateGrant, type RoleGrant } from '../../domain/auth/index.js';
import { DomainError } from '../../domain/errors.js';
import { ORGANISATIONS, organisationByCode } from '../../domain/staff/index.js';
import { authorise, principalOf } from '../plugins/auth.js';
import { localPath } from '../plugins/language.js';

const GrantSchema = z.object({
  role: z.string().refine(isRole),
  organisationCode: z.string().trim().max(10).optional(),
});

export async function adminRoutes(app: FastifyInstance): Promise<void> {
  app.get('/admin/users', { config: { access: 'roles.manage' } }, async (request, reply) => {
    const user = authorise(request, 'roles.manage');
    const orgs = organisationsWhere(principalOf(user), 'roles.manage');
    const users = await app.stores.users.list({ organisationCodes: orgs, limit: 200 });
    return reply.render('pages/admin/users.njk', { users });
  });

  const loadTarget = async (id: string, orgs: 'all' | readonly string[]) => {
    const target = await app.stores.users.findById(id);
    if (target === undefined) throw new DomainError('GNM_NOT_FOUND');
    if (orgs !== 'all') {
      const visible = await app.stores.users.list({ organisationCodes: orgs, limit: 100000 });
      if (!visible.some((u) => u.id === id)) throw new DomainError('GNM_NOT_FOUND');
    }
    return target;
  };

  app.get('/admin/users/:id', { config: { access: 'roles.manage' } }, async (request, reply) => {
    const user = authorise(request, 'roles.manage');
    const orgs = organisationsWhere(principalOf(user), 'roles.manage');
    const target = await loadTarget((request.params as { id: string }).id, orgs);
    const staff = target.staffId === null ? undefined : await app.stores.staff.findById(target.staffId);
    const grantable = ROLES.filter((role) => ORGANISATION_SCOPED_ROLES.has(role)
      ? ORGANISATIONS.some((o) => canGrant(principalOf(user), { role, organisationCode: o.code }))
      : canGrant(principalOf(user), { role, organisationCode: null }));
    const organisations = ORGANISATIONS.filter((o) => orgs === 'all' || orgs.includes(o.code));
    return reply.render('pages/admin/user.njk', { target, staff, grantable, organisations, scopedRoles: [...ORGANISATION_SCOPED_ROLES] });
  });

  const changeRole = (action: 'grant' | 'revoke') => async (request: FastifyRequest, reply: FastifyReply) => {
    const user = authorise(request, 'roles.manage');
    const orgs = organisationsWhere(principalOf(user), 'roles.manage');
    const id = (request.params as { id: string }).id;
    const target = await loadTarget(id, orgs);
    const parsed = GrantSchema.safeParse(request.body);
    if (!parsed.success) throw new DomainError('GNM_VALIDATION', { field: 'role' });
    const role = parsed.data.role;
    if (!isRole(role)) throw new DomainError('GNM_VALIDATION', { field: 'role' });
    const code = parsed.data.organisationCode ?? '';
    const grant: RoleGrant = { role, organisationCode: ORGANISATION_SCOPED_ROLES.has(role) ? (code === '' ? null : code) : null };
    if (!validateGrant(grant) || (grant.organisationCode !== null && organisationByCode(grant.organisationCode) === undefined)) {
      throw new DomainError('GNM_ROLE_SCOPE');
    }
    if (!canGrant(principalOf(user), grant)) throw new DomainError('GNM_ROLE_SCOPE');
    if (action === 'grant') await app.stores.users.grant(target.id, grant, user.id);
    else await app.stores.users.revoke(target.id, grant, user.id);
    return reply.redirect(localPath(request.lang, `/admin/users/${target.id}?done=${action}`), 303);
  };

  app.post('/admin/users/:id/roles', { config: { access: 'roles.manage' } }, changeRole('grant'));
  app.post('/admin/users/:id/roles/revoke', { config: { access: 'roles.manage' } }, changeRole('revoke'));

  app.get('/admin/audit', { config: { access: 'audit.read' } }, async (request, reply) => {
    const query = z.object({ before: z.coerce.number().int().positive().optional() }).safeParse(request.query);
    const beforeId = query.success ? query.data.before : undefined;
    const events = await app.stores.audit.list({ limit: 50, ...(beforeId === undefined ? {} : { beforeId }) });
    return reply.render('pages/admin/audit.njk', { events, nextBefore: events.length === 50 ? events[events.length - 1]?.id : undefined });
  });
}
