// Invitations: an administrator invites one person from the staff directory
// (organisation administrators within their organisations, platform
// administrators anyone); the person gets a single-use link that works for 7
// days, in the language of the page it was sent from, and accepting it sets a
// password (the same rules as everywhere) and creates a learner account linked
// to the staff record. /admin/invitations invites every active person without
// an account of one staff group, or a whole organisation, showing the count
// first (organisation administrators: their organisations; platform
// administrators: any); people with no work email or an account are skipped and
// counted, and the emails go as one batch.

import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { organisationsWhere } from '../../domain/auth/index.js';
import { passwordProblem, PASSWORD_MIN_LENGTH } from '../../domain/auth/password-policy.js';
import { DomainError } from '../../domain/errors.js';
import { ORGANISATIONS, STAFF_GROUPS } from '../../domain/staff/reference-data.js';
import type { AccountMessages } from '../../services/auth/account-messages.js';
import { commonPasswords } from '../../security/common-passwords.js';
import { hashPassword } from '../../security/passwords.js';
import { authorise, principalOf } from '../plugins/auth.js';
import { localPath } from '../plugins/language.js';
import { formErrors, type FieldError } from '../form-errors.js';

export const INVITATION_LIFETIME_DAYS = 7;
const BulkSchema = z.object({ organisation: z.string().max(20).default(''), staffGroup: z.string().max(60).default('') });
const AcceptSchema = z.object({ newPassword: z.string().max(1024).default(''), confirmPassword: z.string().max(1024).default('') });

export function invitationRoutes(messages: AccountMessages) {
  return async function routes(app: FastifyInstance): Promise<void> {
    /** The organisations this administrator may invite in, and the form's values checked against them. */
    function bulkForm(request: Parameters<typeof authorise>[0]) {
      const admin = authorise(request, 'roles.manage');
      const orgs = organisationsWhere(principalOf(admin), 'roles.manage');
      const organisations = ORGANISATIONS.filter((o) => orgs === 'all' || orgs.includes(o.code));
      const parsed = BulkSchema.safeParse(request.body ?? {});
      const values = parsed.success ? parsed.data : { organisation: '', staffGroup: '' };
      const errors: FieldError<'organisation' | 'staffGroup'>[] = [];
      if (!organisations.some((o) => o.code === values.organisation)) errors.push({ field: 'organisation', key: 'accounts.bulkInvite.errors.organisation' });
      if (values.staffGroup !== '' && !STAFF_GROUPS.some((g) => g.code === values.staffGroup)) errors.push({ field: 'staffGroup', key: 'accounts.bulkInvite.errors.staffGroup' });
      return { admin, organisations, values, errors, view: { organisations, staffGroups: STAFF_GROUPS, values } };
    }

    app.get('/admin/invitations', { config: { access: 'roles.manage' } }, async (request, reply) => {
      const { organisations } = bulkForm(request);
      const first = organisations.length === 1 ? organisations[0]?.code ?? '' : '';
      return reply.header('Cache-Control', 'no-store').render('pages/account/bulk-invite.njk', { organisations, staffGroups: STAFF_GROUPS, values: { organisation: first, staffGroup: '' }, ...formErrors([]) });
    });

    app.post('/admin/invitations/confirm', { config: { access: 'roles.manage' } }, async (request, reply) => {
      const { values, errors, view } = bulkForm(request);
      if (errors.length > 0) return reply.code(400).header('Cache-Control', 'no-store').render('pages/account/bulk-invite.njk', { ...view, ...formErrors(errors) });
      const found = await app.stores.accounts.bulkInvitees(values.organisation, values.staffGroup === '' ? null : values.staffGroup);
      return reply.header('Cache-Control', 'no-store').render('pages/account/bulk-invite-confirm.njk', { ...view, count: found.invite.length, noEmail: found.noEmail, hasAccount: found.hasAccount });
    });

    app.post('/admin/invitations/send', { config: { access: 'roles.manage' } }, async (request, reply) => {
      const { admin, values, errors, view } = bulkForm(request);
      if (errors.length > 0) return reply.code(400).header('Cache-Control', 'no-store').render('pages/account/bulk-invite.njk', { ...view, ...formErrors(errors) });
      const found = await app.stores.accounts.bulkInvitees(values.organisation, values.staffGroup === '' ? null : values.staffGroup);
      const tokens = await app.stores.accounts.issueInvitations(found.invite, { language: request.lang, organisationCode: values.organisation }, admin.id, INVITATION_LIFETIME_DAYS * 24 * 3600_000);
      const outgoing = found.invite.map((p, i) => ({ to: p.email, name: p.name, language: null, expiresInDays: INVITATION_LIFETIME_DAYS, invitedBy: admin.displayName, link: `${app.config.PUBLIC_URL}${localPath(request.lang, `/invitation/${tokens[i] ?? ''}`)}` }));
      if (messages.invitations !== undefined) await messages.invitations(outgoing);
      else for (const m of outgoing) await messages.invitation(m);
      return reply.header('Cache-Control', 'no-store').render('pages/account/bulk-invite-sent.njk', { ...view, count: outgoing.length, noEmail: found.noEmail, hasAccount: found.hasAccount, days: INVITATION_LIFETIME_DAYS });
    });

    app.post('/admin/staff/:id/invite', { config: { access: 'roles.manage' } }, async (request, reply) => {
      const admin = authorise(request, 'roles.manage');
      const staff = await app.stores.staff.findById((request.params as { id: string }).id);
      const orgs = organisationsWhere(principalOf(admin), 'roles.manage');
      if (staff === undefined || (orgs !== 'all' && !orgs.includes(staff.organisationCode))) throw new DomainError('GNM_NOT_FOUND');
      const problem = !staff.active ? 'left' : staff.email === null ? 'noEmail' : (await app.stores.users.findByEmail(staff.email)) !== undefined ? 'hasAccount' : null;
      if (problem !== null || staff.email === null) return reply.code(400).render('pages/account/invitation-sent.njk', { staff, problem: problem ?? 'noEmail' });
      const token = await app.stores.accounts.issueInvitation({ staffId: staff.id, email: staff.email, language: request.lang, organisationCode: staff.organisationCode }, admin.id, INVITATION_LIFETIME_DAYS * 24 * 3600_000);
      // The person's language is not known yet: the message is in Welsh, then English.
      await messages.invitation({ to: staff.email, name: `${staff.firstName} ${staff.lastName}`, language: null, expiresInDays: INVITATION_LIFETIME_DAYS, invitedBy: admin.displayName, link: `${app.config.PUBLIC_URL}${localPath(request.lang, `/invitation/${token}`)}` });
      return reply.render('pages/account/invitation-sent.njk', { staff, problem: null, days: INVITATION_LIFETIME_DAYS });
    });

    app.get('/invitation/:token', { config: { access: 'public' } }, async (request, reply) => {
      const token = (request.params as { token: string }).token;
      const invitation = await app.stores.accounts.invitation(token);
      if (invitation === undefined) return reply.code(400).render('pages/account/invitation-invalid.njk', {});
      return reply.render('pages/account/invitation.njk', { token, email: invitation.email, minLength: PASSWORD_MIN_LENGTH, errors: [] });
    });

    app.post('/invitation/:token', { config: { access: 'public' } }, async (request, reply) => {
      const token = (request.params as { token: string }).token;
      const invitation = await app.stores.accounts.invitation(token);
      const staff = invitation === undefined ? undefined : await app.stores.staff.findById(invitation.staffId);
      if (invitation === undefined || staff === undefined) return reply.code(400).render('pages/account/invitation-invalid.njk', {});
      const parsed = AcceptSchema.safeParse(request.body ?? {});
      const body = parsed.success ? parsed.data : { newPassword: '', confirmPassword: '' };
      const problem = passwordProblem(body.newPassword, body.confirmPassword, { email: invitation.email, common: commonPasswords() });
      if (problem !== null) {
        const key = { required: 'required', 'too-short': 'tooShort', 'too-long': 'tooLong', common: 'common', email: 'email', mismatch: 'mismatch' }[problem];
        return reply.code(400).render('pages/account/invitation.njk', { token, email: invitation.email, minLength: PASSWORD_MIN_LENGTH, errors: [{ field: problem === 'mismatch' ? 'confirmPassword' : 'newPassword', key: `accounts.password.errors.${key}`, params: { min: PASSWORD_MIN_LENGTH } }] });
      }
      const userId = await app.stores.accounts.acceptInvitation(token, { displayName: `${staff.firstName} ${staff.lastName}`, passwordHash: await hashPassword(body.newPassword) });
      const user = userId === undefined ? undefined : await app.stores.users.findById(userId);
      if (user === undefined) return reply.code(400).render('pages/account/invitation-invalid.njk', {});
      await reply.startSession(user);
      await app.stores.accounts.recordSignIn(user.id, 'password');
      return reply.redirect(localPath(user.language, '/'), 303);
    });
  };
}
