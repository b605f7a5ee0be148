/** What the CLI's tests share: an Io that records, a command line run in-process, and a temp folder of inputs. */
import { afterAll, beforeAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from './main';
import { readBounded, type Io } from './options';

/** An Io that records what a command prints, for tests. */
export function captureIo(): Io & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout(t: string) {
      io.out += t;
    },
    stderr(t: string) {
      io.err += t;
    },
    readFile: readBounded,
    stdoutIsTTY: false,
  };
  return io;
}

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/** Runs one `pglab` command line through main, as the binary does: its exit code and what it printed. */
export async function cli(...argv: string[]): Promise<CliResult> {
  const io = captureIo();
  const code = await main(argv, io);
  return { code, out: io.out, err: io.err };
}

/**
 * A temp folder for the tests of one file: made before them with `files` (name -> text) written in it, removed
 * after them. Gives the path of a name in it; `at('')` is the folder itself.
 */
export function tempDir(prefix: string, files: Record<string, string> = {}): (name: string) => string {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), prefix));
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return (name) => path.join(dir, name);
}

/** Inputs several test files use: a sum of 1..10 that prints 55, and a loop that never ends. */
export const SUM_S = 'start: LI r1, 0\nLI r2, 1\nLI r3, 11\nloop: ADD r1, r2\nADDI r2, 1\nJLT r2, r3, loop\nOUT r1, 1\nHALT\n';
export const LOOP_S = 'x: JMP x\n';
