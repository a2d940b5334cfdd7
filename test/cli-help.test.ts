// Help for every `genomeg` command (issue 14, item 20): `--help`, `-h` and
// `genomeg help <command>` print the command's usage, options and examples and
// exit 0; an unknown option still exits 2, pointing at --help.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { COMMANDS, helpAnswer } from '../src/cli/help.js';

const run = promisify(execFile);

async function genomeg(args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, LOG_LEVEL: 'silent', ...extraEnv };
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('genomeg help', () => {
  it.each(COMMANDS.map((c) => [c.name]))('prints the usage, options and examples of "genomeg %s" for --help, -h and help', (name) => {
    const words = name.split(' ');
    const answers = [helpAnswer([...words, '--help']), helpAnswer([...words, '-h']), helpAnswer(['help', ...words])];
    for (const answer of answers) {
      expect(answer?.code).toBe(0);
      expect(answer?.err).toBe('');
      expect(answer?.out).toContain(`genomeg ${name}: `);
      expect(answer?.out).toContain(`Usage:\n  genomeg ${name}`);
      expect(answer?.out).toContain('Options:');
      expect(answer?.out).toContain('-h, --help');
    }
    const command = COMMANDS.find((c) => c.name === name);
    if (command?.subcommands === undefined) expect(answers[0]?.out).toMatch(/Examples:\n {2}\S*genomeg /);
    else for (const sub of command.subcommands) expect(answers[0]?.out).toContain(sub);
  });

  it('gives a subcommand\'s own help when asked after its arguments', () => {
    expect(helpAnswer(['staff', 'import', 'extract.csv', '--mode', 'partial', '--help'])?.out).toContain('genomeg staff import: ');
    expect(helpAnswer(['xapi', 'client', 'create', '--org', '7A7', '-h'])?.out).toContain('--scope SCOPE');
    expect(helpAnswer(['plan', 'scenario.yaml', '--help'])?.out).toContain('--goal PIPELINE:YEAR');
  });

  it('lists every command for --help, -h and help', () => {
    for (const argv of [['--help'], ['-h'], ['help']]) {
      const answer = helpAnswer(argv);
      expect(answer?.code).toBe(0);
      for (const name of ['serve', 'migrate', 'seed', 'staff import', 'content check', 'users create', 'xapi', 'plan']) expect(answer?.out).toContain(`  ${name} `);
    }
  });

  it('does not treat an argument after -- as a request for help, and refuses help for an unknown command', () => {
    expect(helpAnswer(['staff', 'import', '--', '--help'])).toBeUndefined();
    expect(helpAnswer(['help', 'frobnicate'])?.code).toBe(2);
  });

  it('answers a real process with exit 0 and no configuration, and still exits 2 with a pointer on an unknown option', async () => {
    const [importHelp, planHelp, unknown] = await Promise.all([
      // An invalid PORT: help must not need configuration.
      genomeg(['staff', 'import', '--help'], { PORT: 'not-a-port' }),
      genomeg(['help', 'plan'], { PORT: 'not-a-port' }),
      genomeg(['staff', 'import', 'x.csv', '--colour']),
    ]);
    expect(importHelp.code).toBe(0);
    expect(importHelp.stdout).toContain('Usage:\n  genomeg staff import <file.csv>');
    expect(importHelp.stdout).toContain('--dry-run');
    expect(planHelp.code).toBe(0);
    expect(planHelp.stdout).toContain('genomeg plan --compare');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--colour'");
    expect(unknown.stderr).toContain("Run 'genomeg staff import --help'");
  }, 120_000);
});
