// --proto-path of every command that reads a use case's protos (export, run, graph): folders where an import is looked
// for after the importing proto's own, like protoc's -I (the search itself: src/proto/import-resolver.ts).
import * as Flags from '@oclif/core/flags';

export const protoPathFlag = Flags.string({
  multiple: true,
  helpValue: '<dir>',
  summary:
    "A folder where imports are looked for after the importing proto's own (like protoc -I); repeatable. An import found nowhere is taken from the use case when exactly one file there has its path.",
});
