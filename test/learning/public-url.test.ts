// The address credentials and certificates carry. Regression: without
// PUBLIC_URL they always linked to http://localhost:3000, whatever port the
// server was on, so a certificate's check link from a server on another port
// led nowhere. Its default now follows HOST and PORT, and `genomeg serve` says
// which address credentials will carry.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, publicUrlFor } from '../../src/config/env.js';
import { DomainError } from '../../src/domain/errors.js';

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => { resolvePort(port); });
    });
  });
}

describe('the public address of credentials and certificates', () => {
  it('follows HOST and PORT when PUBLIC_URL is not set', () => {
    expect(loadConfig({}).PUBLIC_URL).toBe('http://localhost:3000');
    expect(loadConfig({ HOST: '127.0.0.1', PORT: '8080' }).PUBLIC_URL).toBe('http://127.0.0.1:8080');
    expect(loadConfig({ HOST: '0.0.0.0', PORT: '4100' }).PUBLIC_URL).toBe('http://localhost:4100');
    expect(publicUrlFor('::1', 3000)).toBe('http://[::1]:3000');
  });

  it('uses PUBLIC_URL when it is set, without a trailing slash, and refuses one that is not an address', () => {
    expect(loadConfig({ PORT: '8080', PUBLIC_URL: 'https://genomeg.example.wales/' }).PUBLIC_URL).toBe('https://genomeg.example.wales');
    expect(() => loadConfig({ PUBLIC_URL: 'genomeg' })).toThrow(DomainError);
    try {
      loadConfig({ PUBLIC_URL: 'genomeg' });
    } catch (error) {
      expect((error as DomainError).details.map(String).some((d) => d.startsWith('PUBLIC_URL='))).toBe(true);
    }
  });

  it('is named when `genomeg serve` starts, with the port it listens on', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'genomeg-serve-'));
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
      env: { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'serve.sqlite')}`, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'silent', PUBLIC_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const banner = await new Promise<string>((resolveBanner, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString('utf8');
          if (out.includes('Credentials and certificates')) resolveBanner(out);
        });
        child.once('exit', (code) => { reject(new Error(`serve exited with ${String(code)} before its banner:\n${out}`)); });
      });
      expect(banner).toContain(`Genomeg is running at http://127.0.0.1:${String(port)}`);
      expect(banner).toContain(`Credentials and certificates will link to http://127.0.0.1:${String(port)}`);
    } finally {
      const exited = new Promise((resolveExit) => { child.once('exit', resolveExit); });
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
