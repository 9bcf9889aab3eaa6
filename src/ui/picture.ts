// What `aieffect graph` says about a picture: a one-line summary for people, and the pipeline as --json gives it
// (containers with their operations, links; the keys of the --json contract).
import type { Picture } from '../picture/model.js';

export type PictureDocument = {
  pipeline_name: string | null;
  containers: {
    container: string;
    operations: {
      id: string;
      operation: string;
      input_message: string | null;
      output_message: string | null;
      input_stream: boolean;
      output_stream: boolean;
      wired: boolean;
    }[];
  }[];
  /**
   * `mapped_to`: the target's input type when it differs from the message (fields are mapped by name); `loop`: the
   * link closes a cycle (through a stream).
   */
  links: {
    from: string;
    to: string;
    message: string | null;
    mapped_to: string | null;
    stream: boolean;
    loop: boolean;
  }[];
};

export function pictureDocument(picture: Picture): PictureDocument {
  return {
    pipeline_name: picture.name ?? null,
    containers: picture.containers.map((c) => ({
      container: c.name,
      operations: c.operations.map((o) => ({
        id: o.id,
        operation: o.operation,
        input_message: o.input ?? null,
        output_message: o.output ?? null,
        input_stream: o.inputStream,
        output_stream: o.outputStream,
        wired: o.wired,
      })),
    })),
    links: picture.links.map((l) => ({
      from: l.from,
      to: l.to,
      message: l.message ?? null,
      mapped_to: l.mappedTo ?? null,
      stream: l.stream,
      loop: l.loop,
    })),
  };
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `pipeline "x": 4 operations in 3 containers, 3 links (1 stream), 1 not wired`. */
export function pictureSummary(picture: Picture): string {
  const streams = picture.links.filter((l) => l.stream).length;
  const unwired = picture.operations.filter((o) => !o.wired).length;
  const name = picture.name === undefined ? 'pipeline (unnamed)' : `pipeline ${JSON.stringify(picture.name)}`;
  return (
    `${name}: ${count(picture.operations.length, 'operation')} in ${count(picture.containers.length, 'container')}, ` +
    `${count(picture.links.length, 'link')}${streams > 0 ? ` (${streams} stream)` : ''}` +
    `${unwired > 0 ? `, ${unwired} not wired` : ''}`
  );
}
