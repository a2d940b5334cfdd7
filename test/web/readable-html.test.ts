// The browser-free reading of a page (test/support/readable.ts, readableTextOfHtml)
// that the module walk uses over every page: it must see what a browser would
// show, so markup escaped once too often is caught and markup rendered is not.

import { describe, expect, it } from 'vitest';
import { readabilityProblems, readableTextOfHtml } from '../support/readable.js';

const page = (body: string, lang = 'en') => `<!DOCTYPE html><html lang="${lang}"><head><title>Genomeg &ndash; test</title><style>p>b{color:red}</style></head><body>${body}<script>const a = "<div>";</script></body></html>`;

describe('readableTextOfHtml', () => {
  it('reads rendered markup as its text, and reads the entities once as a browser does', () => {
    const read = readableTextOfHtml(page('<div class="nhsuk-inset-text" data-x="a>b"><p>Don&#39;t &amp; won&rsquo;t</p></div>'));
    expect(read.text.trim()).toBe("Don't & won’t");
    expect(read.names).toEqual(['Genomeg – test']);
    expect(readabilityProblems(read, 'en')).toEqual([]);
  });

  it('finds a call-out escaped twice, which a person would see as markup', () => {
    const read = readableTextOfHtml(page('<p>&lt;div class=&quot;nhsuk-inset-text&quot;&gt;Note&lt;/div&gt;</p><p>Don&amp;#39;t</p>'));
    expect(read.text).toContain('<div class="nhsuk-inset-text">Note</div>');
    const problems = readabilityProblems(read, 'en');
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('<div class="nhsuk-inset-text">');
    expect(problems[1]).toContain('&#39;');
  });

  it('reads names in attributes and SVG titles, and finds English hidden prefixes on a Welsh page', () => {
    const read = readableTextOfHtml(page('<nav aria-label="Pagination"><a href="/x" title="Nesaf">Nesaf</a></nav><svg><title>Siart</title></svg><span class="nhsuk-u-visually-hidden">Information: </span>', 'cy'));
    expect(read.names).toEqual(expect.arrayContaining(['Pagination', 'Nesaf', 'Siart']));
    const problems = readabilityProblems(read, 'cy');
    expect(problems.some((p) => p.includes('"Pagination"'))).toBe(true);
    expect(problems.some((p) => p.includes('"Information:"'))).toBe(true);
  });
});
