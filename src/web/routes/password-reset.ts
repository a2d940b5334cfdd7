// "Forgot your password": a single-use link by message that works for an hour.
// The answer is the same whether or not the address has an account, requests
// are limited per client address and per email (the sign-in throttle's window
// and count), and using the link ends every session of the account.

import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { passwordProblem, PASSWORD_MIN_LENGTH } from '../../domain/auth/password-policy.js';
import { hashToken } from '../../db/stores/session-store.js';
import type { AccountMessages } from '../../services/auth/account-messages.js';
import { commonPasswords } from '../../security/common-passwords.js';
import { hashPassword } from '../../security/passwords.js';
import { localPath } from '../plugins/language.js';

export const RESET_LIFETIME_MINUTES = 60;

const ForgotSchema = z.object({ email: z.string().trim().max(254).default('') });
const ResetSchema = z.object({ newPassword: z.string().max(1024).default(''), confirmPassword: z.string().max(1024).default('') });
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function passwordResetRoutes(messages: AccountMessages) {
  return async function routes(app: FastifyInstance): Promise<void> {
    app.get('/forgot-password', { config: { access: 'public' } }, (_request, reply) => reply.render('pages/account/forgot-password.njk', { values: {}, errors: [] }));

    app.post('/forgot-password', { config: { access: 'public' } }, async (request, reply) => {
      const parsed = ForgotSchema.safeParse(request.body ?? {});
      const email = parsed.success ? parsed.data.email.toLowerCase() : '';
      if (!EMAIL.test(email)) {
        return reply.code(400).render('pages/account/forgot-password.njk', { values: { email }, errors: [{ field: 'email', key: email === '' ? 'accounts.reset.errors.emailRequired' : 'accounts.reset.errors.emailInvalid' }] });
      }
      // The sign-in counters, under a key of their own: per address asked for, per client address.
      const resetKey = `reset:${hashToken(email)}`;
      if ((await app.stores.throttle.check(resetKey, request.ip)).waitMs > 0) {
        return reply.code(429).render('pages/account/forgot-password.njk', { values: { email }, errors: [{ field: 'email', key: 'accounts.reset.errors.throttled' }] });
      }
      // Every request counts, found or not: the limit is on asking, not on failing.
      await app.stores.throttle.recordFailure(resetKey, request.ip);
      const user = await app.stores.users.findByEmail(email);
      if (user?.active === true) {
        const token = await app.stores.accounts.issueResetToken(user.id, user.email, user.language, RESET_LIFETIME_MINUTES * 60_000);
        await messages.passwordReset({
          userId: user.id, to: user.email, name: user.displayName, language: user.language, expiresInMinutes: RESET_LIFETIME_MINUTES,
          link: `${app.config.PUBLIC_URL}${localPath(user.language, `/reset-password/${token}`)}`,
        });
      }
      return reply.render('pages/account/forgot-password-sent.njk', { email, minutes: RESET_LIFETIME_MINUTES });
    });

    app.get('/reset-password/:token', { config: { access: 'public' } }, async (request, reply) => {
      const token = (request.params as { token: string }).token;
      const userId = await app.stores.accounts.resetTokenUser(token);
      if (userId === undefined) return reply.code(400).render('pages/account/reset-invalid.njk', {});
      return reply.render('pages/account/reset-password.njk', { token, minLength: PASSWORD_MIN_LENGTH, errors: [] });
    });

    app.post('/reset-password/:token', { config: { access: 'public' } }, async (request, reply) => {
      const token = (request.params as { token: string }).token;
      const userId = await app.stores.accounts.resetTokenUser(token);
      const user = userId === undefined ? undefined : await app.stores.users.findById(userId);
      if (user === undefined) return reply.code(400).render('pages/account/reset-invalid.njk', {});
      const parsed = ResetSchema.safeParse(request.body ?? {});
      const body = parsed.success ? parsed.data : { newPassword: '', confirmPassword: '' };
      const problem = passwordProblem(body.newPassword, body.confirmPassword, { email: user.email, common: commonPasswords() });
      if (problem !== null) {
        const key = { required: 'required', 'too-short': 'tooShort', 'too-long': 'tooLong', common: 'common', email: 'email', mismatch: 'mismatch' }[problem];
        return reply.code(400).render('pages/account/reset-password.njk', { token, minLength: PASSWORD_MIN_LENGTH, errors: [{ field: problem === 'mismatch' ? 'confirmPassword' : 'newPassword', key: `accounts.password.errors.${key}`, params: { min: PASSWORD_MIN_LENGTH } }] });
      }
      if (!(await app.stores.accounts.resetPassword(token, await hashPassword(body.newPassword)))) return reply.code(400).render('pages/account/reset-invalid.njk', {});
      // If the person was signed in in this browser, that session has ended too.
      if (request.sessionToken !== null) await reply.endSession();
      request.log.info({ event: 'password-reset', userId: user.id }, 'password reset');
      return reply.render('pages/account/reset-done.njk', {});
    });
  };
}
