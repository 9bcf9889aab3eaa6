// `--plan` as text: the execution levels, the links with how each maps messages, the addresses, and what cannot run
// yet. Takes the plan as plain data (the shape of the engine's RunPlan), so the UI depends on no engine code.
import { stdoutColor as color } from './color.js';

export interface PlanView {
  pipeline?: string;
  levels: string[][];
  edges: {
    from: string;
    to: string;
    mode: string;
    fields: string[];
    skipped?: string[];
    left_at_default?: string[];
  }[];
  addresses: Record<string, string>;
  streaming: string[];
  not_wired: string[];
  notes: string[];
}

export function renderPlan(plan: PlanView): string {
  const count = plan.levels.reduce((n, l) => n + l.length, 0);
  const lines: string[] = [];
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  lines.push(
    `${color.bold(`pipeline ${plan.pipeline ?? '(unnamed)'}`)}: ${plural(count, 'node')}, ${plural(plan.edges.length, 'link')}, ${plural(plan.levels.length, 'level')}`,
  );
  const streaming = new Set(plan.streaming);
  plan.levels.forEach((level, i) => {
    lines.push('', color.bold(`level ${i}`));
    for (const id of level) lines.push(`  ${id}${streaming.has(id) ? color.dim('  (streaming)') : ''}`);
  });
  if (plan.edges.length > 0) {
    lines.push('', color.bold('links'));
    for (const e of plan.edges) {
      const how = e.mode === 'pass-through' ? 'pass-through' : `mapped: ${e.fields.join(', ') || 'no common fields'}`;
      const skipped = e.skipped?.length ? `; not mapped: ${e.skipped.join(', ')}` : '';
      const absent = e.left_at_default?.length
        ? `; left at default / from --input: ${e.left_at_default.join(', ')}`
        : '';
      lines.push(`  ${e.from} -> ${e.to}  ${color.dim(`(${how}${skipped}${absent})`)}`);
    }
  }
  if (plan.not_wired.length > 0) {
    lines.push('', `${color.bold('not wired')} ${color.dim('(no link in or out: not called)')}`);
    for (const id of plan.not_wired) lines.push(`  ${id}`);
  }
  lines.push('', color.bold('addresses'));
  const width = Math.max(...Object.keys(plan.addresses).map((c) => c.length));
  for (const [container, address] of Object.entries(plan.addresses))
    lines.push(`  ${container.padEnd(width)}  ${address}`);
  for (const note of plan.notes) lines.push('', `${color.yellow('note')} ${note}`);
  if (plan.streaming.length > 0) {
    lines.push('', `${color.yellow('note')} streaming operations are not supported yet: ${plan.streaming.join(', ')}`);
  }
  return lines.join('\n');
}
