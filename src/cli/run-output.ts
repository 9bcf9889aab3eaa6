// What `orchestrate` and `run` share around a pipeline run besides its flags: SIGINT/SIGTERM handling with their
// exit codes, and the --output file: written whatever ends the run (output-file.ts checks its path beforehand).
import { isUserError, UserError } from '../errors.js';
import { reportUserError } from '../ui/errors.js';
import { writeOutputFile } from './output-file.js';

/** Exit codes of a run cancelled by a signal (128 + the signal's number, as shells report it). */
export const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;
export type HandledSignal = keyof typeof SIGNAL_EXIT;

/** Calls `handler` on SIGINT and SIGTERM instead of Node's default exit; returns the function that stops it. */
export function onTerminationSignals(handler: (signal: HandledSignal) => void): () => void {
  const offs = (Object.keys(SIGNAL_EXIT) as HandledSignal[]).map((name) => {
    const listener = () => handler(name);
    process.on(name, listener);
    return () => process.off(name, listener);
  });
  return () => offs.forEach((off) => off());
}

/**
 * Writes a run's JSON document to --output atomically. Thrown: the UserError of a file-system failure naming
 * `--output <path>`, carrying the document's results and summary (as a failed run's error does), so that --json
 * still gets them.
 */
export function writeRunOutput(path: string, document: { results: object; summary: object }): void {
  try {
    writeOutputFile('--output', path, JSON.stringify(document, null, 2) + '\n');
  } catch (err) {
    if (!isUserError(err)) throw err;
    throw new UserError(err.code, err.message, {
      hint: err.hint,
      details: { ...err.details, results: document.results, summary: document.summary },
      cause: err.cause,
    });
  }
}

/**
 * Writes --output on the way out of a command that ends otherwise (an error, a signal): a failure to write is one
 * line of its own on stderr, and what ended the command stays its outcome.
 */
export function writeRunOutputLast(path: string, document: { results: object; summary: object }): void {
  try {
    writeRunOutput(path, document);
  } catch (err) {
    if (!isUserError(err)) throw err;
    reportUserError(err, false);
  }
}
