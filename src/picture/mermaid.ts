// A pipeline picture as a Mermaid flowchart (renders on GitHub, GitLab and in most Markdown tools): one subgraph per
// container, links labelled with their message, stream links dotted, operations no link touches in the `unwired`
// class. Node ids are the picture's short keys; every name is a quoted label in which anything but letters, digits
// and a few safe signs is a Mermaid entity code (`#34;`), so no name can change the syntax or inject markup.
import { linkLabel, streamNote, textLines, type Picture } from './model.js';

/**
 * One line for a quoted Mermaid label: letters, digits and plain punctuation as they are, the rest as `#<code>;`.
 * Colons too: Mermaid rewrites any line matching `classDef.*:\S*#.*;` (or `style...`) before parsing, labels included.
 */
function escapeLine(line: string): string {
  let out = '';
  for (const ch of line) out += /^[\p{L}\p{N} _.,/()+=@-]$/u.test(ch) ? ch : `#${ch.codePointAt(0)};`;
  return out;
}

/** A quoted Mermaid label showing exactly `texts`, one line each (and one per line break inside them). */
function quoted(...texts: string[]): string {
  return `"${texts.flatMap(textLines).map(escapeLine).join('<br/>')}"`;
}

export function toMermaid(picture: Picture): string {
  const lines: string[] = [];
  // Front matter is YAML, and a JSON string is a YAML double-quoted scalar. Mermaid shows the title as text (markup
  // included) and decodes no entity codes there, so it goes as written.
  if (picture.name !== undefined)
    lines.push('---', `title: ${JSON.stringify(textLines(picture.name).join(' '))}`, '---');
  lines.push('flowchart LR');
  for (const container of picture.containers) {
    lines.push(`  subgraph ${container.key}[${quoted(container.name)}]`);
    for (const op of container.operations) {
      const note = streamNote(op);
      lines.push(`    ${op.key}[${quoted(op.operation, ...(note ? [note] : []), ...(op.wired ? [] : ['not wired']))}]`);
    }
    lines.push('  end');
  }
  for (const link of picture.links) {
    const from = picture.byId.get(link.from)!.key;
    const to = picture.byId.get(link.to)!.key;
    const arrow = link.stream ? '-.->' : '-->';
    const label = linkLabel(link);
    const text = label.length === 0 ? '' : `|${quoted(...label)}|`;
    lines.push(`  ${from} ${arrow}${text} ${to}`);
  }
  const unwired = picture.operations.filter((o) => !o.wired).map((o) => o.key);
  if (unwired.length > 0) {
    lines.push('  classDef unwired fill:#f3f4f6,stroke:#9ca3af,color:#6b7280,stroke-dasharray:4 3');
    lines.push(`  class ${unwired.join(',')} unwired`);
  }
  return lines.join('\n') + '\n';
}
