// Renders a UserError for people: one line with the message, then the hint. Colour only where the terminal has it
// (chalk honours NO_COLOR, FORCE_COLOR and non-TTY streams).
import { chalkStderr } from 'chalk';
import type { UserError } from '../errors.js';

export function renderError(err: UserError): string {
  const color = chalkStderr;
  const line = `${color.red.bold('error')} ${err.message}`;
  return err.hint ? `${line}\n  ${color.dim('hint:')} ${err.hint}` : line;
}
