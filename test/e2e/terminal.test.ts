/* eslint-disable no-control-regex -- terminal escape codes (\x1b) are what these tests look for */
// e2e on a pseudo-terminal: colour follows NO_COLOR and FORCE_COLOR everywhere (errors, progress, the plan), and the
// task tree of `aieffect run` shows the services starting with a spinner, then the pipeline (nodes that wait do not
// spin), then the total time.
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { COLOUR_CODE, runOnTerminal } from '../helpers/terminal.js';

const SPINNER = /[\u2800-\u28ff]/;
const example = 'examples/file_based_energy_pipeline';
/** Every escape sequence: colours, cursor movement, erasing. */
const ESCAPES = /\x1b\[[0-9;?]*[A-Za-z]/g;

let work: { dir: string; cleanup: () => void };
beforeAll(() => {
  work = tempDir('aieffect-terminal-');
});
afterAll(() => work.cleanup());

function dataDir(): string {
  return mkdtempSync(join(work.dir, 'data-'));
}

/** The lines the terminal received, each frame of the tree included, without escape codes. */
function lines(output: string): string[] {
  return output
    .replace(ESCAPES, '')
    .split(/\r?\n/)
    .map((l) => l.trimEnd());
}

describe('aieffect run on a terminal', () => {
  it('services start under a spinner, waiting nodes do not spin, the total time closes the tree; in colour', async () => {
    const r = await runOnTerminal(['run', example, '--data-dir', dataDir()], { stdoutTo: '/dev/null' });
    expect(r.code, r.output).toBe(0);
    expect(r.output).toMatch(COLOUR_CODE);
    const text = lines(r.output);
    // The start-up task spins while the services start, then says how many came up and how long it took.
    expect(text.some((l) => SPINNER.test(l) && /services: \d of 4 up/.test(l))).toBe(true);
    expect(text.some((l) => /✔ services: 4 of 4 up in \d/.test(l))).toBe(true);
    for (const service of ['data-analyzer', 'data-generator', 'input-provider', 'report-generator'])
      expect(
        text.some((l) => new RegExp(`${service} +127\\.0\\.0\\.1:\\d+ +pid \\d+ +health SERVING after`).test(l)),
      ).toBe(true);
    // A node shown as waiting never carries the spinner; every node ends with a tick and its duration.
    const waiting = text.filter((l) => / waiting$/.test(l));
    expect(waiting.length).toBeGreaterThan(0);
    expect(waiting.filter((l) => SPINNER.test(l))).toEqual([]);
    for (const node of ['input_provider1:GetConfiguration', 'report_generator1:GenerateReport'])
      expect(text.some((l) => new RegExp(`✔ ${node} \\d+(\\.\\d+)? m?s$`).test(l))).toBe(true);
    expect(text.some((l) => /^run succeeded in \d/.test(l))).toBe(true);
  });

  it('NO_COLOR: the same tree without a single colour code', async () => {
    const r = await runOnTerminal(['run', example, '--data-dir', dataDir()], {
      env: { NO_COLOR: '1' },
      stdoutTo: '/dev/null',
    });
    expect(r.code, r.output).toBe(0);
    expect(r.output).not.toMatch(COLOUR_CODE);
    expect(lines(r.output).some((l) => /✔ services: 4 of 4 up in \d/.test(l))).toBe(true);
    expect(lines(r.output).some((l) => /^run succeeded in \d/.test(l))).toBe(true);
  });
});

describe('NO_COLOR and FORCE_COLOR', () => {
  const error = ['build', 'nowhere'];
  it('an error on a terminal is in colour, and plain with NO_COLOR or FORCE_COLOR=0', async () => {
    const [coloured, noColor, forceOff] = await Promise.all([
      runOnTerminal(error),
      runOnTerminal(error, { env: { NO_COLOR: '1' } }),
      runOnTerminal(error, { env: { FORCE_COLOR: '0' } }),
    ]);
    for (const r of [coloured, noColor, forceOff]) expect(r.code).toBe(1);
    expect(coloured.output).toMatch(/\x1b\[31m\x1b\[1merror\x1b\[22m\x1b\[39m nowhere/);
    for (const r of [noColor, forceOff]) {
      expect(r.output).not.toMatch(COLOUR_CODE);
      expect(r.output).toMatch(/^error nowhere: no such directory\r?$/m);
    }
  });

  it('FORCE_COLOR colours output that is not a terminal, and wins over NO_COLOR', async () => {
    const [forced, both, plain] = await Promise.all([
      runCli(error, { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } }),
      runCli(error, { env: { NO_COLOR: '1', FORCE_COLOR: '1' } }),
      runCli(error, { env: { NO_COLOR: undefined } }),
    ]);
    expect(forced.stderr).toMatch(/^\x1b\[31m\x1b\[1merror/);
    expect(both.stderr).toMatch(/^\x1b\[31m\x1b\[1merror/);
    expect(plain.stderr).not.toMatch(COLOUR_CODE);
  });

  it('--plan and help on a terminal: coloured, and not with NO_COLOR', async () => {
    const pkg = join(work.dir, 'pkg');
    expect((await runCli(['export', example, pkg])).code).toBe(0);
    const [plan, planPlain, help] = await Promise.all([
      runOnTerminal(['orchestrate', pkg, '--plan']),
      runOnTerminal(['orchestrate', pkg, '--plan'], { env: { NO_COLOR: '1' } }),
      runOnTerminal(['help', 'run'], { env: { NO_COLOR: '1' } }),
    ]);
    expect(plan.output).toMatch(COLOUR_CODE);
    expect(planPlain.output).not.toMatch(COLOUR_CODE);
    expect(planPlain.output).toContain('pipeline file_based_energy_pipeline: 4 nodes');
    expect(help.code).toBe(0);
    expect(help.output).not.toMatch(COLOUR_CODE);
    rmSync(pkg, { recursive: true, force: true });
  });
});
