// Pictures of a pipeline: the model (from a use case or an export package) and its formats. SVG goes through
// Graphviz in WebAssembly, loaded on first use only.
import { extname } from 'node:path';
import { UserError } from '../errors.js';
import { toDot } from './dot.js';
import { toMermaid } from './mermaid.js';
import type { Picture } from './model.js';

export { pictureOf, type Picture, type PictureLink, type PictureOperation, type PictureContainer } from './model.js';
export { loadPicture, blueprintPicture, type LoadedPicture, type PictureSourceKind } from './load.js';
export { toDot, type DotOptions } from './dot.js';
export { toMermaid } from './mermaid.js';

export const PICTURE_FORMATS = ['mermaid', 'dot', 'svg'] as const;
export type PictureFormat = (typeof PICTURE_FORMATS)[number];

const BY_EXTENSION: Record<string, PictureFormat> = {
  '.mmd': 'mermaid',
  '.mermaid': 'mermaid',
  '.dot': 'dot',
  '.gv': 'dot',
  '.svg': 'svg',
};

/**
 * The format to write: --format when given, else the one the output file's extension names, else Mermaid. Thrown:
 * UserError USAGE (exit 2) for an output extension that names no format we write.
 */
export function pictureFormat(format: PictureFormat | undefined, output: string | undefined): PictureFormat {
  if (format !== undefined) return format;
  if (output === undefined) return 'mermaid';
  const ext = extname(output).toLowerCase();
  if (ext === '') return 'mermaid';
  const known = BY_EXTENSION[ext];
  if (known) return known;
  throw new UserError('USAGE', `--output ${output}: "${ext}" names no format aieffect draws`, {
    exit: 2,
    hint: `give --format (${PICTURE_FORMATS.join(', ')}), or an output ending in ${Object.keys(BY_EXTENSION).join(', ')}`,
  });
}

/** The picture as text in `format`; SVG loads Graphviz (WebAssembly) on first use. */
export async function renderPicture(picture: Picture, format: PictureFormat): Promise<string> {
  if (format === 'mermaid') return toMermaid(picture);
  const dot = toDot(picture);
  if (format === 'dot') return dot;
  const { renderSvg } = await import('./svg.js');
  return renderSvg(dot);
}
