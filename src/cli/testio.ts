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
