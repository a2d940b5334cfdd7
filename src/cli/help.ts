// Help for every `genomeg` command, in the shape people know from git and npm:
// `genomeg --help` lists the commands; `genomeg help <command>` and
// `genomeg <command> --help` (or `-h`) print that command's usage, what it does,
// its options and examples, and exit 0. Help never needs configuration or a
// database, so it works before either is set up.

export interface CommandHelp {
  /** The words after `genomeg`, e.g. `staff import`. */
  readonly name: string;
  readonly summary: string;
  readonly usage: readonly string[];
  readonly description?: string;
  readonly options?: readonly (readonly [string, string])[];
  readonly examples?: readonly (readonly [string, string])[];
  /** Commands under this one (`xapi client create` under `xapi`). */
  readonly subcommands?: readonly string[];
}

const XAPI_AGENT = `'{"mbox":"mailto:sian.jones@wales.nhs.uk"}'`;

export const COMMANDS: readonly CommandHelp[] = [
  {
    name: 'serve', summary: 'Migrate the database, then start the web server on HOST:PORT.',
    usage: ['genomeg serve [--demo] [--reset]'],
    options: [
      ['--demo', 'Fill an empty database with the synthetic demo data and print a sign-in for every role.'],
      ['--reset', 'Start over: drop the database (SQLite: delete the file) before starting.'],
    ],
    examples: [['genomeg serve --demo', 'try the platform with demo data at http://localhost:3000'], ['PORT=8080 genomeg serve', 'serve on another port']],
  },
  {
    name: 'migrate', summary: 'Bring the database schema up to date.',
    usage: ['genomeg migrate'],
    description: 'Applies every migration not yet applied and says which; safe to run again.',
    examples: [['DATABASE_URL=postgres://genomeg@db/genomeg genomeg migrate', 'migrate a PostgreSQL database']],
  },
  {
    name: 'seed', summary: 'Fill an empty database with the synthetic demo data.',
    usage: ['genomeg seed --demo'],
    options: [['--demo', 'Required: load the synthetic demo data set (refused when the database already has accounts).']],
    examples: [['genomeg seed --demo', 'load the demo data and print the demo sign-ins']],
  },
  {
    name: 'worker', summary: 'Work background jobs (email, reminders, workforce runs) until SIGTERM.',
    usage: ['genomeg worker'],
    description: 'Takes jobs from the queue that web processes send to (pg-boss on PostgreSQL, the background_jobs table on SQLite) and runs the scheduled jobs; run as many as you like beside web processes started with JOBS_WORK_IN_WEB=false.',
    examples: [['genomeg worker', 'work the jobs that web processes started with JOBS_WORK_IN_WEB=false only send']],
  },
  {
    name: 'staff', summary: 'The staff directory.',
    usage: ['genomeg staff import <file.csv> [options]'],
    subcommands: ['staff import'],
  },
  {
    name: 'staff import', summary: 'Import an ESR staff extract; nothing is written if any row is invalid.',
    usage: ['genomeg staff import <file.csv> [--mode full|partial] [--dry-run] [--confirm-leavers] [--as-of YYYY-MM-DD] [--lang en|cy]'],
    description: 'Problems are printed as file:line [column]; the exit code is 1 when the file was refused. A full extract that would mark more than 10% of an organisation\'s active staff as leavers is not imported (exit code 1, with the count and the first names) unless --confirm-leavers is given.',
    options: [
      ['--mode full|partial', 'full (default): people missing from the file are marked as leavers; partial: only the rows in the file change.'],
      ['--dry-run', 'Check the file and say what would change; write nothing.'],
      ['--confirm-leavers', 'Import even when more than 10% of an organisation\'s active staff would be marked as leavers (the people have left).'],
      ['--as-of YYYY-MM-DD', 'The date the extract was taken (leavers\' leaving date).'],
      ['--lang en|cy', 'The language of the messages (default en).'],
    ],
    examples: [
      ['genomeg staff import powys.csv --dry-run', 'check a full extract first'],
      ['genomeg staff import new-starters.csv --mode partial', 'add or update only the people in the file'],
      ['genomeg staff import powys.csv --confirm-leavers', 'import a full extract that marks many people as leavers'],
    ],
  },
  {
    name: 'content', summary: 'Learning content.',
    usage: ['genomeg content check [DIR]'],
    subcommands: ['content check'],
  },
  {
    name: 'content check', summary: 'Check every learning module under DIR (default CONTENT_DIR).',
    usage: ['genomeg content check [DIR]'],
    description: 'Checks both languages, references, links, alt text, rationales and that every outcome is assessed; exits 1 on any problem.',
    examples: [['genomeg content check content/', 'check the modules in this repository']],
  },
  {
    name: 'insights', summary: 'Literacy insights.',
    usage: ['genomeg insights rebuild'],
    subcommands: ['insights rebuild'],
  },
  {
    name: 'insights rebuild', summary: 'Recompute the kept insights aggregates from the staff directory, completions and requirements.',
    usage: ['genomeg insights rebuild'],
    description: 'Replaces every kept figure in one transaction with a count from scratch (the same rules as the pages); safe to run at any time. The insights-refresh job keeps them up to date within a minute in between.',
    examples: [['genomeg insights rebuild', 'after restoring a backup or changing the content library']],
  },
  {
    name: 'users', summary: 'Accounts.',
    usage: ['genomeg users create --email E --name N --role ROLE[:ORG] [--role ...]'],
    subcommands: ['users create'],
  },
  {
    name: 'users create', summary: 'Create an account and print its one-time password.',
    usage: ['genomeg users create --email E --name N --role ROLE[:ORG] [--role ...]'],
    options: [
      ['--email E', 'The account\'s email address (required).'],
      ['--name N', 'The name shown for the account (required).'],
      ['--role ROLE[:ORG]', 'A role, with its organisation code where the role is held in one; repeat for more.'],
    ],
    examples: [['genomeg users create --email admin@powys.wales.nhs.uk --name "Gareth Price" --role org-admin:7A7', 'an organisation administrator for Powys']],
  },
  {
    name: 'xapi', summary: 'Learning record store clients, read grants, progress, subject access and erasure.',
    usage: ['genomeg xapi <subcommand> [options]'],
    subcommands: ['xapi client create', 'xapi client list', 'xapi client revoke', 'xapi grant', 'xapi grants', 'xapi rebuild-progress', 'xapi export', 'xapi erase'],
  },
  {
    name: 'xapi client', summary: 'Clients that send and read xAPI statements.',
    usage: ['genomeg xapi client create|list|revoke [options]'],
    subcommands: ['xapi client create', 'xapi client list', 'xapi client revoke'],
  },
  {
    name: 'xapi client create', summary: 'Create a client and print its key and secret (the secret is shown once).',
    usage: ['genomeg xapi client create --org CODE --name NAME --scope SCOPE [--scope ...]'],
    options: [
      ['--org CODE', 'The organisation the client belongs to.'],
      ['--name NAME', 'A name to know it by (the supplier or system).'],
      ['--scope SCOPE', 'What it may do: statements/write, statements/read, statements/read/mine, all/read, all, state, define, profile; repeat for more.'],
    ],
    examples: [['genomeg xapi client create --org 7A7 --name "Moodle" --scope statements/write', 'a client that sends statements for Powys']],
  },
  {
    name: 'xapi client list', summary: 'List clients, live and revoked.',
    usage: ['genomeg xapi client list [--org CODE]'],
    options: [['--org CODE', 'Only this organisation\'s clients.']],
    examples: [['genomeg xapi client list --org 7A7', '']],
  },
  {
    name: 'xapi client revoke', summary: 'Revoke a client: its key stops working at once.',
    usage: ['genomeg xapi client revoke ID'],
    examples: [['genomeg xapi client revoke 3f2c…', '']],
  },
  {
    name: 'xapi grant', summary: 'Let another organisation\'s client read CODE\'s statements (audited).',
    usage: ['genomeg xapi grant --org CODE --client ID [--revoke]'],
    options: [['--org CODE', 'The organisation whose statements are read.'], ['--client ID', 'The client given (or losing) the grant.'], ['--revoke', 'Withdraw the grant instead.']],
    examples: [['genomeg xapi grant --org 7A7 --client 3f2c…', '']],
  },
  {
    name: 'xapi grants', summary: 'List read grants.',
    usage: ['genomeg xapi grants [--org CODE]'],
    options: [['--org CODE', 'Only grants of this organisation\'s statements.']],
    examples: [['genomeg xapi grants --org 7A7', 'who may read Powys\'s statements']],
  },
  {
    name: 'xapi rebuild-progress', summary: 'Rebuild the progress projection from the stored statements.',
    usage: ['genomeg xapi rebuild-progress'],
    description: 'Safe to run at any time; learners\' progress and certificates follow from the statements.',
    examples: [['genomeg xapi rebuild-progress', '']],
  },
  {
    name: 'xapi export', summary: 'Subject access: one person\'s statements, progress and documents as JSON to stdout (audited).',
    usage: [`genomeg xapi export --org CODE --agent AGENT`],
    options: [['--org CODE', 'The organisation holding the record.'], ['--agent AGENT', 'The person as an xAPI agent in JSON.']],
    examples: [[`genomeg xapi export --org 7A7 --agent ${XAPI_AGENT} > record.json`, '']],
  },
  {
    name: 'xapi erase', summary: 'Erase one person\'s statements and documents (audited; cannot be undone).',
    usage: ['genomeg xapi erase --org CODE --agent AGENT --confirm'],
    options: [['--org CODE', 'The organisation holding the record.'], ['--agent AGENT', 'The person as an xAPI agent in JSON.'], ['--confirm', 'Required: erasure cannot be undone.']],
    examples: [[`genomeg xapi erase --org 7A7 --agent ${XAPI_AGENT} --confirm`, '']],
  },
  {
    name: 'plan', summary: 'Project a workforce scenario (results.json and .csv, SVG charts, report.html).',
    usage: [
      'genomeg plan SCENARIO.yaml [--runs N] [--seed S] [--out DIR] [--threads N] [--tornado ROLE:YEAR] [--goal PIPELINE:YEAR[:CAP[:BUDGET]]] [--lang en|cy]',
      'genomeg plan --compare A.yaml B.yaml [C.yaml] [--runs N] [--seed S] [--out DIR] [--lang en|cy]',
    ],
    options: [
      ['--runs N', 'Monte Carlo runs (default 1000).'],
      ['--seed S', 'Random seed; the same seed gives the same figures (default 1).'],
      ['--out DIR', 'Where to write the results (default plan-output).'],
      ['--threads N', 'Worker threads (default: one per core).'],
      ['--tornado ROLE:YEAR', 'The role and year of the sensitivity (tornado) chart.'],
      ['--goal PIPELINE:YEAR[:CAP[:BUDGET]]', 'Find the intake that closes the gap by YEAR.'],
      ['--compare', 'Put two or three scenarios side by side.'],
      ['--lang en|cy', 'The language of the report (default en).'],
    ],
    examples: [
      ['genomeg plan scenarios/welsh-genomics-baseline.yaml --runs 10000 --out out/', 'a full projection, with the report in out/report.html'],
      ['genomeg plan --compare scenarios/welsh-genomics-baseline.yaml scenarios/more-training-places.yaml', 'compare two scenarios'],
      ['genomeg plan scenarios/welsh-genomics-baseline.yaml --goal stp-genomics:2035', 'the intake that closes the gap by 2035'],
    ],
  },
];

const byName = new Map(COMMANDS.map((c) => [c.name, c]));

function table(rows: readonly (readonly [string, string])[]): string {
  const width = Math.min(40, Math.max(...rows.map(([a]) => a.length)));
  return rows.map(([a, b]) => (b === '' ? `  ${a}` : a.length > width ? `  ${a}\n  ${' '.repeat(width)}  ${b}` : `  ${a.padEnd(width)}  ${b}`)).join('\n');
}

/** The overview: `genomeg --help`. */
export function overview(): string {
  // One line per command; a group of one (staff import) is listed by its one command, xapi as a whole.
  const top = COMMANDS.filter((c) => !c.name.includes(' '));
  const leaves = top.flatMap((c) => (c.subcommands === undefined || c.subcommands.length > 1 ? [c] : c.subcommands.map((n) => byName.get(n)).filter((x): x is CommandHelp => x !== undefined)));
  return [
    'Usage: genomeg <command> [options]',
    '',
    'Commands:',
    table(leaves.map((c) => [c.name, c.summary])),
    '',
    'Run \'genomeg help <command>\' or \'genomeg <command> --help\' for a command\'s options and examples.',
    'Environment: DATABASE_URL (default sqlite:data/genomeg.sqlite), HOST, PORT, LOG_LEVEL, ... (see README).',
  ].join('\n');
}

/** The most specific command named by the leading words of `words`, if any. */
export function findCommand(words: readonly string[]): CommandHelp | undefined {
  const plain = words.filter((w) => !w.startsWith('-'));
  for (let n = Math.min(3, plain.length); n >= 1; n -= 1) {
    const found = byName.get(plain.slice(0, n).join(' '));
    if (found !== undefined) return found;
  }
  return undefined;
}

/** One command's help: usage, what it does, options, examples. */
export function commandHelp(command: CommandHelp): string {
  const parts = [`genomeg ${command.name}: ${command.summary}`, '', `Usage:\n${command.usage.map((u) => `  ${u}`).join('\n')}`];
  if (command.description !== undefined) parts.push('', command.description);
  if (command.subcommands !== undefined) {
    parts.push('', 'Commands:', table(command.subcommands.map((n) => [n, byName.get(n)?.summary ?? ''])));
  }
  parts.push('', 'Options:', table([...(command.options ?? []), ['-h, --help', 'Show this help.']]));
  if (command.examples !== undefined && command.examples.length > 0) {
    parts.push('', 'Examples:', command.examples.map(([e, what]) => (what === '' ? `  ${e}` : `  ${e}\n      ${what}`)).join('\n'));
  }
  if (command.subcommands !== undefined) parts.push('', `Run 'genomeg help ${command.name} <command>' for a command's options and examples.`);
  return parts.join('\n');
}

/** True when the arguments ask for help (`--help` or `-h` before any `--`). */
export function asksForHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

/** The pointer printed after a usage error: where to read more. */
export function helpPointer(words: readonly string[]): string {
  const command = findCommand(words);
  return command === undefined ? 'Run \'genomeg --help\' for the commands.' : `Run 'genomeg ${command.name} --help' for its usage and options.`;
}

/**
 * What `genomeg ARGV` answers when it asks for help, or undefined when it does
 * not: `--help`, `-h` and `help` list the commands, `help <command>` and
 * `<command> … --help|-h` give that command's help; all exit 0. An unknown
 * command named for help exits 2.
 */
export function helpAnswer(argv: readonly string[]): { readonly code: 0 | 2; readonly out: string; readonly err: string } | undefined {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || (command === 'help' && rest.length === 0)) return { code: 0, out: `${overview()}\n`, err: '' };
  if (command !== 'help' && !asksForHelp(argv)) return undefined;
  const words = command === 'help' ? rest : argv;
  const found = findCommand(words);
  if (found === undefined) return { code: 2, out: '', err: `Unknown command "${words.filter((w) => !w.startsWith('-')).join(' ')}".\n\n${overview()}\n` };
  return { code: 0, out: `${commandHelp(found)}\n`, err: '' };
}
