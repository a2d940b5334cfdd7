// nhsuk-frontend's English defaults never reach a Welsh page: every template
// takes the components that have them from views/macros/nhsuk.njk, whose
// wrappers fill them in the page's language (Welsh review row 1, issue 14 item 19).

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localisedParams } from '../../src/web/component-defaults.js';
import { translator } from '../../src/web/i18n.js';
import { createViewEnvironment } from '../../src/web/plugins/views.js';

const VIEWS = 'src/web/views';
const WRAPPED = ['input', 'textarea', 'select', 'radios', 'checkboxes', 'date-input', 'character-count', 'file-upload', 'inset-text', 'warning-callout', 'pagination'];

function templates(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? templates(path) : path.endsWith('.njk') ? [path] : [];
  });
}

describe('nhsuk-frontend component defaults', () => {
  it('are taken only through the wrappers in macros/nhsuk.njk, imported with context', () => {
    const direct = templates(VIEWS)
      .filter((path) => !path.endsWith(join('macros', 'nhsuk.njk')))
      .flatMap((path) => readFileSync(path, 'utf8').split('\n').map((line, i) => ({ path, line: i + 1, text: line })))
      .filter(({ text }) => WRAPPED.some((c) => text.includes(`nhsuk/components/${c}/macro.njk`))
        || (text.includes('"macros/nhsuk.njk"') && !text.includes('with context')))
      .map(({ path, line }) => `${path}:${String(line)}`);
    expect(direct).toEqual([]);
  });

  it('fill the hidden prefixes, the pagination label and the file upload texts in Welsh, and keep what a call gave', () => {
    const t = translator('cy');
    expect(localisedParams('insetText', { text: 'x' }, t, 'cy')).toMatchObject({ visuallyHiddenText: 'Gwybodaeth' });
    expect(localisedParams('insetText', { text: 'x', visuallyHiddenText: 'Nodyn' }, t, 'cy')).toMatchObject({ visuallyHiddenText: 'Nodyn' });
    expect(localisedParams('warningCallout', {}, t, 'cy')).toMatchObject({ visuallyHiddenText: 'Pwysig' });
    expect(localisedParams('pagination', {}, t, 'cy')).toMatchObject({ ariaLabel: "Tudalennau'r canlyniadau" });
    expect(localisedParams('input', { errorMessage: { text: 'Rhowch…' } }, t, 'cy')).toMatchObject({ errorMessage: { text: 'Rhowch…', visuallyHiddenText: 'Gwall' } });
    expect(localisedParams('input', {}, t, 'cy')['errorMessage']).toBeUndefined();
    const upload = localisedParams('fileUpload', {}, t, 'cy');
    expect(upload).toMatchObject({ chooseFilesButtonText: 'Dewis ffeil', noFileChosenText: "Dim ffeil wedi'i dewis", dropInstructionText: 'neu ollwng ffeil' });
    expect(Object.keys(upload['multipleFilesChosenText'] as object).sort()).toEqual(['few', 'many', 'one', 'other', 'two', 'zero']);
    expect((upload['multipleFilesChosenText'] as Record<string, string>)['few']).toBe("%{count} ffeil wedi'u dewis");
  });

  it('leave no English default in a Welsh page built from them', () => {
    const env = createViewEnvironment(false);
    const html = env.renderString(`{% from "macros/nhsuk.njk" import insetText, warningCallout, fileUpload, input, pagination with context %}
      {{ insetText({ text: "x" }) }}{{ warningCallout({ heading: "Sylw", text: "y" }) }}{{ fileUpload({ id: "f", name: "f", label: { text: "Ffeil" } }) }}
      {{ input({ id: "i", name: "i", label: { text: "Enw" }, errorMessage: { text: "Rhowch enw" } }) }}
      {{ pagination({ previous: { href: "/a", text: "Blaenorol" } }) }}`, { t: translator('cy'), lang: 'cy' });
    for (const english of ['Information', 'Important', 'Error', 'Pagination', 'Choose file', 'No file chosen', 'or drop file', 'files chosen', 'drop zone']) {
      expect({ english, found: html.includes(english) }).toEqual({ english, found: false });
    }
  });
});
