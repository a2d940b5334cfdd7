// Docs that are checked: the error-code list, the CSV columns and the
// configuration variables in the README stay in step with the code.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../src/domain/errors.js';
import { HTTP_STATUS } from '../src/web/plugins/errors.js';
import { CONFIG_VARIABLES } from '../src/config/env.js';
import { ESR_COLUMNS, ESR_ISSUE_CODES } from '../src/domain/staff/index.js';

describe('docs', () => {
  it('lists every error code with its HTTP status in docs/errors.md, and nothing else', () => {
    const doc = readFileSync('docs/errors.md', 'utf8');
    const rows = [...doc.matchAll(/^\| `(GNM_[A-Z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])]);
    expect(rows).toEqual(Object.keys(ERROR_CODES).map((code) => [code, HTTP_STATUS[code as keyof typeof HTTP_STATUS]]));
  });

  it('lists every ESR import problem code in docs/errors.md', () => {
    const doc = readFileSync('docs/errors.md', 'utf8');
    const listed = [...doc.matchAll(/^\| `([a-z-]+)` \|/gm)].map((m) => m[1]);
    expect(listed).toEqual([...ESR_ISSUE_CODES]);
  });

  it('documents every CSV column and every configuration variable in the README', () => {
    const readme = readFileSync('README.md', 'utf8');
    for (const column of ESR_COLUMNS) expect(readme).toContain(`| ${column.header} |`);
    for (const variable of CONFIG_VARIABLES) expect(readme).toContain(`\`${variable}\``);
  });
});
