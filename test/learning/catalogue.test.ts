// The catalogue's cards say where the learner stands with each module.
// Regression: a module passed at 100% showed "In progress" on its card, because
// the card looked only at the learner's place in the pages.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { moduleStatus } from '../../src/domain/learning/index.js';
import { buildTestApp, signedIn, type SignedIn, type TestApp } from '../support/app.js';
import { engines } from '../support/engines.js';

describe('where a learner stands with a module', () => {
  const module = { id: 'm', version: '1.1.0' };
  const place = (moduleVersion: string) => ({ moduleVersion });
  const passed = (moduleVersion: string) => [{ moduleId: 'm', moduleVersion }];

  it('is completed once the current version is passed, whatever page they last read', () => {
    expect(moduleStatus(module, place('1.1.0'), passed('1.1.0'))).toBe('completed');
    expect(moduleStatus(module, undefined, passed('1.1.0'))).toBe('completed');
  });

  it('is in progress while reading without a pass, and not started without a place', () => {
    expect(moduleStatus(module, place('1.1.0'), [])).toBe('in-progress');
    expect(moduleStatus(module, undefined, [])).toBe('not-started');
    expect(moduleStatus(module, place('1.1.0'), [{ moduleId: 'other', moduleVersion: '1.1.0' }])).toBe('in-progress');
  });

  it('counts an earlier version\'s pass as completed until the learner starts reading the new version', () => {
    expect(moduleStatus(module, place('1.0.0'), passed('1.0.0'))).toBe('completed');
    expect(moduleStatus(module, place('1.1.0'), passed('1.0.0'))).toBe('in-progress');
  });
});

describe.each(engines)('the catalogue\'s cards on $name', (engine) => {
  let t: TestApp;
  let learner: SignedIn;
  const get = (url: string) => t.app.inject({ method: 'GET', url, headers: { cookie: learner.cookie, accept: 'text/html' } });
  const post = (url: string, payload: string) => t.app.inject({ method: 'POST', url, headers: { cookie: learner.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${learner.csrf}&${payload}` });
  const card = (html: string) => /<li class="nhsuk-grid-column-one-half nhsuk-card-group__item">([\s\S]*?)<\/li>/.exec(html)?.[1] ?? '';

  beforeAll(async () => {
    t = await buildTestApp(engine);
    learner = await signedIn(t.app, [{ role: 'learner', organisationCode: null }]);
  });
  afterAll(async () => { await t.close(); });

  it('shows a module passed at 100% as completed, not in progress, in both languages', async () => {
    expect(card((await get('/learn')).body)).not.toMatch(/In progress|Completed/);
    await get('/learn/sample-genomics/pages/1');
    expect(card((await get('/learn')).body)).toContain('In progress');

    await post('/learn/sample-genomics/assessment', '');
    const form = await get('/learn/sample-genomics/assessment');
    const attempt = /\/assessment\/([0-9a-f-]{36})"/.exec(form.body)?.[1] ?? '';
    expect((await post(`/learn/sample-genomics/assessment/${attempt}`, 'q-q1=a&q-q2=a&q-q2=b')).statusCode).toBe(303);
    expect((await get('/learn/sample-genomics/assessment')).body).toContain('(100%)');

    const english = card((await get('/learn')).body);
    expect(english).toContain('Completed');
    expect(english).not.toContain('In progress');
    const welsh = card((await get('/cy/learn')).body);
    expect(welsh).toContain('Wedi&#39;i gwblhau');
    expect(welsh).not.toContain('Ar y gweill');
  });
});
