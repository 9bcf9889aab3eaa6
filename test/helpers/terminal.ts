/* eslint-disable no-control-regex -- terminal escape codes (\x1b) are what these tests look for */
// Runs the built CLI on a pseudo-terminal (util-linux `script`, part of every Debian), the way it behaves in a
// person's terminal: stderr and stdout are a TTY of 120 columns, TERM is xterm-256color, and no colour variable is set
// unless the test sets one. What the terminal received is returned raw, escape codes and all.
import { spawn } from 'node:child_process';
import { shellWord } from '../../src/deploy/shell-template.js';
import { binPath, repoRoot } from './cli.js';

export interface TerminalResult {
  code: number | null;
  /** Everything the terminal received (stdout and stderr together), with its escape codes. */
  output: string;
}

/** SGR codes: what sets colours and styles (cursor movement and erasing are other codes). */
export const COLOUR_CODE = /\x1b\[[0-9;]*m/;

export function runOnTerminal(
  args: string[],
  options: { env?: Record<string, string | undefined>; cwd?: string; stdoutTo?: string; timeoutMs?: number } = {},
): Promise<TerminalResult> {
  const redirect = options.stdoutTo === undefined ? '' : ` >${shellWord(options.stdoutTo)}`;
  const command = `stty cols 120 rows 50; exec ${[process.execPath, binPath, ...args].map(shellWord).join(' ')}${redirect}`;
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      cwd: options.cwd ?? repoRoot,
      env: {
        ...process.env,
        TERM: 'xterm-256color',
        NO_COLOR: undefined,
        FORCE_COLOR: undefined,
        // supports-color turns colour off under an unknown CI, and vitest sets NODE_ENV=test.
        CI: undefined,
        NODE_ENV: undefined,
        DEBUG: undefined,
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
