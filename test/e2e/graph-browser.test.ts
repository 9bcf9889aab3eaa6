/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The pictures in a real browser (Debian's chromium): the committed Mermaid golden files rendered by the real Mermaid
// library, every label coming out exactly as the names were written (hostile ones included), and the SVG of
// `aieffect graph` opened as a document. Screenshots in test/artefacts/.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { goldenDir } from '../golden/golden.js';
import type { Page } from 'playwright-core';
import { artefactPath, launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { repoRoot, runCli, tempDir } from '../helpers/cli.js';

const mermaidScript = createRequire(import.meta.url).resolve('mermaid/dist/mermaid.min.js');

let browser: TestBrowser;
let tmp: ReturnType<typeof tempDir>;
/** One page with Mermaid loaded (3 MB of script), reused by every render. */
let mermaidPage: Page;

beforeAll(async () => {
  browser = await launchBrowser();
  tmp = tempDir('aieffect-graph-browser-');
  const html = join(tmp.dir, 'mermaid.html');
  writeFileSync(
    html,
    `<!doctype html><html><head><meta charset="utf-8"><script src="${pathToFileURL(mermaidScript).href}"></script></head><body><div id="out"></div></body></html>`,
  );
  mermaidPage = await browser.open(pathToFileURL(html).href);
});
afterAll(async () => {
  await browser?.close();
  tmp?.cleanup();
});

interface Rendered {
  error?: string;
  title: string;
  /** Tag names of the elements in the labels and of any script or b element (markup a name might inject). */
  elements: string[];
  clusters: string[];
  nodes: string[];
  edges: string[];
}

/** Renders Mermaid text with the real library in a page; returns the labels as the browser shows them. */
async function renderMermaid(name: string, text: string): Promise<Rendered> {
  const page = mermaidPage;
  const rendered = await page.evaluate(async (source: string): Promise<Rendered> => {
    const mermaid = (
      window as unknown as {
        mermaid: { initialize(c: object): void; render(id: string, t: string): Promise<{ svg: string }> };
      }
    ).mermaid;
    mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });
    const out = document.getElementById('out')!;
    out.innerHTML = '';
    try {
      out.innerHTML = (await mermaid.render('picture', source)).svg;
    } catch (err) {
      return { error: String(err), title: '', elements: [], clusters: [], nodes: [], edges: [] };
    }
    const texts = (selector: string) => [...out.querySelectorAll<HTMLElement>(selector)].map((e) => e.innerText);
    return {
      title: out.querySelector('.flowchartTitleText')?.textContent ?? '',
      elements: [...out.querySelectorAll('script, b, foreignObject *')].map((e) => e.tagName.toLowerCase()),
      clusters: texts('.cluster-label .nodeLabel'),
      nodes: texts('.node .nodeLabel'),
      edges: texts('.edgeLabel .edgeLabel').filter((t) => t !== ''),
    };
  }, text);
  await page.screenshot({ path: artefactPath(`graph-${name}.mermaid.png`), fullPage: true });
  return rendered;
}

describe('Mermaid output in the real Mermaid', () => {
  it('renders the energy use case with its labels', async () => {
    const r = await renderMermaid('energy', readFileSync(join(goldenDir, 'graph/energy_pipeline.mmd'), 'utf8'));
    expect(r.error).toBeUndefined();
    expect(r.title).toBe('energy-pipeline');
    expect(r.clusters.sort()).toEqual(['data_analyzer1', 'data_generator1', 'report_generator1']);
    expect(r.nodes.sort()).toEqual([
      'AnalyzeData',
      'GenerateData',
      'GenerateReport\nstream in',
      'Health\nnot wired',
      'WatchAnomalies\nstream out\nnot wired',
    ]);
    expect(r.edges.sort()).toEqual(['AnalysisResult', 'DataBatch']);
  });

  it('renders the Graphene sudoku package', async () => {
    const r = await renderMermaid('sudoku', readFileSync(join(goldenDir, 'graph/graphene-sudoku.mmd'), 'utf8'));
    expect(r.error).toBeUndefined();
    expect(r.nodes).toHaveLength(6);
    expect(r.edges.sort()).toEqual([
      'SolveResultAnswersets',
      'SolverJob',
      'SudokuDesignEvaluationJob',
      'SudokuDesignEvaluationResult',
    ]);
  });

  it('shows hostile names exactly as written, and nothing they contain runs or becomes syntax', async () => {
    const r = await renderMermaid('hostile', readFileSync(join(goldenDir, 'graph/hostile.mmd'), 'utf8'));
    expect(r.error).toBeUndefined();
    // The title is text, markup included (Mermaid shows its own escape of "&"); the labels are exactly the names.
    expect(r.title).toBe('Pipeline "quoted" <b>bold</b> &amp; ---  second line \\N');
    expect(new Set(r.elements)).toEqual(new Set(['div', 'span', 'p', 'br']));
    expect(r.clusters.sort()).toEqual(
      [
        'evil"]; n0-->n1 %% end',
        'back\\slash\\',
        '<script>alert(1)</script>&amp;#quot;',
        'end',
        'Zürich 日本 |pipe| `tick` {curly} #35;',
      ].sort(),
    );
    expect(r.nodes.sort()).toEqual(
      [
        'Gen"erate\nlines\nstream out',
        'subgraph x',
        '-->|x|',
        'click n0 call alert()\nnot wired',
        'classDef x fill:#f00',
        '\ufffdbell\ufffdtab\nnot wired',
      ].sort(),
    );
    expect(r.edges.sort()).toEqual(['Out"put', 'a&b;c\n→ M\\N', 'a&b;c'].sort());
    expect(browser.errors).toEqual([]);
    expect(browser.blocked).toEqual([]);
  });
});

describe('aieffect graph --format svg in the browser', () => {
  it('opens as an SVG document showing every operation', async () => {
    const out = join(tmp.dir, 'sudoku.svg');
    const result = await runCli(['graph', join(repoRoot, 'test/fixtures/pictures/hostile'), '-o', out]);
    expect(result.code).toBe(0);
    const page = await browser.open(pathToFileURL(out).href);
    const nodes = await page.$$eval('g.node', (gs) => gs.map((g) => g.id));
    expect(nodes.sort()).toEqual(['n0', 'n1', 'n2', 'n3', 'n4', 'n5']);
    const box = await page.locator('svg').boundingBox();
    expect(box!.width).toBeGreaterThan(300);
    await page.screenshot({ path: artefactPath('graph-hostile.svg.png') });
    await page.close();
    expect(browser.errors).toEqual([]);
    expect(browser.blocked).toEqual([]);
  });
});
