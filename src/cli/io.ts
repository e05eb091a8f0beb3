/** What the CLI touches of the outside world, as one object so tests can run it in-process. */

export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean | undefined };
  /** Read only for a confirmation prompt; `isTTY` decides whether one may be asked at all. */
  stdin: NodeJS.ReadableStream & { isTTY?: boolean | undefined };
  env: NodeJS.ProcessEnv;
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    // A getter: touching process.stdin creates the stream, which only the confirmation prompt needs.
    get stdin() {
      return process.stdin;
    },
    env: process.env,
  };
}
