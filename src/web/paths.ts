// Where the project's files are, whether running from src/ (tsx, tests) or
// dist/ (the built server): both sit two folders below the project root.

import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
