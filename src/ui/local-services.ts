// `aieffect run`'s own lines on stderr, around the engine's progress: services starting, ready, exiting and stopping,
// a service's last output lines when it failed, and the table of running services for --keep-running.
import { chalkStderr as color } from 'chalk';
import type { LocalEvent, LocalServiceInfo } from '../local/runtime.js';
import { formatDuration } from './progress.js';

function exitText(exit: { code: number | null; signal: string | null }): string {
  return exit.signal ? `killed by ${exit.signal}` : `exited with code ${exit.code ?? '?'}`;
}

/** One line per event. */
export function describeLocalEvent(event: LocalEvent): string {
  switch (event.type) {
    case 'service-starting':
      return `launch ${event.service} ${color.dim(`pid ${event.pid}, ${event.address}: ${event.command}`)}`;
    case 'service-ready':
      return `up     ${event.service} ${color.dim(`${event.via === 'health' ? 'health SERVING' : 'accepting calls'} after ${formatDuration(event.durationMs)}`)}`;
    case 'service-exited':
      return `${color.red('exit')}   ${event.service} ${exitText(event.exit)}`;
    case 'services-stopping':
      return `stop   ${event.services.length} service${event.services.length === 1 ? '' : 's'}`;
    case 'services-stopped':
      return `${color.dim(`stopped in ${formatDuration(event.durationMs)}`)}`;
  }
}

/** A service's last output lines, indented under a heading naming it. */
export function renderOutputTail(service: string, lines: string[]): string {
  if (lines.length === 0) return `${service} wrote no output`;
  const body = lines.map((line) => `  ${color.dim('|')} ${line}`).join('\n');
  return `${color.bold(service)} output (last ${lines.length} line${lines.length === 1 ? '' : 's'}):\n${body}`;
}

/** The running services, aligned: service, container, address, pid. */
export function renderServiceTable(
  services: Pick<LocalServiceInfo, 'service' | 'container' | 'address' | 'pid'>[],
): string {
  const rows = services.map((s) => [s.service, s.container, s.address, `pid ${s.pid}`]);
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => `  ${r.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : cell)).join('  ')}`).join('\n');
}
