// The learning interface's Welsh, as the Welsh interface review of December
// 2026 (/work/shared/reviews/welsh-interface-review-2026-12.md) corrected it.
// Each test names the review's row. The Welsh is machine-assisted and still
// unreviewed as a whole; these pin only the corrections.

import { describe, expect, it } from 'vitest';
import { flattenMessages, loadMessages, translator } from '../../src/web/i18n.js';
import { readFileSync } from 'node:fs';
import { LITERACY_LEVELS, SPECIALIST_ROLES, STAFF_GROUPS } from '../../src/domain/staff/index.js';
import { loadContentLibrary } from '../../src/services/learning/content-library.js';
import { buildTestApp, signedIn } from '../support/app.js';
import { engines } from '../support/engines.js';

const t = translator('cy');
const learningCy = [...flattenMessages(loadMessages('cy'))].filter(([key]) => key.startsWith('learning.'));

describe('the learning interface in Welsh, after the December 2026 review', () => {
  it('row 9: names the staff group without a placeholder after "o", which cannot mutate', () => {
    expect(t('learning.catalogue.yourLevel', { group: 'Gwyddonwyr Gofal Iechyd', level: 'Ymarferydd' }))
      .toBe("Eich grŵp staff yw Gwyddonwyr Gofal Iechyd, felly disgwylir i chi gyrraedd lefel Ymarferydd o lythrennedd genomig. Mae'r modiwlau a argymhellir ar gyfer eich rôl wedi'u marcio.");
  });

  it('row 29: says "after starting in post", never "i ddechrau" ("to begin with")', () => {
    expect(learningCy.filter(([k, v]) => k.startsWith('learning.requirements.') && v.includes('i ddechrau')).map(([k]) => k)).toEqual([]);
    expect(t('learning.requirements.dueWithin', { count: 2 })).toBe('O fewn 2 ddiwrnod ar ôl dechrau yn y swydd');
    expect(t('learning.requirements.dueWithin', { count: 30 })).toBe('O fewn 30 diwrnod ar ôl dechrau yn y swydd');
  });

  it('rows 30, 33 and 40: the audience, the overdue explanation and "not passed" as the review wrote them', () => {
    expect(t('learning.audience')).toBe('Ar gyfer pwy');
    expect(t('learning.team.overdueExplained')).toBe("Dysgu hwyr yw'r modiwlau y mae sefydliad yr unigolyn yn gofyn iddo eu cwblhau, sydd wedi mynd heibio'r dyddiad cau ac sydd heb eu cwblhau eto.");
    expect(t('learning.assessment.notPassed')).toBe("Ni wnaethoch basio'r tro hwn");
  });

  it('row 34: uses no "cwblhad" as a count noun in what learners and leads read', () => {
    expect(learningCy.filter(([, v]) => /cwblhad/.test(v)).map(([k]) => k)).toEqual([]);
    expect(t('learning.assessment.completionRecorded', { hours: 0.5 })).toBe("Mae'r modiwl wedi'i gofnodi fel un wedi'i gwblhau, ac mae 0.5 awr DPP wedi'u hychwanegu at eich cofnod dysgu.");
  });

  it('row 39: counts with a singular noun after the numeral, never "{count} o …"', () => {
    expect(learningCy.filter(([, v]) => /\{count\} o /.test(v)).map(([k]) => k)).toEqual([]);
    expect(t('learning.catalogue.count', { count: 4 })).toBe('4 modiwl');
    expect(t('learning.assessment.intro', { count: 10, mark: 80 })).toBe('Byddwch yn ateb 10 cwestiwn. Mae angen 80% arnoch i basio.');
    expect(t('learning.required.overdueCount', { count: 7 })).toBe('Mae 7 modiwl yn hwyr.');
    expect(t('learning.requirements.count', { count: 9 })).toBe('9 gofyniad');
  });

  it('row 42: treats "fersiwn" as feminine throughout', () => {
    expect(learningCy.filter(([, v]) => /fersiwn mwy|un cyhoeddedig/.test(v)).map(([k]) => k)).toEqual([]);
    expect(t('learning.versions.states.newer')).toBe('Fersiwn fwy newydd yn barod');
  });

  it('rows 2, 4 and 20: Welsh labels on module pages, "ar" a web address, and the issuer in Welsh', () => {
    expect(t('learning.prefix.information')).toBe('Gwybodaeth');
    expect(t('learning.citation', { number: 5 })).toBe('Cyfeiriad 5');
    expect(t('learning.certificate.verify')).toBe('Gwiriwch y dystysgrif hon ar');
    expect(t('learning.credential.issuerName')).toBe('Genomeg ar gyfer GIG Cymru');
  });

  it('row 45: keeps "cymhwyster" for credential while the Welsh-language team decides', () => {
    expect(t('learning.credential.genuine')).toBe("Mae'r cymhwyster hwn yn ddilys");
  });

  describe('reference data and module references (curriculum)', () => {
    it('row 23: calls a genetic counsellor "cwnselydd genetig" everywhere, never "cynghorydd"', () => {
      expect(SPECIALIST_ROLES.find((r) => r.name.en === 'Genetic counsellor')?.name.cy).toBe('Cwnselydd genetig');
      const everyWelsh = [...SPECIALIST_ROLES.map((r) => r.name.cy), ...LITERACY_LEVELS.map((l) => l.description.cy)].join(' ');
      expect(everyWelsh).not.toMatch(/cynghor(ydd|wyr) genetig/i);
      expect(everyWelsh).toContain('cwnselwyr genetig');
    });

    it('row 44: names the registered nursing and midwifery staff group for the people, "Nyrsys a Bydwragedd Cofrestredig"', () => {
      expect(STAFF_GROUPS.find((g) => g.code === 'nursing-midwifery')?.name.cy).toBe('Nyrsys a Bydwragedd Cofrestredig');
    });

    it('row 46: keeps the Welsh Ambulance name flagged as unverified in the code until the trust confirms it', () => {
      const source = readFileSync('src/domain/staff/reference-data.ts', 'utf8');
      expect(source).toMatch(/unverified \(Welsh\)[\s\S]{0,600}row 46[\s\S]{0,300}Ymddiriedolaeth GIG Prifysgol Gwasanaethau Ambiwlans Cymru/);
    });

    it('row 54: gives Welsh bodies their Welsh names on Welsh module pages, and marks English publishers lang="en"', async () => {
      const library = loadContentLibrary('content');
      const refs = library.modules.flatMap((m) => m.manifest.references);
      for (const [en, cy] of [['Welsh Government', 'Llywodraeth Cymru'], ['Public Health Wales', 'Iechyd Cyhoeddus Cymru'], ['All Wales Medical Genomics Service', 'Gwasanaeth Genomeg Feddygol Cymru Gyfan']] as const) {
        const matching = refs.filter((r) => r.publisher === en);
        expect(matching.length).toBeGreaterThan(0);
        for (const r of matching) expect(r.publisherCy).toBe(cy);
      }
      const engine = engines.find((e) => e.name === 'sqlite');
      if (engine === undefined) throw new Error('SQLite always runs');
      const t = await buildTestApp(engine, { CONTENT_DIR: 'content' });
      try {
        const who = await signedIn(t.app, [{ role: 'learner', organisationCode: null }]);
        const page = await t.app.inject({ method: 'GET', url: '/cy/learn/what-is-genomics/pages/6', headers: { cookie: who.cookie, accept: 'text/html' } });
        expect(page.statusCode).toBe(200);
        expect(page.body).toContain('Llywodraeth Cymru (2022).');
        expect(page.body).not.toContain('Welsh Government (2022).');
        expect(page.body).toMatch(/<span lang="en">National Institute for Health and Care Excellence \(NICE\)<\/span>|<span lang="en">[^<]+<\/span> \(\d{4}\)\./);
      } finally {
        await t.close();
      }
    }, 120_000);
  });
});
