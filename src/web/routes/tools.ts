// Interactive learning tools on their own pages (each is also embedded in a
// module page, src/web/content-tools.ts). GET forms: nothing is stored.

import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { currentUser } from '../plugins/auth.js';
import { pgxExplorerView } from '../content-tools.js';

// A field that is not a short string is taken as not given (the view checks each value against its table).
const field = z.string().max(20).optional().catch(undefined);
const PgxQuery = z.object({ gene: field, a1: field, a2: field, back: field });

export async function toolRoutes(app: FastifyInstance): Promise<void> {
  app.get('/tools/pgx-explorer', { config: { access: 'signed-in' } }, (request, reply) => {
    currentUser(request);
    const parsed = PgxQuery.safeParse(request.query);
    return reply.render('pages/tools/pgx-explorer.njk', { pgx: pgxExplorerView(request.t, parsed.success ? parsed.data : {}), pgxHeading: 2 });
  });
}
