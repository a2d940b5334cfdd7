// The example workforce scenarios in scenarios/, saved into a demo database so
// a workforce planner finds the Welsh baseline and its three alternatives ready
// to run. The baseline goes first: the others extend it by its id. They are
// owned by the demo's workforce planner when one is given (only a scenario's
// owner or a platform administrator may change or delete it), else by nobody.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { ScenarioStore } from '../db/stores/scenario-store.js';

export async function seedDemoScenarios(store: ScenarioStore, dir: string, ownerUserId: string | null = null): Promise<number> {
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
  const scenarios = files.map((file) => {
    const source = readFileSync(join(dir, file), 'utf8');
    const head = parse(source) as { id?: unknown; name?: unknown; extends?: unknown };
    if (typeof head.id !== 'string' || typeof head.name !== 'string') throw new Error(`${file}: a scenario needs an id and a name`);
    return { slug: head.id, name: head.name, source, base: typeof head.extends === 'string' };
  }).sort((a, b) => Number(a.base) - Number(b.base) || a.slug.localeCompare(b.slug));
  const existing = new Set((await store.listScenarios()).map((s) => s.slug));
  let saved = 0;
  for (const s of scenarios) {
    if (existing.has(s.slug)) continue;
    await store.createScenario({ slug: s.slug, name: s.name, format: 'yaml', source: s.source }, ownerUserId);
    saved += 1;
  }
  return saved;
}
