/** `--version` as the first argument: the one answer the bin gives before loading any command. */

/** `-v` and `-V` too: the spellings other CLIs taught people to try first. */
const VERSION_FLAGS = new Set(['--version', '-v', '-V']);

export function isVersionFlag(arg: string | undefined): boolean {
  return arg !== undefined && VERSION_FLAGS.has(arg);
}
