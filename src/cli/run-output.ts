// What `orchestrate` and `run` share around a pipeline run besides its flags: SIGINT/SIGTERM handling with their
// exit codes, and writing the --output file.
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

/** Writes a run's JSON document to --output atomically. Thrown: UserError OUTPUT_UNWRITABLE naming the path. */
export function writeRunOutput(path: string, document: object): void {
  writeOutputFile('--output', path, JSON.stringify(document, null, 2) + '\n');
}
