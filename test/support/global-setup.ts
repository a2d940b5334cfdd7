// Once per test run: a migrated PostgreSQL database for every test to copy.
//
// Migrating a fresh schema cost about 2 s per test database (26 migrations'
// DDL, under a lock every test process shared, so one at a time), and the
// suite opens hundreds of them. PostgreSQL copies a whole database from a
// template in a fraction of that (`CREATE DATABASE … TEMPLATE`), so the
// migrations run here, once a run, on PostgreSQL, and `engines.ts` copies the
// result for each test file or suite. Tests that are about migrating (the
// CLI's `migrate`, the migration tests) still migrate for themselves.

import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { migrateToLatest, openDatabase } from '../../src/db/database.js';
import { adminQuery, POSTGRES_URL, postgresReachable, TEMPLATE_SCHEMA, urlOfDatabase } from './postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's migrated template database, or '' when PostgreSQL did not answer. */
    postgresTemplate: string;
  }
}

let template = '';

export async function setup(project: TestProject): Promise<void> {
  if (!await postgresReachable()) {
    project.provide('postgresTemplate', '');
    return;
  }
  template = `gnm_tpl_${randomBytes(4).toString('hex')}`;
  await adminQuery(`create database ${template}`);
  const url = urlOfDatabase(POSTGRES_URL, template);
  await adminQuery(`create schema ${TEMPLATE_SCHEMA}`, url);
  const handle = openDatabase(url, { poolSize: 2, schema: TEMPLATE_SCHEMA });
  try {
    await migrateToLatest(handle);
  } finally {
    await handle.close();
  }
  project.provide('postgresTemplate', template);
}

export async function teardown(): Promise<void> {
  if (template !== '') await adminQuery(`drop database if exists ${template} with (force)`);
}
