// `--plan` on real platform output (the Graphene sudoku sample, read in place): levels, how each operation is called,
// links and addresses, and nothing contacted.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planOf, prepareRun } from '../../src/engine/index.js';
import { runCli, sharedFixtures } from '../helpers/cli.js';
import { expectJsonContract } from '../helpers/json-contract.js';

const sudoku = join(sharedFixtures, 'graphene-sudoku');
const levels = [
  ['sudoku-gui-stream1:requestSudokuEvaluation', 'sudoku-design-evaluator-stream1:callAnswersetSolver'],
  ['sudoku-design-evaluator-stream1:evaluateSudokuDesign', 'sudoku-aspsolver1:solve'],
  ['sudoku-gui-stream1:processEvaluationResult', 'sudoku-design-evaluator-stream1:receiveAnswersetSolverResult'],
];

describe('--plan on the Graphene sudoku package', () => {
  it('has three levels and no cycle through container:operation nodes', () => {
    // As containers the pipeline loops (gui -> evaluator -> gui, evaluator -> solver -> evaluator); as
    // container:operation nodes it does not, so it plans.
    const plan = planOf(prepareRun(sudoku));
    expect(plan.levels).toEqual(levels);
    expect(plan.start_nodes).toEqual(levels[0]);
    expect(plan.edges.map((e) => `${e.from} -> ${e.to} ${e.mode}`)).toEqual([
      'sudoku-gui-stream1:requestSudokuEvaluation -> sudoku-design-evaluator-stream1:evaluateSudokuDesign pass-through',
      'sudoku-design-evaluator-stream1:callAnswersetSolver -> sudoku-aspsolver1:solve pass-through',
      'sudoku-design-evaluator-stream1:evaluateSudokuDesign -> sudoku-gui-stream1:processEvaluationResult pass-through',
      'sudoku-aspsolver1:solve -> sudoku-design-evaluator-stream1:receiveAnswersetSolverResult pass-through',
    ]);
    expect(plan.addresses).toEqual({
      'sudoku-gui-stream1': 'localhost:8001',
      'sudoku-design-evaluator-stream1': 'localhost:8002',
      'sudoku-aspsolver1': 'localhost:8003',
    });
    expect(plan.streaming).toEqual([
      'sudoku-gui-stream1:requestSudokuEvaluation',
      'sudoku-gui-stream1:processEvaluationResult',
      'sudoku-design-evaluator-stream1:receiveAnswersetSolverResult',
      'sudoku-design-evaluator-stream1:callAnswersetSolver',
    ]);
    // The GUI's stream is a source that must end by itself; the evaluator's job stream only answers the evaluations
    // the pipeline asks of its container, so the end of the run closes it.
    expect(plan.nodes).toEqual({
      'sudoku-gui-stream1:requestSudokuEvaluation': { kind: 'server-stream', trigger: 'source', many: true },
      'sudoku-design-evaluator-stream1:callAnswersetSolver': {
        kind: 'server-stream',
        trigger: 'source',
        many: true,
        callback: true,
      },
      'sudoku-design-evaluator-stream1:evaluateSudokuDesign': { kind: 'unary', trigger: 'each', many: true },
      'sudoku-aspsolver1:solve': { kind: 'unary', trigger: 'each', many: true },
      'sudoku-gui-stream1:processEvaluationResult': { kind: 'client-stream', trigger: 'stream', many: false },
      'sudoku-design-evaluator-stream1:receiveAnswersetSolverResult': {
        kind: 'client-stream',
        trigger: 'stream',
        many: false,
      },
    });
    expect(plan.not_wired).toEqual([]);
    expect(plan.edges.every((e) => e.stream)).toBe(true);
  });

  it('prints the levels with the built CLI, and gives them as JSON with --json', async () => {
    const text = await runCli(['orchestrate', sudoku, '--plan']);
    expect(text.code).toBe(0);
    expect(text.stderr).toBe('');
    const lines = text.stdout.split('\n');
    expect(lines[0]).toBe('pipeline sudoku-stream: 6 nodes, 4 links, 3 levels');
    const l0 = lines.indexOf('level 0');
    expect(lines.slice(l0, l0 + 11)).toEqual([
      'level 0',
      '  sudoku-gui-stream1:requestSudokuEvaluation  (server stream)',
      '  sudoku-design-evaluator-stream1:callAnswersetSolver  (server stream; callback: closed at the end of the run)',
      '',
      'level 1',
      '  sudoku-design-evaluator-stream1:evaluateSudokuDesign  (per message)',
      '  sudoku-aspsolver1:solve  (per message)',
      '',
      'level 2',
      '  sudoku-gui-stream1:processEvaluationResult  (client stream; one call per run)',
      '  sudoku-design-evaluator-stream1:receiveAnswersetSolverResult  (client stream; one call per run)',
    ]);
    expect(lines).toContain(
      '  sudoku-gui-stream1:requestSudokuEvaluation -> sudoku-design-evaluator-stream1:evaluateSudokuDesign  (pass-through; stream)',
    );
    const json = await runCli(['orchestrate', sudoku, '--plan', '--json']);
    expect(json.code).toBe(0);
    expect(expectJsonContract<{ levels: string[][] }>('orchestrate_plan', json.stdout).levels).toEqual(levels);
  });
});
