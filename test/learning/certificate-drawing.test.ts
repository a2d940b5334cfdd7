// The PDF certificate's layout. Regressions: on an English certificate the
// Welsh block was printed smaller and in grey, with the check line in English
// only (Welsh shown as subordinate, against the Welsh Language Standards);
// half the page was empty; there was no issuer logo.

import { describe, expect, it } from 'vitest';
import { certificatePdf, type CertificateDrawing, type CertificateText } from '../../src/services/learning/credentials.js';
import { issuerMark, moduleBadgeShapes } from '../../src/services/learning/badge-image.js';
import { loadContentLibrary } from '../../src/services/learning/content-library.js';
import { translator } from '../../src/web/i18n.js';

const A4_LANDSCAPE_HEIGHT = 595.28;

function text(lang: 'en' | 'cy'): CertificateText {
  const t = translator(lang);
  return {
    heading: t('learning.certificate.heading'), certifies: t('learning.certificate.certifies'), completed: t('learning.certificate.completed'),
    details: t('learning.certificate.details', { date: lang === 'cy' ? '6 Rhagfyr 2026' : '6 December 2026', score: '90%', hours: 0.5, version: '1.0.1' }),
    verify: t('learning.certificate.verify'), issuer: t('learning.credential.issuerName'),
  };
}

describe('the PDF certificate', () => {
  async function draw(): Promise<{ pdf: Buffer; drawing: CertificateDrawing[] }> {
    const module = loadContentLibrary('content').bySlug('pharmacogenomics-in-practice');
    if (module === undefined) throw new Error('module missing');
    const drawing: CertificateDrawing[] = [];
    const pdf = await certificatePdf({
      learnerName: 'Siân Price', moduleTitle: module.manifest.title, credentialId: 'c1', text: { en: text('en'), cy: text('cy') },
      verifyUrl: { en: 'https://genomeg.example.wales/credentials/c1', cy: 'https://genomeg.example.wales/cy/credentials/c1' },
      mark: issuerMark(), badge: moduleBadgeShapes(module),
    }, drawing);
    return { pdf, drawing };
  }

  it('prints every line in Welsh at the same size and colour as the same line in English, side by side', async () => {
    const { drawing } = await draw();
    const roles = ['heading', 'certifies', 'completed', 'title', 'details', 'verify'];
    for (const role of roles) {
      const cy = drawing.find((d) => d.role === role && d.lang === 'cy');
      const en = drawing.find((d) => d.role === role && d.lang === 'en');
      expect({ role, cy: cy && { size: cy.size, colour: cy.colour, y: cy.y, width: cy.width } }).toEqual({ role, cy: en && { size: en.size, colour: en.colour, y: en.y, width: en.width } });
    }
    // Welsh on the left.
    const heading = drawing.filter((d) => d.role === 'heading');
    expect(heading.map((d) => d.lang)).toEqual(['cy', 'en']);
    expect((heading[0]?.x ?? 0) < (heading[1]?.x ?? 0)).toBe(true);
    expect(drawing.find((d) => d.role === 'heading' && d.lang === 'cy')?.text).toBe('Tystysgrif cwblhau');
  });

  it('has a check line in each language, each linking to the check page in its own language', async () => {
    const { drawing, pdf } = await draw();
    expect(drawing.filter((d) => d.role === 'verify').map((d) => [d.lang, d.link, d.text])).toEqual([
      ['cy', 'https://genomeg.example.wales/cy/credentials/c1', 'Gwiriwch y dystysgrif hon ar https://genomeg.example.wales/cy/credentials/c1'],
      ['en', 'https://genomeg.example.wales/credentials/c1', 'Check this certificate at https://genomeg.example.wales/credentials/c1'],
    ]);
    expect(pdf.toString('latin1')).toContain('/URI (https://genomeg.example.wales/cy/credentials/c1)');
  });

  it('carries the issuer\'s mark and name, the module\'s badge, and fills the page from top to bottom', async () => {
    const { drawing, pdf } = await draw();
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(drawing.filter((d) => d.kind === 'emblem').map((d) => d.role)).toEqual(['mark', 'badge']);
    expect(drawing.find((d) => d.role === 'issuer')?.text).toBe('Genomeg ar gyfer GIG Cymru  ·  Genomeg for NHS Wales');
    const texts = drawing.filter((d) => d.kind === 'text');
    const top = Math.min(...texts.map((d) => d.y));
    const bottom = Math.max(...texts.map((d) => d.y + d.height));
    expect(top).toBeLessThan(A4_LANDSCAPE_HEIGHT * 0.15);
    expect(bottom).toBeGreaterThan(A4_LANDSCAPE_HEIGHT * 0.85);
    // The body spreads over the middle rather than bunching at the top.
    const name = drawing.find((d) => d.role === 'name');
    expect(name?.y).toBeGreaterThan(A4_LANDSCAPE_HEIGHT * 0.35);
    expect(name?.y).toBeLessThan(A4_LANDSCAPE_HEIGHT * 0.55);
  });
});
