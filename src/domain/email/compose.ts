// Emails as the platform writes them: a template's strings from the locale
// files (email.templates.NAME), in the person's language, or in both (Welsh
// first) when their language is not known, as the Welsh Language Standards
// expect. A plain text part and an HTML part with nhsuk-like inline styling:
// no images, no remote content, no tracking pixels. Every value put into the
// HTML is escaped. Pure: the strings come in through `translate`.

import type { Language } from '../i18n.js';

export type EmailTranslate = (language: Language, key: string, params?: Readonly<Record<string, string | number>>) => string;

/**
 * The templates, each with the parameters its strings use. `link` is the
 * address the message's button goes to; `items`, when given, a bulleted list.
 */
export const EMAIL_TEMPLATES = {
  'reminder-due-soon': ['name', 'module', 'dueDate', 'days'],
  'reminder-due-today': ['name', 'module', 'dueDate'],
  'reminder-overdue': ['name', 'module', 'dueDate', 'days'],
  'event-required-due-soon': ['name', 'module', 'dueDate', 'days'],
  'event-required-due-today': ['name', 'module', 'dueDate'],
  'event-required-overdue': ['name', 'module', 'dueDate', 'days'],
  'manager-digest': ['name', 'count'],
  'test-message': ['name'],
  'password-reset': ['name', 'minutes'],
  'invitation': ['name', 'days', 'invitedBy'],
  'event-booked': ['name', 'event', 'when'],
  'event-waiting': ['name', 'event', 'when'],
  'event-promoted': ['name', 'event', 'when'],
  'event-cancelled': ['name', 'event', 'when'],
  'funded-manager-request': ['name', 'applicant', 'module'],
  'funded-offer': ['name', 'module', 'deadline'],
  'funded-result': ['name', 'module'],
  'event-offered': ['name', 'event', 'when', 'expires'],
  'event-offer-expired': ['name', 'event', 'when'],
  'event-moved': ['name', 'event', 'when', 'was'],
  'event-approval-request': ['name', 'learner', 'event', 'when'],
  'event-declined': ['name', 'event', 'when', 'reason'],
  'event-approval-fallback': ['name', 'learner', 'event', 'when'],
  'event-declined-fallback': ['name', 'event', 'when', 'reason'],
  'event-reminder': ['name', 'event', 'when', 'where'],
  'event-reminder-online': ['name', 'event', 'when', 'join'],
} as const satisfies Record<string, readonly string[]>;

export type EmailTemplate = keyof typeof EMAIL_TEMPLATES;

export function isEmailTemplate(value: string): value is EmailTemplate {
  return Object.hasOwn(EMAIL_TEMPLATES, value);
}

/** The locale key of a template (camelCase of its name). */
export function templateKey(template: EmailTemplate): string {
  return `email.templates.${template.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase())}`;
}

export interface EmailParams {
  readonly [name: string]: string | number | readonly string[] | undefined;
  /** Where the button goes: an absolute https or http address. */
  readonly link?: string;
  /** Lines shown as a list (a manager's digest). */
  readonly items?: readonly string[];
}

/** 'en', 'cy', or 'cy+en' when both were written (Welsh first). */
export type EmailLanguage = Language | 'cy+en';

export interface ComposedEmail {
  readonly language: EmailLanguage;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

const FONT = 'font-family:Arial,Helvetica,sans-serif;';
const BLUE = '#005eb8';
const TEXT = '#212b32';

interface Part {
  readonly language: Language;
  readonly subject: string;
  readonly greeting: string;
  readonly paragraphs: readonly string[];
  readonly action: string | null;
  readonly items: readonly string[];
  readonly footer: string;
}

function part(translate: EmailTranslate, template: EmailTemplate, language: Language, params: EmailParams): Part {
  const key = templateKey(template);
  const scalar: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(params)) if (typeof value === 'string' || typeof value === 'number') scalar[name] = value;
  const t = (k: string): string => translate(language, k, scalar);
  return {
    language,
    subject: t(`${key}.subject`),
    greeting: t('email.greeting'),
    paragraphs: t(`${key}.body`).split(/\n{2,}/).map((p) => p.trim()).filter((p) => p !== ''),
    action: params.link === undefined ? null : t(`${key}.action`),
    items: params.items ?? [],
    footer: t('email.footer'),
  };
}

function textOf(p: Part, link: string | undefined): string {
  const lines = [p.greeting, '', ...p.paragraphs.flatMap((para) => [para, ''])];
  if (p.items.length > 0) lines.push(...p.items.map((item) => `- ${item}`), '');
  if (p.action !== null && link !== undefined) lines.push(`${p.action}:`, link, '');
  lines.push('--', p.footer);
  return lines.join('\n');
}

function htmlOf(p: Part, link: string | undefined): string {
  const para = (text: string): string => `<p style="${FONT}font-size:16px;line-height:24px;color:${TEXT};margin:0 0 16px">${escapeHtml(text)}</p>`;
  const items = p.items.length === 0 ? '' : `<ul style="${FONT}font-size:16px;line-height:24px;color:${TEXT};margin:0 0 16px;padding-left:20px">${p.items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`;
  const action = p.action === null || link === undefined ? '' : `<p style="margin:0 0 24px"><a href="${escapeHtml(link)}" style="${FONT}display:inline-block;background:#007f3b;color:#ffffff;font-size:16px;font-weight:bold;text-decoration:none;padding:12px 16px;border-radius:4px">${escapeHtml(p.action)}</a></p>`
    + `<p style="${FONT}font-size:14px;line-height:20px;color:#4c6272;margin:0 0 16px;word-break:break-all">${escapeHtml(link)}</p>`;
  return `<div lang="${p.language}">${para(p.greeting)}${p.paragraphs.map(para).join('')}${items}${action}`
    + `<p style="${FONT}font-size:14px;line-height:20px;color:#4c6272;margin:24px 0 0;border-top:1px solid #d8dde0;padding-top:16px">${escapeHtml(p.footer)}</p></div>`;
}

/**
 * A message in `language`, or in Welsh then English when the language is not
 * known (null). Throws when the template or its link is not usable.
 */
export function composeEmail(translate: EmailTranslate, template: EmailTemplate, params: EmailParams, language: Language | null): ComposedEmail {
  const link = params.link;
  if (link !== undefined && !/^https?:\/\//.test(link)) throw new Error(`email ${template}: the link must be an absolute http(s) address`);
  const parts = language === null ? [part(translate, template, 'cy', params), part(translate, template, 'en', params)] : [part(translate, template, language, params)];
  const subject = parts.map((p) => p.subject).join(' / ');
  const text = parts.map((p) => textOf(p, link)).join('\n\n==========\n\n');
  const body = parts.map((p) => htmlOf(p, link)).join(`<hr style="border:0;border-top:2px solid ${BLUE};margin:32px 0">`);
  const htmlLang = language ?? 'cy';
  const html = '<!DOCTYPE html>'
    + `<html lang="${htmlLang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(subject)}</title></head>`
    + `<body style="margin:0;padding:0;background:#f0f4f5">`
    + `<div style="background:${BLUE};padding:16px 24px"><span style="${FONT}color:#ffffff;font-size:20px;font-weight:bold">Genomeg</span></div>`
    + `<div style="max-width:600px;margin:0 auto;background:#ffffff;padding:24px">${body}</div>`
    + '</body></html>';
  return { language: language ?? 'cy+en', subject, text, html };
}
