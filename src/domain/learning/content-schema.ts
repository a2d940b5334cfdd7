// The shape of a learning module as files under content/: a manifest
// (module.yaml), pages in English and Welsh side by side, a glossary, inline
// knowledge checks and an assessment bank. content/README.md documents the
// format for authors; these schemas are what the loader checks it against.

import { z } from 'zod';

export const LocalisedTextSchema = z.object({ en: z.string().trim().min(1), cy: z.string().trim().min(1) }).strict();
export type LocalisedText = z.infer<typeof LocalisedTextSchema>;

const Id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and hyphens');

export const LITERACY_LEVEL_CODES = ['awareness', 'foundation', 'practitioner', 'advanced', 'specialist'] as const;

export const ReferenceSchema = z.object({
  id: Id,
  title: z.string().min(1),
  publisher: z.string().min(1),
  /** The publisher's own Welsh name, for Welsh bodies (Llywodraeth Cymru); without it, Welsh pages show the English marked lang="en". */
  publisherCy: z.string().min(1).optional(),
  year: z.number().int().min(1950).max(2100),
  url: z.url().optional(),
}).strict();
export type Reference = z.infer<typeof ReferenceSchema>;

const CalendarDate = z.union([z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2026-12-07'), z.date().transform((d) => d.toISOString().slice(0, 10))]);

/** A person who reviewed a module version: their name, their role and the day they signed it off. */
export const ReviewerSchema = z.object({
  name: z.string().trim().min(1),
  role: z.string().trim().min(1),
  date: CalendarDate,
}).strict();
export type Reviewer = z.infer<typeof ReviewerSchema>;

export const ModuleManifestSchema = z.object({
  id: z.url(),
  slug: Id,
  version: z.string().regex(/^\d+\.\d+\.\d+$/, 'a version like 1.0.0'),
  durationMinutes: z.number().int().min(1).max(600),
  level: z.enum(LITERACY_LEVEL_CODES),
  competencies: z.array(Id).min(1),
  topics: z.array(Id).min(1),
  cpdHours: z.number().min(0).max(100),
  passMark: z.number().min(0).max(1).default(0.8),
  questionsPerAttempt: z.number().int().min(1).max(100),
  title: LocalisedTextSchema,
  summary: LocalisedTextSchema,
  audience: LocalisedTextSchema,
  outcomes: z.array(z.object({ id: Id, text: LocalisedTextSchema }).strict()).min(1),
  references: z.array(ReferenceSchema).min(1),
  welsh: z.object({
    status: z.enum(['machine-assisted', 'reviewed']),
    reviewedBy: z.string().min(1).nullable(),
    reviewedOn: z.union([z.string().regex(/^\d{4}-\d{2}-\d{2}$/), z.date()]).nullable(),
  }).strict(),
  /**
   * Who reviewed this version: a clinical reviewer and a Welsh-language reviewer.
   * `status: reviewed` needs both, recorded for this very version; a review of an
   * earlier version does not carry over (content/README.md, "Review").
   */
  review: z.object({
    status: z.enum(['not-reviewed', 'reviewed']),
    version: z.string().regex(/^\d+\.\d+\.\d+$/, 'a version like 1.0.0').nullable().default(null),
    clinical: ReviewerSchema.nullable().default(null),
    welsh: ReviewerSchema.nullable().default(null),
  }).strict().default({ status: 'not-reviewed', version: null, clinical: null, welsh: null }),
  pages: z.array(z.string().regex(/^\d{2}-[a-z0-9-]+$/, 'NN-page-slug')).min(1),
}).strict();
export type ModuleManifest = z.infer<typeof ModuleManifestSchema>;

export const OptionSchema = z.object({
  id: Id,
  correct: z.boolean(),
  text: LocalisedTextSchema,
  feedback: LocalisedTextSchema,
}).strict();

export const QuestionSchema = z.object({
  id: Id,
  type: z.enum(['single', 'multiple']),
  outcome: Id,
  reference: Id,
  stem: LocalisedTextSchema,
  options: z.array(OptionSchema).min(2).max(8),
  rationale: LocalisedTextSchema,
}).strict();
export type Question = z.infer<typeof QuestionSchema>;

export const AssessmentSchema = z.object({ questions: z.array(QuestionSchema).min(1) }).strict();
export const ChecksSchema = z.object({ checks: z.array(QuestionSchema) }).strict();

export const GlossarySchema = z.record(Id, z.object({
  en: z.object({ term: z.string().min(1), definition: z.string().min(1) }).strict(),
  cy: z.object({ term: z.string().min(1), definition: z.string().min(1) }).strict(),
}).strict());
export type Glossary = z.infer<typeof GlossarySchema>;
