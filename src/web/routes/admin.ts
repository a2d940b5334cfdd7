// Managing who holds which role, and reading the audit log. Organisation
// administrators manage roles within their own organisations; platform
// administrators manage all roles everywhere.

import { z } from 'zod';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { canGrant, isRole, organisationsWhere, ORGANISATION_SCOPED_ROLES, removesOwnLastAdministratorRole, ROLES, validateGrant, type RoleGrant } from '../../domain/auth/index.js';
import { DomainError } from '../../domain/errors.js';
import { ORGANISATIONS, organisationByCode } from '../../domain/staff/index.js';
import { authorise, principalOf } from '../plugins/auth.js';
import { localPath } from '../plugins/language.js';
import { formErrors, type FieldError } from '../form-errors.js';
import type { User } from '../../db/stores/user-store.js';

const GrantSchema = z.object({
  role: z.string().refine(isRole),
  organisationCode: z.string().trim().max(10).optional(),
});

const DoneSchema = z.object({
  done: z.enum(['grant', 'revoke']).optional(),
  role: z.string().refine(isRole).optional(),
  organisationCode: z.string().max(10).optional(),
});

function doneQuery(action: 'grant' | 'revoke' | null, grant: RoleGrant): string {
  const query = new URLSearchParams();
  if (action !== null) query.set('done', action);
  query.set('role', grant.role);
  if (grant.organisationCode !== null) query.set('organisationCode', grant.organisationCode);
  return query.toString();
}

export async function adminRoutes(app: FastifyInstance): Promise<void> {
  app.get('/admin/users', { config: { access: 'roles.manage' } }, async (request, reply) => {
    const user = authorise(request, 'roles.manage');
    const orgs = organisationsWhere(principalOf(user), 'roles.manage');
    const users = await app.stores.users.list({ organisationCodes: orgs, limit: 200 });
    const query = DoneSchema.safeParse(request.query);
    const done = query.success && query.data.done === 'revoke' && query.data.role !== undefined
      ? { role: query.data.role, organisationCode: query.data.organisationCode ?? null }
      : undefined;
    return reply.render('pages/admin/users.njk', { users, done });
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

  const userPage = async (request: FastifyRequest, reply: FastifyReply, target: User, extra: Record<string, unknown> = {}) => {
    const user = authorise(request, 'roles.manage');
    const orgs = organisationsWhere(principalOf(user), 'roles.manage');
    const staff = target.staffId === null ? undefined : await app.stores.staff.findById(target.staffId);
    const grantable = ROLES.filter((role) => ORGANISATION_SCOPED_ROLES.has(role)
      ? ORGANISATIONS.some((o) => canGrant(principalOf(user), { role, organisationCode: o.code }))
      : canGrant(principalOf(user), { role, organisationCode: null }));
    const organisations = ORGANISATIONS.filter((o) => orgs === 'all' || orgs.includes(o.code));
    return reply.render('pages/admin/user.njk', { target, staff, grantable, organisations, scopedRoles: [...ORGANISATION_SCOPED_ROLES], values: {}, ...extra });
  };

  app.get('/admin/users/:id', { config: { access: 'roles.manage' } }, async (request, reply) => {
    const user = authorise(request, 'roles.manage');
    const orgs = organisationsWhere(principalOf(user), 'roles.manage');
    const target = await loadTarget((request.params as { id: string }).id, orgs);
    const query = DoneSchema.safeParse(request.query);
    const done = query.success && query.data.done !== undefined && query.data.role !== undefined
      ? { action: query.data.done, role: query.data.role, organisationCode: query.data.organisationCode ?? null }
      : undefined;
    return userPage(request, reply, target, { done });
  });

  /** The grant a form names, or the field that is wrong and why. */
  const grantFrom = (body: unknown): { grant: RoleGrant } | { error: FieldError<'role' | 'organisationCode'>; values: Record<string, string> } => {
    const parsed = GrantSchema.safeParse(body);
    const role = (body as { role?: unknown } | null)?.role;
    const values = { role: typeof role === 'string' ? role : '', organisationCode: parsed.success ? parsed.data.organisationCode ?? '' : '' };
    if (!parsed.success || !isRole(parsed.data.role)) return { error: { field: 'role', key: 'users.errors.roleRequired' }, values };
    const chosen = parsed.data.role;
    const code = parsed.data.organisationCode ?? '';
    if (!ORGANISATION_SCOPED_ROLES.has(chosen)) return { grant: { role: chosen, organisationCode: null } };
    if (code === '') return { error: { field: 'organisationCode', key: 'users.errors.organisationRequired' }, values };
    if (organisationByCode(code) === undefined) return { error: { field: 'organisationCode', key: 'users.errors.organisationUnknown' }, values };
    return { grant: { role: chosen, organisationCode: code } };
  };

  app.post('/admin/users/:id/roles', { config: { access: 'roles.manage' } }, async (request, reply) => {
    const user = authorise(request, 'roles.manage');
    const orgs = organisationsWhere(principalOf(user), 'roles.manage');
    const target = await loadTarget((request.params as { id: string }).id, orgs);
    const form = grantFrom(request.body);
    // A role that needs an organisation, given without one, is a mistake in the form, not a refusal (issue 14 item 9).
    if ('error' in form) return userPage(request, reply.code(400), target, { ...formErrors([form.error]), values: form.values });
    if (!validateGrant(form.grant) || !canGrant(principalOf(user), form.grant)) throw new DomainError('GNM_ROLE_SCOPE');
    await app.stores.users.grant(target.id, form.grant, user.id);
    return reply.redirect(localPath(request.lang, `/admin/users/${target.id}?${doneQuery('grant', form.grant)}`), 303);
  });

  const removal = async (request: FastifyRequest, source: unknown) => {
    const user = authorise(request, 'roles.manage');
    const orgs = organisationsWhere(principalOf(user), 'roles.manage');
    const target = await loadTarget((request.params as { id: string }).id, orgs);
    const form = grantFrom(source);
    if ('error' in form) throw new DomainError('GNM_VALIDATION', { field: form.error.field });
    const grant = form.grant;
    if (!canGrant(principalOf(user), grant)) throw new DomainError('GNM_ROLE_SCOPE');
    const held = target.grants.some((g) => g.role === grant.role && g.organisationCode === grant.organisationCode);
    if (!held) throw new DomainError('GNM_NOT_FOUND');
    return { user, target, grant, lastAdmin: removesOwnLastAdministratorRole(principalOf(user), principalOf(target), grant) };
  };

  // Removing a role asks first, on a page of its own (works without JavaScript).
  app.get('/admin/users/:id/roles/remove', { config: { access: 'roles.manage' } }, async (request, reply) => {
    const { target, grant, lastAdmin } = await removal(request, request.query);
    const errors = lastAdmin ? [{ field: 'confirm', key: 'users.errors.lastAdminRole' }] : [];
    return reply.code(lastAdmin ? 409 : 200).render('pages/admin/role-remove.njk', { target, grant, errors, lastAdmin });
  });

  app.post('/admin/users/:id/roles/revoke', { config: { access: 'roles.manage' } }, async (request, reply) => {
    const { user, target, grant, lastAdmin } = await removal(request, request.body);
    if (lastAdmin) {
      return reply.code(409).render('pages/admin/role-remove.njk', { target, grant, errors: [{ field: 'confirm', key: 'users.errors.lastAdminRole' }], lastAdmin });
    }
    // A form that did not come through the confirmation page goes there first.
    if ((request.body as { confirm?: unknown } | null)?.confirm !== 'yes') {
      return reply.redirect(localPath(request.lang, `/admin/users/${target.id}/roles/remove?${doneQuery(null, grant)}`), 303);
    }
    await app.stores.users.revoke(target.id, grant, user.id);
    // Without a role in the administrator's organisations, the person is no longer theirs to see.
    const stillVisible = await loadTarget(target.id, organisationsWhere(principalOf(user), 'roles.manage')).then(() => true, () => false);
    return reply.redirect(localPath(request.lang, stillVisible ? `/admin/users/${target.id}?${doneQuery('revoke', grant)}` : `/admin/users?${doneQuery('revoke', grant)}`), 303);
  });

  app.get('/admin/audit', { config: { access: 'audit.read' } }, async (request, reply) => {
    const query = z.object({ before: z.coerce.number().int().positive().optional() }).safeParse(request.query);
    const beforeId = query.success ? query.data.before : undefined;
    const events = await app.stores.audit.list({ limit: 50, ...(beforeId === undefined ? {} : { beforeId }) });
    return reply.render('pages/admin/audit.njk', { events, nextBefore: events.length === 50 ? events[events.length - 1]?.id : undefined });
  });
}
