import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config/env.js';
import { buildApp } from '../../src/web/app.js';
import { PublishedLibrary } from '../../src/services/learning/published-library.js';
import { PublicationStore } from '../../src/db/stores/publication-store.js';
import { buildTestApp, signedIn, type SignedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';

const MODULE = 'https://genomeg.wales/xapi/activities/module/sample-genomics';

/** Change a file of the module in this test's own copy of content/. */
function edit(dir: string, file: string, change: (text: string) => string): void {
  const path = join(dir, 'sample-genomics', file);
  writeFileSync(path, change(readFileSync(path, 'utf8')));
}

describe.each(engines)('publishing a new module version on $name', (engine) => {
  let contentDir: string;
  let t: TestApp;
  let second: FastifyInstance | undefined;
  let lead: SignedIn;
  let learner: SignedIn;
  const get = (app: FastifyInstance, who: SignedIn, url: string) => app.inject({ method: 'GET', url, headers: { cookie: who.cookie, accept: 'text/html' } });
  const post = (app: FastifyInstance, who: SignedIn, url: string, payload: Record<string, string | string[]> = {}) =>
    app.inject({ method: 'POST', url, headers: { cookie: who.cookie, accept: 'text/html' }, payload: { _csrf: who.csrf, ...payload } });

  beforeAll(async () => {
    contentDir = mkdtempSync(join(tmpdir(), 'genomeg-content-'));
    cpSync('test/fixtures/content/sample-genomics', join(contentDir, 'sample-genomics'), { recursive: true });
    t = await buildTestApp(engine, { CONTENT_DIR: contentDir });
    lead = await signedIn(t.app, [{ role: 'education-lead', organisationCode: null }]);
    learner = await signedIn(t.app, [{ role: 'learner', organisationCode: null }]);
  });
  afterAll(async () => {
    await second?.close();
    await t.close();
    rmSync(contentDir, { recursive: true, force: true });
  });

  it('serves the version in content/ as published until a lead first publishes', async () => {
    expect((await get(t.app, learner, '/learn/sample-genomics')).body).toContain('1.0.0');
    const page = await get(t.app, lead, '/admin/learning/modules');
    expect(page.body).toContain('Counts as published until a lead publishes');
    expect(page.body).toContain('Publish version 1.0.0');
    // A learner passes version 1.0.0.
    await post(t.app, learner, '/learn/sample-genomics/assessment');
    const attempt = /\/assessment\/([0-9a-f-]{36})"/.exec((await get(t.app, learner, '/learn/sample-genomics/assessment')).body)?.[1] ?? '';
    expect((await post(t.app, learner, `/learn/sample-genomics/assessment/${attempt}`, { 'q-q1': 'a', 'q-q2': ['a', 'b'] })).statusCode).toBe(303);
  });

  it('publishes the version in content/, audited, and then offers nothing more to publish', async () => {
    const published = await post(t.app, lead, '/admin/learning/modules/sample-genomics/publish', { version: '1.0.0' });
    expect(published.statusCode).toBe(303);
    const page = await get(t.app, lead, '/admin/learning/modules?published=sample-genomics');
    expect(page.body).toContain('Learners now get Sample: genes and DNA, version 1.0.0.');
    expect(page.body).toContain('Same as published');
    expect(page.body).not.toContain('Publish version');
    // The same version again (a second click, a second tab) changes nothing.
    expect((await post(t.app, lead, '/admin/learning/modules/sample-genomics/publish', { version: '1.0.0' })).statusCode).toBe(409);
    expect((await t.app.stores.audit.list({ entityType: 'learning_module', entityId: MODULE })).map((e) => e.action)).toEqual(['module-version.published']);
  });

  it('keeps learners on the published version when content/ moves on, until a lead publishes the new one', async () => {
    edit(contentDir, 'module.yaml', (s) => s.replace('version: 1.0.0', 'version: 1.1.0'));
    edit(contentDir, 'pages/01-genes.en.md', (s) => s.replace('# Genes', '# Genes and what they do'));
    edit(contentDir, 'pages/01-genes.cy.md', (s) => s.replace('# Genynnau', '# Genynnau a beth maen nhw’n ei wneud'));
    // A web process started after the files changed, on the same database.
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', CONTENT_DIR: contentDir });
    second = await buildApp({ config, database: t.database, logger: false });
    await second.ready();
    const app = second;
    expect((await get(app, learner, '/learn/sample-genomics/pages/1')).body).not.toContain('Genes and what they do');
    expect((await get(app, learner, '/learn/sample-genomics')).body).toContain('1.0.0');

    const page = await get(app, lead, '/admin/learning/modules');
    expect(page.body).toContain('Newer version ready');
    expect(page.body).toContain('Publish version 1.1.0');
    // A form for a version content/ does not hold is refused.
    expect((await post(app, lead, '/admin/learning/modules/sample-genomics/publish', { version: '1.2.0' })).statusCode).toBe(409);

    expect((await post(app, lead, '/admin/learning/modules/sample-genomics/publish', { version: '1.1.0' })).statusCode).toBe(303);
    expect((await get(app, learner, '/learn/sample-genomics/pages/1')).body).toContain('Genes and what they do');
    expect((await get(app, learner, '/cy/learn/sample-genomics/pages/1')).body).toContain('Genynnau a beth maen nhw’n ei wneud');
    // The new version starts afresh; the earlier completion stays, with its version.
    expect((await get(app, learner, '/learn/sample-genomics/assessment')).body).toContain('Start the assessment');
    expect((await get(app, learner, '/my-learning.csv')).body).toContain('Sample: genes and DNA,1.0.0');

    // The first process had read version 1.0.0; its next refresh picks up 1.1.0.
    expect((await get(t.app, learner, '/learn/sample-genomics/pages/1')).body).not.toContain('Genes and what they do');
    const library = t.app.content;
    if (!(library instanceof PublishedLibrary)) throw new Error('expected the published library');
    await library.refresh(PublicationStore.create(t.database.db));
    expect((await get(t.app, learner, '/learn/sample-genomics/pages/1')).body).toContain('Genes and what they do');
  });

  it('will not publish changed files under a version number already published', async () => {
    edit(contentDir, 'pages/02-dna.en.md', (s) => s.replace('four bases', 'four chemical bases'));
    const page = await get(t.app, lead, '/admin/learning/modules');
    expect(page.body).toContain('Changed without a new version number');
    expect(page.body).not.toContain('Publish version');
    expect((await post(t.app, lead, '/admin/learning/modules/sample-genomics/publish', { version: '1.1.0' })).statusCode).toBe(409);
    expect((await get(t.app, learner, '/learn/sample-genomics/pages/2')).body).not.toContain('four chemical bases');
    const events = await t.app.stores.audit.list({ entityType: 'learning_module', entityId: MODULE });
    expect(events.map((e) => (e.after as { version: string }).version)).toEqual(['1.1.0', '1.0.0']);
  });

  it('refuses a module version that fails the content check', async () => {
    edit(contentDir, 'module.yaml', (s) => s.replace('version: 1.1.0', 'version: 1.2.0'));
    rmSync(join(contentDir, 'sample-genomics', 'pages', '02-dna.cy.md'));
    const page = await get(t.app, lead, '/admin/learning/modules');
    expect(page.body).toContain('Missing or has problems');
    expect(page.body).not.toContain('Publish version');
    expect((await post(t.app, lead, '/admin/learning/modules/sample-genomics/publish', { version: '1.2.0' })).statusCode).toBe(409);
    // Learners keep the published version.
    expect((await get(t.app, learner, '/learn/sample-genomics')).body).toContain('1.1.0');
  });
});
