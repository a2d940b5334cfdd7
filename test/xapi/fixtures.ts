// Statements for the LRS tests: a valid one to start from, and helpers.

import { randomUUID } from 'node:crypto';

export type Json = Record<string, unknown>;

export function validStatement(overrides: Json = {}): Json {
  return {
    actor: { objectType: 'Agent', name: 'Siân Evans', mbox: 'mailto:sian.evans@example.nhs.wales' },
    verb: { id: 'http://adlnet.gov/expapi/verbs/completed', display: { 'en-GB': 'completed', cy: 'cwblhau' } },
    object: {
      objectType: 'Activity', id: 'https://genomeg.nhs.wales/modules/intro-genomics',
      definition: { name: { 'en-GB': 'Introduction to genomics', cy: 'Cyflwyniad i genomeg' }, type: 'http://adlnet.gov/expapi/activities/module' },
    },
    result: { score: { scaled: 0.8, raw: 8, min: 0, max: 10 }, success: true, completion: true, duration: 'PT25M30S' },
    context: {
      registration: randomUUID(), language: 'cy',
      contextActivities: { parent: [{ id: 'https://genomeg.nhs.wales/courses/literacy' }], category: { id: 'https://w3id.org/xapi/cmi5/context/categories/moveon' } },
    },
    timestamp: '2026-03-01T10:15:00+01:00',
    ...overrides,
  };
}
