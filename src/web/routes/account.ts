// A person's own account (changing their password, which a one-time password
// from `genomeg users create` forces at first sign-in) and administrators'
// account controls: disable and re-enable (every session ends at once), and
// when the account last signed in. Every change is audited by the store.
// Roles stay on the users pages (routes/admin.ts).

import { z } from 'zod';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { organisationsWhere } from '../../domain/auth/index.js';
import { passwordProblem, PASSWORD_MIN_LENGTH, type PasswordProblem } from '../../domain/auth/password-policy.js';
import { DomainError } from '../../domain/errors.js';
import { hashToken } from '../../db/stores/session-store.js';
import type { User } from '../../db/stores/user-store.js';
import { commonPasswords } from '../../security/common-passwords.js';
import { hashPassword, verifyPassword } from '../../security/passwords.js';
import { authorise, currentUser, principalOf } from '../plugins/auth.js';
import { localPath } from '../plugins/language.js';

const PasswordChangeSchema = z.object({
  currentPassword: z.string().max(1024).default(''),
  newPassword: z.string().max(1024).default(''),
  confirmPassword: z.string().max(1024).default(''),
});

const PASSWORD_PAGE = '/account/password';
/** Where a person who must change their password may still go. */
const OPEN_WHILE_CHANGING = new Set([PASSWORD_PAGE, '/sign-out', '/signed-out', '/sign-out/sso', '/health']);

/**
 * While a person's password is a one-time one, every page but the password
 * page (and signing out) sends them there; anything else is refused.
 */
export function installPasswordChangeGate(app: FastifyInstance): void {
  app.addHook('preHandler', async (request, reply) => {
    if (request.user?.mustChangePassword !== true) return;
    const route = request.routeOptions.url ?? '';
    if (request.is404 || route.startsWith('/assets/') || OPEN_WHILE_CHANGING.has(route)) return;
    if (request.method === 'GET') {
      await reply.redirect(localPath(request.lang, PASSWORD_PAGE), 303);
      return reply;
    }
    throw new DomainError('GNM_FORBIDDEN');
  });
}

const problemKey: Record<PasswordProblem, string> = {
  required: 'accounts.password.errors.required',
  'too-short': 'accounts.password.errors.tooShort',
  'too-long': 'accounts.password.errors.tooLong',
  common: 'accounts.password.errors.common',
  email: 'accounts.password.errors.email',
  mismatch: 'accounts.password.errors.mismatch',
};

export async function accountRoutes(app: FastifyInstance): Promise<void> {
  app.get(PASSWORD_PAGE, { config: { access: 'signed-in' } }, async (request, reply) => {
    const user = currentUser(request);
    const hasPassword = (await app.stores.accounts.passwordHashOf(user.id)) !== null;
    const done = (request.query as { done?: string }).done === '1';
    return reply.render('pages/account/password.njk', { hasPassword, forced: user.mustChangePassword, done, minLength: PASSWORD_MIN_LENGTH, errors: [] });
  });

  app.post(PASSWORD_PAGE, { config: { access: 'signed-in' } }, async (request, reply) => {
    const user = currentUser(request);
    const parsed = PasswordChangeSchema.safeParse(request.body ?? {});
    const body = parsed.success ? parsed.data : { currentPassword: '', newPassword: '', confirmPassword: '' };
    const currentHash = await app.stores.accounts.passwordHashOf(user.id);
    const errors: { field: string; key: string; params?: Record<string, number> }[] = [];
    if (currentHash !== null) {
      if (body.currentPassword === '') errors.push({ field: 'currentPassword', key: 'accounts.password.errors.currentRequired' });
      else if (!(await verifyPassword(currentHash, body.currentPassword))) errors.push({ field: 'currentPassword', key: 'accounts.password.errors.currentWrong' });
    }
    const problem = passwordProblem(body.newPassword, body.confirmPassword, { email: user.email, common: commonPasswords() });
    if (problem !== null) errors.push({ field: problem === 'mismatch' ? 'confirmPassword' : 'newPassword', key: problemKey[problem], params: { min: PASSWORD_MIN_LENGTH } });
    if (errors.length === 0 && currentHash !== null && body.newPassword === body.currentPassword) errors.push({ field: 'newPassword', key: 'accounts.password.errors.same' });
    if (errors.length > 0) {
      return reply.code(400).render('pages/account/password.njk', { hasPassword: currentHash !== null, forced: user.mustChangePassword, done: false, minLength: PASSWORD_MIN_LENGTH, errors });
    }
    await app.stores.accounts.changePassword(user.id, await hashPassword(body.newPassword), request.sessionToken === null ? null : hashToken(request.sessionToken));
    request.log.info({ event: 'password-changed', userId: user.id }, 'password changed');
    return reply.redirect(localPath(request.lang, `${PASSWORD_PAGE}?done=1`), 303);
  });

  // ---- administrators ---------------------------------------------------------

  /** The account, if this administrator may manage it: in their organisations (staff record or a role there), or any for a platform administrator. */
  const manageable = async (admin: User, id: string): Promise<User> => {
    const target = await app.stores.users.findById(id);
    if (target === undefined) throw new DomainError('GNM_NOT_FOUND');
    const orgs = organisationsWhere(principalOf(admin), 'roles.manage');
    if (orgs === 'all') return target;
    const staff = target.staffId === null ? undefined : await app.stores.staff.findById(target.staffId);
    const inOrg = (staff !== undefined && orgs.includes(staff.organisationCode)) || target.grants.some((g) => g.organisationCode !== null && orgs.includes(g.organisationCode));
    if (!inOrg) throw new DomainError('GNM_NOT_FOUND');
    return target;
  };

  app.get('/admin/users/:id/account', { config: { access: 'roles.manage' } }, async (request, reply) => {
    const admin = authorise(request, 'roles.manage');
    const target = await manageable(admin, (request.params as { id: string }).id);
    const done = (request.query as { done?: string }).done;
    // An address the mail server refused for good gets nothing more (reminders, resets): the administrator is told.
    const emailFailing = await app.email.store.failedAddress(target.email);
    return reply.render('pages/account/admin-account.njk', { target, self: target.id === admin.id, done: done === 'disabled' || done === 'enabled' ? done : null, emailFailing });
  });

  const setActive = (active: boolean) => async (request: FastifyRequest, reply: FastifyReply) => {
    const admin = authorise(request, 'roles.manage');
    const target = await manageable(admin, (request.params as { id: string }).id);
    // Disabling yourself would lock out the person doing it, perhaps the last administrator.
    if (!active && target.id === admin.id) {
      return reply.code(400).render('pages/account/admin-account.njk', { target, self: true, done: null, errors: [{ field: 'disable', key: 'accounts.admin.errors.self' }] });
    }
    await app.stores.accounts.setActive(target.id, active, admin.id);
    request.log.info({ event: active ? 'user.enabled' : 'user.disabled', userId: target.id, by: admin.id }, 'account changed');
    return reply.redirect(localPath(request.lang, `/admin/users/${target.id}/account?done=${active ? 'enabled' : 'disabled'}`), 303);
  };
  app.post('/admin/users/:id/disable', { config: { access: 'roles.manage' } }, setActive(false));
  app.post('/admin/users/:id/enable', { config: { access: 'roles.manage' } }, setActive(true));
}
