// Real processes to own planner runs: each loads the run jobs and says its
// PROCESS_ID. A stopped one has exited (its PID is gone); a live one waits
// until it is stopped.

import { spawn, type ChildProcess } from 'node:child_process';

const SAY_PROCESS_ID = `
const jobs = await import(${JSON.stringify(new URL('../../src/services/workforce/run-jobs.ts', import.meta.url).href)});
process.stdout.write(jobs.PROCESS_ID + '\\n');
if (process.argv.includes('stay')) setInterval(() => undefined, 60_000);
`;

export interface RunOwner {
  readonly processId: string;
  readonly child: ChildProcess;
}

function start(stay: boolean): Promise<RunOwner> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SAY_PROCESS_ID, ...(stay ? ['stay'] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.endsWith('\n')) resolve({ processId: out.trim(), child });
    });
    child.once('error', reject);
  });
}

/** The PROCESS_ID of a process on this machine that has since exited. */
export async function stoppedOwner(): Promise<string> {
  const owner = await start(false);
  if (owner.child.exitCode === null) await new Promise((resolve) => owner.child.once('exit', resolve));
  return owner.processId;
}

/** A process on this machine that is still running (stop it with child.kill()). */
export function liveOwner(): Promise<RunOwner> {
  return start(true);
}
