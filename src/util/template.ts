// The text templates in templates/ (build_and_tag.sh, the files `aieffect init` and `aieffect add service` write):
// where they are, and `{{name}}` placeholders filled strictly — a placeholder without a value, or a value without a
// placeholder, is a bug in the caller and thrown as a plain Error, never a half-filled file.
import { readFileSync } from 'node:fs';

/** The folder of the templates, two levels above this module both in src/util and in dist/util. */
export const TEMPLATE_DIR = new URL('../../templates/', import.meta.url);

const PLACEHOLDER = /\{\{([A-Za-z_]+)\}\}/g;

/** Replaces each `{{name}}` in `template` with `encode(values[name])`. */
export function fillTemplate<V>(
  template: string,
  values: Readonly<Record<string, V>>,
  encode: (value: V) => string,
): string {
  const used = new Set<string>();
  const out = template.replace(PLACEHOLDER, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`template placeholder {{${name}}} has no value`);
    used.add(name);
    return encode(value);
  });
  const unused = Object.keys(values).filter((name) => !used.has(name));
  if (unused.length > 0) throw new Error(`template has no placeholder for ${unused.join(', ')}`);
  return out;
}

/** Reads templates/<name> (a path below templates/, `/`-separated). */
export function readTemplate(name: string): string {
  return readFileSync(new URL(name, TEMPLATE_DIR), 'utf8');
}
