// DOT -> SVG with Graphviz compiled to WebAssembly (@viz-js/viz): offline, nothing to install besides the npm package,
// the same layout on every machine. The module (about 1.5 MB of WebAssembly) is imported only when an SVG is asked for,
// so commands that never draw do not pay for loading it.

type Viz = Awaited<ReturnType<typeof import('@viz-js/viz').instance>>;

let viz: Promise<Viz> | undefined;

function graphviz(): Promise<Viz> {
  viz ??= import('@viz-js/viz').then((m) => m.instance());
  return viz;
}

/** The Graphviz version that draws the SVGs (for summaries and tests). */
export async function graphvizVersion(): Promise<string> {
  return (await graphviz()).graphvizVersion;
}

/**
 * Lays out `dot` with Graphviz's `dot` engine and returns a standalone SVG document. The DOT comes from toDot, so a
 * Graphviz error is a bug: thrown as a plain Error with Graphviz's messages.
 */
export async function renderSvg(dot: string): Promise<string> {
  const result = (await graphviz()).render(dot, { format: 'svg', engine: 'dot' });
  if (result.status !== 'success') {
    throw new Error(`Graphviz could not render the pipeline: ${result.errors.map((e) => e.message).join('; ')}`);
  }
  return result.output;
}

/** The `<svg>` element of an SVG document, without the XML declaration, doctype and comments: for inline HTML. */
export function inlineSvg(document: string): string {
  const start = document.indexOf('<svg');
  if (start < 0) throw new Error('inlineSvg: no <svg> element');
  return document.slice(start).replace(/<!--[\s\S]*?-->\n?/g, '');
}
