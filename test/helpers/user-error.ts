// Runs code expected to throw a UserError and returns it, so tests assert on its message, code and exit.
import { UserError } from '../../src/errors.js';

export function userError(fn: () => unknown): UserError {
  try {
    fn();
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('expected a UserError, nothing was thrown');
}
