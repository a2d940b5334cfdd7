// Migrations in order. Each is written once and runs on both dialects; a
// migration that has shipped is never edited, only followed by another.

import type { Migration, MigrationProvider } from 'kysely';
import { foundation } from './0001-foundation.js';
import { learningProgress } from './0004-learning-progress.js';

const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-foundation': foundation,
  '0004-learning-progress': learningProgress,
};

export class StaticMigrationProvider implements MigrationProvider {
  getMigrations(): Promise<Record<string, Migration>> {
    return Promise.resolve({ ...MIGRATIONS });
  }
}
