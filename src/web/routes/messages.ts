// Messages the platform sent: the outbox and the addresses that fail, for
// platform administrators; each person's own messages under My learning.
// Reading only: nothing here changes anything. Personal pages are no-store
// (app.ts sends that header for every signed-in page).

import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { DomainError } from '../../domain/errors.js';
import { authorise, currentUser } from '../plugins/auth.js';

const PAGE = 50;

const PagingSchema = z.object({
  // "ISO time|id" of the last message shown.
  before: z.string().max(100).regex(/^\d{4}-\d{2}-\d{2}T[\d:.]+Z\|[0-9a-f-]{36}$/).optional(),
});

function pagingOf(query: unknown): { readonly at: Date; readonly id: string } | undefined {
  const parsed = PagingSchema.safeParse(query);
  if (!parsed.success || parsed.data.before === undefined) return undefined;
  const [at = '', id = ''] = parsed.data.before.split('|');
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? undefined : { at: date, id };
}

const IdSchema = z.object({ id: z.uuid() });

export async function messageRoutes(app: FastifyInstance): Promise<void> {
  const store = app.email.store;

  app.get('/admin/outbox', { config: { access: 'email.outbox.read' } }, async (request, reply) => {
    authorise(request, 'email.outbox.read');
    const before = pagingOf(request.query);
    const messages = await store.list({ limit: PAGE, ...(before === undefined ? {} : { before }) });
    const last = messages[messages.length - 1];
    return reply.render('pages/messages/outbox.njk', {
      messages, failed: await store.failedAddresses(), smtpHost: app.email.smtpHost, counts: await store.countByStatus(),
      nextBefore: messages.length === PAGE && last !== undefined ? `${last.createdAt.toISOString()}|${last.id}` : undefined,
    });
  });

  app.get('/admin/outbox/:id', { config: { access: 'email.outbox.read' } }, async (request, reply) => {
    authorise(request, 'email.outbox.read');
    const params = IdSchema.safeParse(request.params);
    const message = params.success ? await store.get(params.data.id) : null;
    if (message === null) throw new DomainError('GNM_NOT_FOUND');
    return reply.render('pages/messages/message.njk', { message, back: '/admin/outbox', backText: 'outbox.back', admin: true });
  });

  app.get('/my-learning/messages', { config: { access: 'signed-in' } }, async (request, reply) => {
    const user = currentUser(request);
    const before = pagingOf(request.query);
    const messages = await store.list({ limit: PAGE, userId: user.id, ...(before === undefined ? {} : { before }) });
    const last = messages[messages.length - 1];
    return reply.render('pages/messages/mine.njk', {
      messages, nextBefore: messages.length === PAGE && last !== undefined ? `${last.createdAt.toISOString()}|${last.id}` : undefined,
    });
  });

  app.get('/my-learning/messages/:id', { config: { access: 'signed-in' } }, async (request, reply) => {
    const user = currentUser(request);
    const params = IdSchema.safeParse(request.params);
    const message = params.success ? await store.get(params.data.id) : null;
    // Someone else's message is not found, as if it did not exist.
    if (message === null || message.userId !== user.id) throw new DomainError('GNM_NOT_FOUND');
    return reply.render('pages/messages/message.njk', { message, back: '/my-learning/messages', backText: 'messages.back', admin: false });
  });
}
