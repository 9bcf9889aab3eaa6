/// <reference lib="dom" />
// `--report FILE.html` of `orchestrate` and `run`, through the built CLI: the page is written whatever ends the run
// (success, a failed node, services never ready, a package that does not load, SIGINT), and each page is opened in
// headless chromium: it renders without any request, shows the outcome, the graph and one row per node. The path is
// checked before anything runs. Screenshots go to test/artefacts/.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import getPort from 'get-port';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artefactPath, launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { listFiles, repoRoot, runCli, tempDir } from '../helpers/cli.js';
import { chainNodes, oneAddress, writePackage } from '../helpers/export-package.js';
import { gate, grpcError, startServer, step, type TestServer } from '../helpers/grpc.js';

let server: TestServer;
let browser: TestBrowser;
let work: ReturnType<typeof tempDir>;
let pid = 0;
const never = gate();

beforeAll(async () => {
  work = tempDir('aieffect-report-e2e-');
  browser = await launchBrowser();
  server = await startServer('echo.proto', {
    Echo: step('a'),
    Step: async (req) => {
      if (req.data === 'fail>a') throw grpcError(grpc.status.INVALID_ARGUMENT, 'seq must be even');
      if (req.data === 'hold>a') {
        // The moment to interrupt: the CLI is mid-run with this call in flight.
        process.kill(pid, 'SIGINT');
        await never.promise;
      }
      return step('b')(req);
    },
  });
  const nodes = chainNodes('echo.proto', ['a:Echo', 'b:Step', 'c:Echo']);
  writePackage(join(work.dir, 'pkg'), { name: 'chain', nodes, addresses: oneAddress(nodes, server.address) });
});
afterAll(async () => {
  never.open();
  await browser?.close();
  await server?.stop();
  work?.cleanup();
});

interface Page {
  status: string | null;
  title: string;
  error: string | null;
  graph: string[];
  rows: { node: string; status: string; bar: boolean; text: string }[];
  steps: string[];
  stepTexts: string[];
}

/** Opens a report in the browser (screenshot `name`.png) and reads what a person would see. */
async function readReport(file: string, name: string): Promise<Page> {
  const tab = await browser.open(pathToFileURL(file).href);
  await tab.screenshot({ path: artefactPath(`report-${name}.png`), fullPage: true });
  const page = await tab.evaluate((): Page => ({
    status: document.body.getAttribute('data-status'),
    title: document.title,
    error: document.querySelector('.error')?.textContent ?? null,
    graph: [...document.querySelectorAll('#graph svg g.node')].map((g) => g.getAttribute('class') ?? '').sort(),
    rows: [...document.querySelectorAll<HTMLElement>('.row.node')].map((r) => {
      const box = r.querySelector('.bar')?.getBoundingClientRect();
      return {
        node: r.dataset.node ?? '',
        status: [...r.classList].find((c) => c.startsWith('status-')) ?? '',
        bar: box !== undefined && box.width > 0 && box.height > 0,
        text: r.querySelector('.bar-text')?.textContent ?? '',
      };
    }),
    steps: [...document.querySelectorAll('.row.step .label')].map((l) => l.textContent ?? ''),
    stepTexts: [...document.querySelectorAll('.row.step .bar-text')].map((l) => l.textContent ?? ''),
  }));
  await tab.close();
  expect(browser.errors).toEqual([]);
  expect(browser.blocked).toEqual([]);
  return page;
}

describe('orchestrate --report', () => {
  it('a successful run: the page and --output both written, every node with its bar', async () => {
    const r = await runCli(['orchestrate', 'pkg', '-i', '{"data":"x"}', '--report', 'ok.html', '-o', 'ok.json'], {
      cwd: work.dir,
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(join(work.dir, 'ok.json'), 'utf8')).summary.status).toBe('succeeded');
    const page = await readReport(join(work.dir, 'ok.html'), 'orchestrate-succeeded');
    expect(page).toMatchObject({ status: 'succeeded', title: 'chain: succeeded', error: null });
    expect(page.graph).toEqual([
      'node wired status-succeeded',
      'node wired status-succeeded',
      'node wired status-succeeded',
    ]);
    expect(page.rows.map((row) => [row.node, row.status, row.bar])).toEqual([
      ['a:Echo', 'status-succeeded', true],
      ['b:Step', 'status-succeeded', true],
      ['c:Echo', 'status-succeeded', true],
    ]);
    expect(page.steps).toEqual(['a', 'b', 'c']);
    const html = readFileSync(join(work.dir, 'ok.html'), 'utf8');
    expect(html).toContain(
      '<code>aieffect orchestrate pkg -i &#39;{&quot;data&quot;:&quot;x&quot;}&#39; --report ok.html -o ok.json</code>',
    );
  });

  it('a failed node: exit 1, the page names the failure, the nodes behind it did not run', async () => {
    const r = await runCli(['orchestrate', 'pkg', '-i', '{"data":"fail"}', '--report', 'failed.html'], {
      cwd: work.dir,
    });
    expect(r.code).toBe(1);
    const page = await readReport(join(work.dir, 'failed.html'), 'orchestrate-failed');
    expect(page.status).toBe('failed');
    expect(page.error).toBe(
      'NODE_FAILED node "b:Step" failed: INVALID_ARGUMENT: seq must be even' +
        "see the service's own logs for why it returned this status",
    );
    expect(page.rows.map((row) => [row.node, row.status, row.bar])).toEqual([
      ['a:Echo', 'status-succeeded', true],
      ['b:Step', 'status-failed', true],
      ['c:Echo', 'status-skipped', false],
    ]);
    expect(page.rows[1]!.text).toMatch(/ · INVALID_ARGUMENT$/);
  });

  it('services never ready: exit 1, the page shows the wait and that nothing was called', async () => {
    const port = await getPort();
    const nodes = chainNodes('echo.proto', ['a:Echo', 'b:Step']);
    writePackage(join(work.dir, 'down'), { name: 'down', nodes, addresses: oneAddress(nodes, `127.0.0.1:${port}`) });
    const r = await runCli(['orchestrate', 'down', '--wait-timeout', '1s', '--report', 'down.html'], {
      cwd: work.dir,
    });
    expect(r.code).toBe(1);
    const page = await readReport(join(work.dir, 'down.html'), 'orchestrate-not-ready');
    expect(page.status).toBe('failed');
    expect(page.error).toMatch(/^SERVICES_NOT_READY /);
    expect(page.steps).toEqual(['a', 'b']);
    expect(page.stepTexts).toEqual([
      expect.stringMatching(/^not ready after /),
      expect.stringMatching(/^not ready after /),
    ]);
    expect(page.rows.map((row) => [row.node, row.status, row.bar])).toEqual([
      ['a:Echo', 'status-not-run', false],
      ['b:Step', 'status-not-run', false],
    ]);
  });

  it('a package that does not load: exit 1, the page says why and that there is no graph', async () => {
    const r = await runCli(['orchestrate', 'nowhere', '--report', 'nowhere.html'], { cwd: work.dir });
    expect(r.code).toBe(1);
    const page = await readReport(join(work.dir, 'nowhere.html'), 'orchestrate-no-package');
    expect(page).toMatchObject({ status: 'failed', graph: [], rows: [] });
    expect(page.error).toMatch(/^NOT_A_DIRECTORY nowhere: no such directory/);
  });

  it('SIGINT mid-run: exit 130, the page shows the run cancelled', async () => {
    const r = await runCli(['orchestrate', 'pkg', '-i', '{"data":"hold"}', '--report', 'cancelled.html'], {
      cwd: work.dir,
      onSpawn: (p) => (pid = p),
    });
    expect(r.code).toBe(130);
    const page = await readReport(join(work.dir, 'cancelled.html'), 'orchestrate-cancelled');
    expect(page.status).toBe('cancelled');
    expect(page.rows.map((row) => [row.node, row.status])).toEqual([
      ['a:Echo', 'status-succeeded'],
      ['b:Step', 'status-cancelled'],
      ['c:Echo', 'status-skipped'],
    ]);
  });

  it('a path that cannot take the page stops before anything runs (exit 2); --plan takes no report', async () => {
    mkdirSync(join(work.dir, 'taken.html'));
    const before = server.calls.length;
    const folder = await runCli(['orchestrate', 'pkg', '--report', 'taken.html'], { cwd: work.dir });
    expect(folder.stderr).toBe(
      'error --report taken.html: is a folder, not a file\n  hint: give a file path, e.g. taken.html/result.json\n',
    );
    expect(folder.code).toBe(2);
    const missing = await runCli(['orchestrate', 'pkg', '--report', 'no/such/r.html'], { cwd: work.dir });
    expect(missing.stderr.split('\n')[0]).toBe('error --report no/such/r.html: folder no/such does not exist');
    expect(missing.code).toBe(2);
    expect(server.calls.length).toBe(before);
    const plan = await runCli(['orchestrate', 'pkg', '--plan', '--report', 'plan.html'], { cwd: work.dir });
    expect(plan.code).toBe(2);
    expect(plan.stderr.split('\n')[0]).toBe('error --plan=true cannot also be provided when using --report');
    expect(existsSync(join(work.dir, 'plan.html'))).toBe(false);
  });
});

describe('run --report', () => {
  it('a local run of the example: services started, then the calls, all in one page', async () => {
    const out = tempDir('aieffect-report-run-');
    try {
      const example = join(repoRoot, 'examples', 'file_based_energy_pipeline');
      const r = await runCli(
        ['run', example, '--data-dir', join(out.dir, 'data'), '--report', join(out.dir, 'run.html'), '--no-progress'],
        { timeoutMs: 120_000 },
      );
      expect(r.stderr).not.toContain('error');
      expect(r.code).toBe(0);
      expect(listFiles(out.dir).filter((f) => f.endsWith('.html'))).toEqual(['run.html']);
      const page = await readReport(join(out.dir, 'run.html'), 'run-example');
      expect(page.status).toBe('succeeded');
      expect(page.steps.slice(0, 4).sort()).toEqual([
        'data-analyzer',
        'data-generator',
        'input-provider',
        'report-generator',
      ]);
      expect(page.graph).toHaveLength(4);
      expect(page.rows.map((row) => [row.node, row.status, row.bar])).toEqual([
        ['input_provider1:GetConfiguration', 'status-succeeded', true],
        ['data_generator1:GenerateData', 'status-succeeded', true],
        ['data_analyzer1:AnalyzeData', 'status-succeeded', true],
        ['report_generator1:GenerateReport', 'status-succeeded', true],
      ]);
    } finally {
      out.cleanup();
    }
  });
});
