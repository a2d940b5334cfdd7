// Regression: the catalogue's Topic filter offered raw keys
// ([learning.topics.genomics-in-wales] and two more) because content/ used
// topics that had no interface string. The i18n test only sees keys written
// literally in templates, so this one reads every module.yaml.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { translator } from '../../src/web/i18n.js';

function topicsIn(dir: string): { module: string; topic: string }[] {
  return readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).flatMap((d) => {
    const manifest = parse(readFileSync(join(dir, d.name, 'module.yaml'), 'utf8')) as { topics?: string[] };
    return (manifest.topics ?? []).map((topic) => ({ module: d.name, topic }));
  });
}

describe('catalogue topics', () => {
  it('has a name in English and in Welsh for every topic a module in content/ uses', () => {
    const used = [...topicsIn('content'), ...topicsIn('test/fixtures/content')];
    expect(used.length).toBeGreaterThanOrEqual(5);
    const missing = used.flatMap(({ module, topic }) => (['en', 'cy'] as const)
      .filter((lang) => translator(lang)(`learning.topics.${topic}`) === `[learning.topics.${topic}]`)
      .map((lang) => `${module}: learning.topics.${topic} (${lang})`));
    expect(missing).toEqual([]);
  });
});
