// `npm install` in a new use case, so that its TypeScript services build and run at once. Its output goes to the
// caller line by line (stderr, where the user sees npm working); a failure is one UserError with npm's last lines.
import { spawn } from 'node:child_process';
import { UserError } from '../errors.js';

export const NPM_INSTALL = ['npm', 'install', '--no-audit', '--no-fund'] as const;
const KEEP_LINES = 20;

/** Runs `npm install` in `dir`. Thrown: UserError NPM_NOT_FOUND, INSTALL_FAILED (details.output: npm's last lines). */
export function npmInstall(dir: string, onLine: (line: string) => void = () => {}): Promise<void> {
  const [command, ...args] = NPM_INSTALL;
  const shown = NPM_INSTALL.join(' ');
  const hint = `the use case is complete; run \`${shown}\` in ${dir} once the problem is fixed`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.platform === 'win32' ? `${command}.cmd` : command, args, {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    let partial = '';
    const onData = (chunk: string) => {
      const parts = (partial + chunk).split(/\r?\n/);
      partial = parts.pop() ?? '';
      for (const line of parts) {
        onLine(line);
        lines.push(line);
        if (lines.length > KEEP_LINES) lines.shift();
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    child.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'ENOENT'
          ? new UserError('NPM_NOT_FOUND', `cannot run ${shown}: npm is not on PATH`, { hint })
          : err,
      ),
    );
    child.once('close', (code, signal) => {
      if (partial) onData('\n');
      if (code === 0) return resolve();
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      reject(
        new UserError('INSTALL_FAILED', `${shown} in ${dir} ${how}`, {
          hint,
          details: { command: shown, cwd: dir, exit_code: code, output: lines },
        }),
      );
    });
  });
}
