/**
 * A test's worker script (test/support/*-worker.ts) as a child process, through tsx: the lines it prints are
 * collected as they come, and what it wrote to stderr is shown when it fails. The tests that kill such children at
 * random moments call `killWorkers` after each test, so none outlives its test.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface WorkerProcess {
  child: ChildProcess;
  /** Its stdout so far, a line each. */
  lines: string[];
  /** Its exit code once it has ended (null when a signal ended it). */
  exited: Promise<number | null>;
}

const running = new Set<ChildProcess>();

export function startWorker(script: URL, ...args: string[]): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', script.pathname, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const lines: string[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
  });
  createInterface({ input: child.stdout! }).on('line', (line) => lines.push(line));
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      running.delete(child);
      if (code !== 0 && code !== null) console.error(stderr);
      resolve(code);
    }),
  );
  return { child, lines, exited };
}

/** SIGKILL to every worker still running. */
export function killWorkers(): void {
  for (const child of running) child.kill('SIGKILL');
}
