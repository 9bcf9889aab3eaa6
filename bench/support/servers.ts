// Echo servers in a child process (support/echo-servers.ts) for the benches: started once, outside the timing.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface Servers {
  ports: number[];
  child: ChildProcess;
}

/** One server per delay (ms); `health` adds the standard health service with that overall status. */
export async function startServers(delays: number[], health?: 'SERVING'): Promise<Servers> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'bench/support/echo-servers.ts'), ...delays.map(String)],
    {
      cwd: root,
      env: health ? { ...process.env, AIEFFECT_BENCH_HEALTH: health } : process.env,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const ports = await new Promise<number[]>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('\n')) resolve(JSON.parse(out) as number[]);
    });
    child.on('exit', (code) => reject(new Error(`echo servers exited with ${code}`)));
  });
  return { ports, child };
}

export function stopServers(servers: Servers): Promise<void> {
  return new Promise((resolve) => {
    servers.child.removeAllListeners('exit');
    servers.child.on('exit', () => resolve());
    servers.child.kill('SIGTERM');
  });
}
