// `--plan` as text: the execution levels with how each node is called, the links with how each maps messages, the
// operations not wired, the addresses and notes. Takes the plan as plain data (the shape of the engine's RunPlan), so
// the UI depends on no engine code.
import { stdoutColor as color } from './color.js';

export interface PlanView {
  pipeline?: string;
  levels: string[][];
  nodes?: Record<string, { kind: string; trigger: string; many: boolean; loops?: true; callback?: true }>;
  edges: {
    from: string;
    to: string;
    mode: string;
    fields: string[];
    skipped?: string[];
    left_at_default?: string[];
    stream?: true;
    loop?: true;
  }[];
  addresses: Record<string, string>;
  not_wired: string[];
  notes: string[];
}

const KIND: Record<string, string> = {
  'server-stream': 'server stream',
  'client-stream': 'client stream',
  bidi: 'bidirectional stream',
};

/** How a node is called, in words; nothing for the plain case (a unary call, once). */
function howCalled(node: NonNullable<PlanView['nodes']>[string] | undefined): string {
  if (!node) return '';
  const parts = [KIND[node.kind]];
  if (node.trigger === 'each') parts.push('per message');
  if (node.trigger === 'stream') parts.push('one call per run');
  if (node.loops) parts.push('again each time it ends (--loop)');
  if (node.callback) parts.push('callback: closed at the end of the run');
  const text = parts.filter(Boolean).join('; ');
  return text ? color.dim(`  (${text})`) : '';
}

export function renderPlan(plan: PlanView): string {
  const count = plan.levels.reduce((n, l) => n + l.length, 0);
  const lines: string[] = [];
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  lines.push(
    `${color.bold(`pipeline ${plan.pipeline ?? '(unnamed)'}`)}: ${plural(count, 'node')}, ${plural(plan.edges.length, 'link')}, ${plural(plan.levels.length, 'level')}`,
  );
  plan.levels.forEach((level, i) => {
    lines.push('', color.bold(`level ${i}`));
    for (const id of level) lines.push(`  ${id}${howCalled(plan.nodes?.[id])}`);
  });
  if (plan.edges.length > 0) {
    lines.push('', color.bold('links'));
    for (const e of plan.edges) {
      const how = e.mode === 'pass-through' ? 'pass-through' : `mapped: ${e.fields.join(', ') || 'no common fields'}`;
      const skipped = e.skipped?.length ? `; not mapped: ${e.skipped.join(', ')}` : '';
      const absent = e.left_at_default?.length
        ? `; left at default / from --input: ${e.left_at_default.join(', ')}`
        : '';
      const kind = `${e.stream ? '; stream' : ''}${e.loop ? '; closes a cycle' : ''}`;
      lines.push(`  ${e.from} -> ${e.to}  ${color.dim(`(${how}${skipped}${absent}${kind})`)}`);
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
  return lines.join('\n');
}
