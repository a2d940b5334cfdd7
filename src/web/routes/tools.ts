// Learning tools that stand on their own as well as inside a module page: the
// inheritance-risk tool at /tools/inheritance. A GET form: the answer is in the
// address, nothing is stored, and it works without JavaScript. Signed-in, as
// the module pages are.

import type { FastifyInstance } from 'fastify';
import { currentUser } from '../plugins/auth.js';
import { localPath } from '../plugins/language.js';
import { inheritanceToolView } from '../inheritance-tool.js';

/** The module that embeds the tool, linked from the standalone page when it is in the library. */
const INHERITANCE_MODULE = 'family-history-and-inheritance';

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
  return Promise.resolve();
}
