// The plain progress lines and the --plan text, rendered from engine events and plan data (compared without colours).
import { stripVTControlCharacters as plain } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { createProgress, describeEvent, formatDuration, progressMode } from '../../src/ui/progress.js';
import { renderPlan } from '../../src/ui/plan.js';

describe('progressMode', () => {
  it('prints nothing with --json or --no-progress, a tree on a terminal, lines otherwise', () => {
    const tty = { isTTY: true };
    const pipe = { isTTY: false };
    expect(progressMode({ json: true, progress: true }, tty)).toBe('none');
    expect(progressMode({ json: false, progress: false }, tty)).toBe('none');
    expect(progressMode({ json: false, progress: true }, pipe)).toBe('plain');
    vi.stubEnv('TERM', 'xterm-256color');
    expect(progressMode({ json: false, progress: true }, tty)).toBe('tree');
    // A dumb terminal cannot redraw the tree in place.
    vi.stubEnv('TERM', 'dumb');
    expect(progressMode({ json: false, progress: true }, tty)).toBe('plain');
    vi.unstubAllEnvs();
  });
});

describe('plain progress', () => {
  it('writes one line per event', () => {
    const lines: string[] = [];
    const progress = createProgress('plain', (l) => lines.push(plain(l)));
    const at = 0;
    progress.onEvent({ type: 'run-started', at, levels: [['a:A'], ['b:B']], nodes: ['a:A', 'b:B'] });
    progress.onEvent({ type: 'service-waiting', at, container: 'a', address: 'h:1' });
    progress.onEvent({ type: 'service-ready', at, container: 'a', address: 'h:1', via: 'health' });
    progress.onEvent({ type: 'node-started', at, node: 'a:A' });
    progress.onEvent({
      type: 'node-retrying',
      at,
      node: 'a:A',
      attempt: 1,
      delayMs: 200,
      error: { code: 'UNAVAILABLE', message: 'down' },
    });
    progress.onEvent({ type: 'node-finished', at, node: 'a:A', durationMs: 1234.5, attempts: 2 });
    progress.onEvent({
      type: 'node-failed',
      at,
      node: 'b:B',
      durationMs: 3,
      attempts: 1,
      error: { code: 'INTERNAL', message: 'boom' },
    });
    progress.onEvent({ type: 'node-skipped', at, node: 'c:C', reason: 'upstream "b:B" produced no output' });
    progress.onEvent({ type: 'warning', at, message: 'careful' });
    progress.onEvent({ type: 'run-finished', at, status: 'failed', durationMs: 1300 });
    expect(lines).toEqual([
      'run: 2 nodes in 2 levels',
      'wait  a at h:1',
      'ready a at h:1 (health SERVING)',
      'start a:A',
      'retry a:A: UNAVAILABLE: down (attempt 2 in 200 ms)',
      'done  a:A 1.23 s (2 attempts)',
      'fail  b:B: INTERNAL: boom',
      'skip  c:C (upstream "b:B" produced no output)',
      'warning careful',
      'run failed in 1.30 s',
    ]);
  });

  it('formats durations', () => {
    expect([formatDuration(12.4), formatDuration(1500), formatDuration(12_500), formatDuration(125_000)]).toEqual([
      '12 ms',
      '1.50 s',
      '12.5 s',
      '2 min 5 s',
    ]);
  });

  it('describes a cancelled node', () => {
    expect(plain(describeEvent({ type: 'node-cancelled', at: 0, node: 'x:Y' })!)).toBe('cancel x:Y');
  });
});

describe('renderPlan', () => {
  it('lists levels, links with their mapping, addresses and streaming nodes', () => {
    expect(
      plain(
        renderPlan({
          pipeline: 'p',
          levels: [['a:A'], ['b:B', 'c:C']],
          edges: [
            { from: 'a:A', to: 'b:B', mode: 'pass-through', fields: ['x'] },
            { from: 'a:A', to: 'c:C', mode: 'mapped', fields: ['x'], skipped: ['y: string vs int32'] },
          ],
          addresses: { a: 'h:1', bb: 'h:2' },
          streaming: ['c:C'],
        }),
      ),
    ).toBe(
      [
        'pipeline p: 3 nodes, 2 links, 2 levels',
        '',
        'level 0',
        '  a:A',
        '',
        'level 1',
        '  b:B',
        '  c:C  (streaming)',
        '',
        'links',
        '  a:A -> b:B  (pass-through)',
        '  a:A -> c:C  (mapped: x; not mapped: y: string vs int32)',
        '',
        'addresses',
        '  a   h:1',
        '  bb  h:2',
        '',
        'note streaming operations are not supported yet: c:C',
      ].join('\n'),
    );
  });
});
