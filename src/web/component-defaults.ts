// nhsuk-frontend's macros fill every text they need and were not given with
// English: a hidden "Error:", "Information:" or "Important:", the footer's
// "Support links", pagination's "Pagination", the file upload's "Choose file",
// "No file chosen" and "or drop file". On a Welsh page a screen reader then
// speaks English. The wrappers in views/macros/nhsuk.njk pass every call's
// options through localisedParams, which fills those texts from the page's
// own translator; an option the call gave itself is kept. It never changes
// anything but these defaults.

import type { Translate } from './i18n.js';

type Params = Record<string, unknown>;

/** The components wrapped in views/macros/nhsuk.njk. */
export type WrappedComponent = 'insetText' | 'warningCallout' | 'fileUpload' | 'pagination' | 'input' | 'textarea' | 'select' | 'radios' | 'checkboxes' | 'dateInput' | 'characterCount';

function isObject(value: unknown): value is Params {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A plural message in the form nhsuk-frontend's JavaScript reads: a form per CLDR category, `%{count}` for the number. */
function pluralForms(t: Translate, key: string, lang: 'en' | 'cy'): Record<string, string> {
  const rules = new Intl.PluralRules(lang);
  const forms: Record<string, string> = {};
  for (const n of [0, 1, 2, 3, 4, 6, 100]) {
    const category = rules.select(n);
    if (forms[category] === undefined) forms[category] = t(key, { count: n }).replace(String(n), '%{count}');
  }
  return forms;
}

/** The options with the page's language filled in wherever the call left an English default. */
export function localisedParams(component: WrappedComponent, params: unknown, t: Translate, lang: 'en' | 'cy'): Params {
  const given: Params = isObject(params) ? params : {};
  const out: Params = { ...given };
  const missing = (key: string) => out[key] === undefined || out[key] === null || out[key] === '';
  const errorMessage = given['errorMessage'];
  if (isObject(errorMessage) && (errorMessage['visuallyHiddenText'] === undefined || errorMessage['visuallyHiddenText'] === '')) {
    out['errorMessage'] = { ...errorMessage, visuallyHiddenText: t('common.component.error') };
  }
  switch (component) {
    case 'insetText':
      if (missing('visuallyHiddenText')) out['visuallyHiddenText'] = t('common.component.information');
      break;
    case 'warningCallout':
      if (missing('visuallyHiddenText')) out['visuallyHiddenText'] = t('common.component.important');
      break;
    case 'pagination':
      if (missing('ariaLabel') && missing('landmarkLabel')) out['ariaLabel'] = t('common.component.pagination');
      break;
    case 'fileUpload':
      if (missing('chooseFilesButtonText')) out['chooseFilesButtonText'] = t('common.component.chooseFile');
      if (missing('dropInstructionText')) out['dropInstructionText'] = t('common.component.dropFile');
      if (missing('noFileChosenText')) out['noFileChosenText'] = t('common.component.noFileChosen');
      if (missing('multipleFilesChosenText')) out['multipleFilesChosenText'] = pluralForms(t, 'common.component.filesChosen', lang);
      if (missing('enteredDropZoneText')) out['enteredDropZoneText'] = t('common.component.enteredDropZone');
      if (missing('leftDropZoneText')) out['leftDropZoneText'] = t('common.component.leftDropZone');
      break;
    case 'input': case 'textarea': case 'select': case 'radios': case 'checkboxes': case 'dateInput': case 'characterCount':
      break;
  }
  return out;
}
