// English at /path, Welsh at /cy/path: every page has a twin one click away, and
// a link can be shared in either language. The prefix is taken off before
// routing, so one route serves both. The language of the last page a person
// viewed is remembered (cookie, and their account when signed in).

import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Language } from '../../domain/i18n.js';
import { translator, type Translate } from '../i18n.js';

declare module 'fastify' {
  interface FastifyRequest {
    lang: Language;
    t: Translate;
    /** The path and query as the person sees them, without the language prefix. */
    pagePath: string;
  }
}

const WELSH_PREFIX = /^\/cy(?=\/|\?|$)/;

interface TaggedMessage extends IncomingMessage {
  genomegLanguage?: Language;
}

/** For Fastify's rewriteUrl option: strip /cy and remember that it was there. */
export function rewriteLanguageUrl(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const tagged = req as TaggedMessage;
  if (WELSH_PREFIX.test(url)) {
    tagged.genomegLanguage = 'cy';
    const rest = url.replace(WELSH_PREFIX, '');
    return rest === '' || rest.startsWith('?') ? `/${rest}` : rest;
  }
  tagged.genomegLanguage = 'en';
  return url;
}

/** A path in a given language. */
export function localPath(language: Language, path: string): string {
  if (language === 'en') return path;
  return path === '/' ? '/cy' : path.startsWith('/?') ? `/cy${path.slice(1)}` : `/cy${path}`;
}

export const LANGUAGE_COOKIE = 'gnm_lang';

export function installLanguage(app: FastifyInstance): void {
  const translators: Record<Language, Translate> = { en: translator('en'), cy: translator('cy') };
  app.decorateRequest('lang', 'en');
  app.decorateRequest('pagePath', '/');
  app.decorateRequest('t', translators.en);
  app.addHook('onRequest', (request, reply, done) => {
    const lang = (request.raw as TaggedMessage).genomegLanguage ?? 'en';
    request.lang = lang;
    request.t = translators[lang];
    request.pagePath = request.url;
    if (request.method === 'GET' && request.cookies[LANGUAGE_COOKIE] !== lang) {
      reply.setCookie(LANGUAGE_COOKIE, lang, { path: '/', sameSite: 'lax', httpOnly: true, maxAge: 365 * 24 * 3600, secure: request.protocol === 'https' });
    }
    done();
  });
}
