/**
 * The devices behind IN and OUT (§5). Port 0 of the input reads the next character of the input text, port 1
 * the next decimal integer in it (skipping white space); both consume the same text, and an exhausted input
 * or any other port reads -1. Output port 0 appends the character ra & 0xFFFF, port 1 ra in decimal; writes
 * to other ports are dropped.
 */
export interface Devices {
  read(port: number): number;
  write(port: number, value: number): void;
}

export interface ConsoleSnapshot {
  inPos: number;
  outLen: number;
}

export class ConsoleDevices implements Devices {
  input: string;
  inPos = 0;
  output = '';
  /** Called with each piece of text written, for live consoles. */
  onOutput: ((text: string) => void) | null = null;

  constructor(input = '') {
    this.input = input;
  }

  read(port: number): number {
    if (port === 0) return this.inPos < this.input.length ? this.input.charCodeAt(this.inPos++) : -1;
    if (port === 1) {
      const m = /^\s*(-?\d+)/.exec(this.input.slice(this.inPos));
      if (!m) return -1;
      this.inPos += m[0].length;
      return Number(m[1]) | 0;
    }
    return -1;
  }

  write(port: number, value: number): void {
    let s: string;
    if (port === 0) s = String.fromCharCode(value & 0xffff);
    else if (port === 1) s = String(value | 0);
    else return;
    this.output += s;
    this.onOutput?.(s);
  }

  snapshot(): ConsoleSnapshot {
    return { inPos: this.inPos, outLen: this.output.length };
  }

  /** Output only grows, so a snapshot of an earlier moment restores by truncation. */
  restore(s: ConsoleSnapshot): void {
    this.inPos = s.inPos;
    this.output = this.output.slice(0, s.outLen);
  }

  reset(): void {
    this.inPos = 0;
    this.output = '';
  }
}
