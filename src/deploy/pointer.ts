// JSON pointers (RFC 6901) for messages that name a place in a file: a key holding "/" or "~" is escaped, so a
// hostile or odd service name still gives an unambiguous pointer.

export function pointerSegment(key: string | number): string {
  return String(key).replace(/~/g, '~0').replace(/\//g, '~1');
}

export function pointer(...keys: (string | number)[]): string {
  return keys.map((key) => `/${pointerSegment(key)}`).join('');
}
