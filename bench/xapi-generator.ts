// A seeded generator of realistic learning statements: many learners across NHS
// Wales organisations working through genomics modules over two years (pages
// experienced, questions answered, assessments attempted, passed or failed,
// modules completed, webinars attended), each about 2 KB of JSON like real
// eLearning packages send.

import { seededRandom } from '../src/seed/synthetic-staff.js';

export type Json = Record<string, unknown>;

const VERBS = ['experienced', 'answered', 'attempted', 'passed', 'failed', 'completed', 'attended'] as const;
export const MODULES = ['intro-genomics', 'inherited-disease', 'cancer-genomics', 'pharmacogenomics', 'consent', 'variant-interpretation', 'bioinformatics', 'rare-disease',
  'genomic-counselling', 'newborn-screening', 'familial-hypercholesterolaemia', 'tumour-profiling', 'data-ethics', 'whole-genome-sequencing', 'polygenic-risk', 'mitochondrial'];
const ORGS = ['7A1', '7A2', '7A3', '7A4', '7A5', '7A6', '7A7', 'RQF', 'RT4', 'RYT'];

/** The seeded generator the synthetic staff use (mulberry32). */
export const random = seededRandom;

export function uuidFrom(rand: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rand() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export interface GeneratorOptions {
  readonly learners: number;
  readonly seed: number;
}

export const LEARNER = (i: number): Json => ({ objectType: 'Agent', name: `Learner ${i}`, account: { homePage: 'https://esr.nhs.uk', name: `E${(100000 + i).toString()}` } });
export const MODULE_ID = (m: string): string => `https://genomeg.nhs.wales/modules/${m}`;
export const VERB_ID = (v: string): string => `http://adlnet.gov/expapi/verbs/${v}`;

/** The n-th statement of a seeded stream (deterministic for a seed and n). */
export function statementAt(options: GeneratorOptions, n: number): Json {
  const rand = random(options.seed * 1_000_003 + n);
  const learner = Math.floor(rand() * options.learners);
  const module = MODULES[Math.floor(rand() * MODULES.length)] as string;
  const verb = VERBS[Math.floor(rand() * VERBS.length)] as string;
  const page = 1 + Math.floor(rand() * 12);
  const when = new Date(Date.UTC(2024, 10, 1) + Math.floor(rand() * 730 * 86_400_000));
  const registration = uuidFrom(random(learner * 31 + MODULES.indexOf(module)));
  const object = verb === 'answered'
    ? { objectType: 'Activity', id: `${MODULE_ID(module)}/questions/q${page}`, definition: {
      type: 'http://adlnet.gov/expapi/activities/cmi.interaction', interactionType: 'choice', correctResponsesPattern: ['b'],
      name: { 'en-GB': `Question ${page}`, cy: `Cwestiwn ${page}` },
      description: { 'en-GB': 'Which of these best describes a germline variant identified through whole genome sequencing?', cy: 'Pa un o\'r rhain sy\'n disgrifio orau amrywiad llinell germ a nodwyd drwy ddilyniannu genom cyfan?' },
      choices: ['a', 'b', 'c', 'd'].map((id) => ({ id, description: { 'en-GB': `Option ${id} for question ${page}`, cy: `Opsiwn ${id} ar gyfer cwestiwn ${page}` } })),
    } }
    : verb === 'attended'
      ? { objectType: 'Activity', id: `https://genomeg.nhs.wales/events/webinar-${page}`, definition: { type: 'http://adlnet.gov/expapi/activities/meeting', name: { 'en-GB': `Pharmacogenomics webinar ${page}`, cy: `Gweminar ffarmacogenomeg ${page}` } } }
      : { objectType: 'Activity', id: MODULE_ID(module), definition: {
        type: 'http://adlnet.gov/expapi/activities/module',
        name: { 'en-GB': `Genomics module: ${module}`, cy: `Modiwl genomeg: ${module}` },
        description: { 'en-GB': 'A bilingual module of the genomic literacy programme for NHS Wales staff, with knowledge checks and an assessment.', cy: 'Modiwl dwyieithog o\'r rhaglen llythrennedd genomig ar gyfer staff GIG Cymru, gyda gwiriadau gwybodaeth ac asesiad.' },
      } };
  const scaled = Math.round(rand() * 100) / 100;
  return {
    actor: LEARNER(learner),
    verb: { id: VERB_ID(verb), display: { 'en-GB': verb, cy: verb } },
    object,
    ...(verb === 'passed' || verb === 'failed' || verb === 'completed' || verb === 'answered'
      ? { result: { score: { scaled, raw: Math.round(scaled * 20), min: 0, max: 20 }, success: verb !== 'failed', completion: verb !== 'answered', duration: `PT${1 + Math.floor(rand() * 50)}M${Math.floor(rand() * 60)}S`, response: verb === 'answered' ? 'b' : undefined } }
      : {}),
    context: {
      registration,
      platform: 'Genomeg eLearning',
      language: rand() < 0.2 ? 'cy' : 'en-GB',
      contextActivities: {
        parent: [{ objectType: 'Activity', id: MODULE_ID(module) }],
        grouping: [{ objectType: 'Activity', id: 'https://genomeg.nhs.wales/programmes/genomic-literacy' }],
        category: [{ objectType: 'Activity', id: 'https://w3id.org/xapi/cmi5/context/categories/cmi5' }],
      },
      extensions: {
        'https://genomeg.nhs.wales/xapi/extensions/organisation': ORGS[learner % ORGS.length],
        'https://genomeg.nhs.wales/xapi/extensions/page': page,
        'https://genomeg.nhs.wales/xapi/extensions/session': uuidFrom(rand),
        'https://genomeg.nhs.wales/xapi/extensions/launch': `https://genomeg.nhs.wales/learn/${module}/pages/${page}?lang=en&registration=${registration}&returnTo=%2Fmy-learning&source=xapi-benchmark`,
        'https://genomeg.nhs.wales/xapi/extensions/user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
      },
    },
    timestamp: when.toISOString(),
  };
}
