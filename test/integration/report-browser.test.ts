/// <reference lib="dom" />
// The run report of a real run (the engine against grpc-js servers on 127.0.0.1: a retried node, a failed one, one
// skipped behind it, an independent one) opened in headless chromium: it renders with no request beyond the file, the
// graph shows every operation coloured by its status, every node has its row and bar, retries are marked, and the
// page's script links rows to graph nodes. A screenshot goes to test/artefacts/.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeRun, prepareRun } from '../../src/engine/index.js';
import { pictureOf } from '../../src/picture/index.js';
import { buildRunReport, createRunRecorder } from '../../src/report/index.js';
import { artefactPath, launchBrowser, type TestBrowser } from '../helpers/browser.js';
import { tempDir } from '../helpers/cli.js';
import { writePackage } from '../helpers/export-package.js';
import { grpcError, startServer, step, type TestServer } from '../helpers/grpc.js';

let browser: TestBrowser;
let server: TestServer;
const tmp = tempDir('aieffect-report-');

beforeAll(async () => {
  browser = await launchBrowser();
  let calls = 0;
  server = await startServer('echo.proto', {
    // a1:Echo fails once with UNAVAILABLE (retried), d1:Echo succeeds at once.
    Echo: (req) => {
      if (req.data === 'retry-me' && calls++ === 0) throw grpcError(grpc.status.UNAVAILABLE, 'warming up');
      return step('echo')(req);
    },
    Step: () => {
      throw grpcError(grpc.status.INTERNAL, 'the model <crashed> & burned');
    },
  });
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  tmp.cleanup();
});

describe('the run report in a browser', () => {
  it('renders a failed run: graph coloured by status, every node with its bar, retries marked, offline', async () => {
    // a1 (retried) -> b1 (fails) -> c1 (skipped); a1 -> d1 (succeeds); e1 not wired.
    const dir = writePackage(join(tmp.dir, 'pkg'), {
      name: 'report <demo>',
      nodes: [
        { container: 'a1', proto: 'echo.proto', operations: { Echo: ['b1:Step', 'd1:Echo'] } },
        { container: 'b1', proto: 'echo.proto', operations: { Step: ['c1:Step'] } },
        { container: 'c1', proto: 'echo.proto', operations: { Step: [] } },
        { container: 'd1', proto: 'echo.proto', operations: { Echo: [] } },
        // No link touches it: not wired, never called, grey in the graph and absent from the timeline.
        { container: 'e1', proto: 'echo.proto', operations: { Echo: [] } },
      ],
      addresses: Object.fromEntries(['a1', 'b1', 'c1', 'd1', 'e1'].map((c) => [c, server.address])),
    });
    const prepared = prepareRun(dir);
    const recorder = createRunRecorder();
    const result = await executeRun(
      prepared,
      {
        input: { all: { data: 'retry-me' } },
        backoff: { initialMs: 20, maxMs: 20, multiplier: 1 },
      },
      recorder.onEvent,
    );
    expect(result.summary.status).toBe('failed');

    const page = await buildRunReport({
      command: 'aieffect orchestrate pkg',
      status: 'failed',
      picture: pictureOf(prepared.graph, prepared.pipeline),
      timeline: recorder.timeline(),
      error: { code: 'NODE_FAILED', message: 'node "b1:Step" failed: INTERNAL: the model <crashed> & burned' },
      generator: 'aieffect test',
      createdAt: new Date(),
    });
    const file = join(tmp.dir, 'report.html');
    writeFileSync(file, page);
    writeFileSync(artefactPath('report-failed-run.html'), page);

    const tab = await browser.open(pathToFileURL(file).href);
    await tab.screenshot({ path: artefactPath('report-failed-run.png'), fullPage: true });
    expect(await tab.title()).toBe('report <demo>: failed');
    expect(await tab.getAttribute('html', 'data-script')).toBe('ready');
    expect(await tab.textContent('.error')).toBe(
      'NODE_FAILED node "b1:Step" failed: INTERNAL: the model <crashed> & burned',
    );

    // The graph: one box per operation, each coloured by its node's status.
    const nodes = await tab.$$eval('#graph svg g.node', (gs) =>
      gs.map((g) => [g.querySelector('title')?.textContent, g.getAttribute('class')]),
    );
    expect(nodes.sort()).toEqual([
      ['n0', 'node wired status-succeeded'],
      ['n1', 'node wired status-failed'],
      ['n2', 'node wired status-skipped'],
      ['n3', 'node wired status-succeeded'],
      ['n4', 'node unwired'],
    ]);
    const fill = await tab.$eval('#graph g.node.status-failed path', (p) => getComputedStyle(p).fill);
    expect(fill).toBe('rgb(254, 226, 226)');

    // The timeline: every node has its row; the ones that ran a visible bar, the skipped one its reason.
    const rows = await tab.$$eval('.row.node', (rs) =>
      rs.map((r) => {
        const b = r.querySelector('.bar')?.getBoundingClientRect();
        return {
          node: r.getAttribute('data-node'),
          status: [...r.classList].find((c) => c.startsWith('status-')),
          bar: b ? b.width > 0 && b.height > 0 : false,
          text: r.querySelector('.bar-text')?.textContent,
          retries: r.querySelectorAll('.retry').length,
        };
      }),
    );
    expect(rows.map((r) => [r.node, r.status, r.bar, r.retries])).toEqual([
      ['a1:Echo', 'status-succeeded', true, 1],
      ['b1:Step', 'status-failed', true, 0],
      ['d1:Echo', 'status-succeeded', true, 0],
      ['c1:Step', 'status-skipped', false, 0],
    ]);
    expect(rows[0]!.text).toMatch(/ · 2 attempts$/);
    expect(rows[1]!.text).toMatch(/ · INTERNAL$/);
    expect(rows[3]!.text).toMatch(/^skipped: /);
    expect(await tab.$$eval('#nodes tbody tr', (trs) => trs.length)).toBe(4);

    // The script ties a timeline row to its graph node.
    await tab.hover('.row.node[data-node="b1:Step"] .label');
    expect(await tab.getAttribute('#graph g.node#n1', 'class')).toContain('highlight');

    expect(browser.errors).toEqual([]);
    expect(browser.blocked).toEqual([]);
    await tab.close();
  });
});
