// Learning tools that stand on their own as well as inside a module page: the
// inheritance-risk tool at /tools/inheritance and the genotype-to-phenotype
// explorer at /tools/pgx-explorer. GET forms: the answer is in the address,
// nothing is stored, and they work without JavaScript. Signed-in, as the
// module pages are.

import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import { currentUser } from '../plugins/auth.js';
import { localPath } from '../plugins/language.js';
import { inheritanceToolView } from '../inheritance-tool.js';
import { pgxExplorerView } from '../content-tools.js';

/** The module that embeds the inheritance tool, linked from the standalone page when it is in the library. */
const INHERITANCE_MODULE = 'family-history-and-inheritance';

// A field that is not a short string is taken as not given (the view checks each value against its table).
const field = z.string().max(20).optional().catch(undefined);
const PgxQuery = z.object({ gene: field, a1: field, a2: field, back: field });

export function toolRoutes(app: FastifyInstance): Promise<void> {
  app.get('/tools/inheritance', { config: { access: 'signed-in' } }, (request, reply) => {
    currentUser(request);
    const tool = inheritanceToolView(request.t, request.query);
    const path = localPath(request.lang, '/tools/inheritance');
    return reply.render('pages/tools/inheritance.njk', {
      tool, toolAction: path, toolLive: path,
      moduleHref: app.content.bySlug(INHERITANCE_MODULE) === undefined ? null : localPath(request.lang, `/learn/${INHERITANCE_MODULE}`),
    });
  });
  app.get('/tools/pgx-explorer', { config: { access: 'signed-in' } }, (request, reply) => {
    currentUser(request);
    const parsed = PgxQuery.safeParse(request.query);
    return reply.render('pages/tools/pgx-explorer.njk', { pgx: pgxExplorerView(request.t, parsed.success ? parsed.data : {}), pgxHeading: 2 });
  });
  return Promise.resolve();
}
