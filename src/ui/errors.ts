// Reports a UserError: for people, one line with the message, then the hint (stderr); with --json, {"error": ...}
// on stdout. Colour only where the terminal has it (NO_COLOR, FORCE_COLOR: see color.ts).
import { stderrColor } from './color.js';
import type { UserError } from '../errors.js';

function renderError(err: UserError): string {
  const color = stderrColor;
  const line = `${color.red.bold('error')} ${err.message}`;
  return err.hint ? `${line}\n  ${color.dim('hint:')} ${err.hint}` : line;
}

/** Writes `err` where it belongs: `{"error": ...}` through `writeJson` with --json, else the rendered lines on stderr. */
export function reportUserError(
  err: UserError,
  json: boolean,
  writeJson: (value: unknown) => void = (value) => process.stdout.write(JSON.stringify(value, null, 2) + '\n'),
): void {
  if (json) writeJson({ error: err.toJSON() });
  else process.stderr.write(renderError(err) + '\n');
}
