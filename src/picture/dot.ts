// A pipeline picture as Graphviz DOT: one cluster per container, one box per operation, links labelled with their
// message, stream links dashed and heavier, operations no link touches grey and dashed ("not wired"). Node ids are
// the picture's short keys and every name goes into a quoted, escaped label, so no name can change the syntax.
import { linkLabel, streamNote, textLines, type Picture } from './model.js';

export interface DotOptions {
  /** Extra SVG classes per node id (`container:operation`), e.g. the run report's statuses. */
  classes?: ReadonlyMap<string, string>;
}

const FONT = 'Helvetica,Arial,sans-serif';

/** One line of text inside a DOT string: backslashes and quotes escaped, `&` as an entity (Graphviz decodes them). */
function escapeLine(line: string): string {
  return line.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/&/g, '&amp;');
}

/**
 * A DOT double-quoted string whose rendered text is exactly `text` (labels are Graphviz escStrings, where `\N` and
 * friends would expand): each line escaped, the lines joined by Graphviz's centred line break.
 */
export function dotString(...texts: string[]): string {
  return `"${texts.flatMap(textLines).map(escapeLine).join('\\n')}"`;
}

function attrs(list: [string, string][]): string {
  return `[${list.map(([k, v]) => `${k}=${v}`).join(', ')}]`;
}

export function toDot(picture: Picture, options: DotOptions = {}): string {
  const lines: string[] = ['digraph pipeline {'];
  const graphAttrs: [string, string][] = [
    ['rankdir', 'LR'],
    ['fontname', `"${FONT}"`],
    ['fontsize', '12'],
    ['nodesep', '0.3'],
    ['ranksep', '0.6'],
  ];
  if (picture.name !== undefined) graphAttrs.push(['label', dotString(picture.name)], ['labelloc', 't']);
  lines.push(`  graph ${attrs(graphAttrs)};`);
  lines.push(
    `  node ${attrs([
      ['shape', 'box'],
      ['style', '"rounded,filled"'],
      ['fillcolor', '"#eef2ff"'],
      ['color', '"#4f46e5"'],
      ['fontname', `"${FONT}"`],
      ['fontsize', '11'],
      ['margin', '"0.15,0.06"'],
    ])};`,
  );
  lines.push(
    `  edge ${attrs([
      ['color', '"#475569"'],
      ['fontname', `"${FONT}"`],
      ['fontsize', '9'],
      ['fontcolor', '"#334155"'],
    ])};`,
  );
  for (const container of picture.containers) {
    lines.push('', `  subgraph cluster_${container.key} {`);
    lines.push(
      `    graph ${attrs([
        ['label', dotString(container.name)],
        ['id', `"${container.key}"`],
        ['style', '"rounded,filled"'],
        ['fillcolor', '"#f8fafc"'],
        ['color', '"#cbd5e1"'],
      ])};`,
    );
    for (const op of container.operations) {
      const note = streamNote(op);
      const text = [op.operation, ...(note ? [note] : []), ...(op.wired ? [] : ['not wired'])];
      const classes = [op.wired ? 'wired' : 'unwired', options.classes?.get(op.id)].filter(Boolean).join(' ');
      const list: [string, string][] = [
        ['label', dotString(...text)],
        ['id', `"${op.key}"`],
        ['class', dotString(classes)],
        ['tooltip', dotString(op.id)],
      ];
      if (!op.wired) {
        list.push(
          ['style', '"rounded,filled,dashed"'],
          ['fillcolor', '"#f3f4f6"'],
          ['color', '"#9ca3af"'],
          ['fontcolor', '"#6b7280"'],
        );
      }
      lines.push(`    ${op.key} ${attrs(list)};`);
    }
    lines.push('  }');
  }
  if (picture.links.length > 0) lines.push('');
  for (const link of picture.links) {
    const from = picture.byId.get(link.from)!;
    const to = picture.byId.get(link.to)!;
    const list: [string, string][] = [];
    const text = linkLabel(link);
    if (text.length > 0) list.push(['label', dotString(...text)]);
    list.push([
      'class',
      dotString(['link', ...(link.stream ? ['stream'] : []), ...(link.loop ? ['loop'] : [])].join(' ')),
    ]);
    if (link.stream) list.push(['style', 'dashed'], ['penwidth', '1.8']);
    // The link that closes a cycle must not rank its target after its source: the rest keeps the run's order.
    if (link.loop) list.push(['constraint', 'false']);
    lines.push(`  ${from.key} -> ${to.key} ${attrs(list)};`);
  }
  lines.push('}', '');
  return lines.join('\n');
}
