// Fills the shell-script templates in templates/: every substituted value becomes a single-quoted shell word, so no
// name from a user's file can turn into shell syntax however it is spelled. Names are validated before they get here
// too; the quoting is what makes that validation a second line of defence instead of the only one.
import { fillTemplate, readTemplate } from '../util/template.js';

/** One shell word whose value is exactly `value`: single quotes, with each ' written as '\''. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A word for a command shown to the user: bare when it is plain, else quoted (paths with spaces and the like). */
export function shellWord(value: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(value) ? value : shellQuote(value);
}

/** A value to substitute: a string becomes one quoted word, a list becomes quoted words separated by spaces. */
export type TemplateValue = string | readonly string[];

/**
 * Replaces each `{{name}}` in `template` with the shell-quoted value of `values[name]`. A placeholder without a value
 * or a value without a placeholder is a bug in the caller, not a user mistake: thrown as a plain Error.
 */
export function renderShellTemplate(template: string, values: Readonly<Record<string, TemplateValue>>): string {
  return fillTemplate(template, values, (value) =>
    typeof value === 'string' ? shellQuote(value) : value.map(shellQuote).join(' '),
  );
}

export { readTemplate };
