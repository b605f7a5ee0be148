/**
 * The devices behind IN and OUT (§5, §11). Port 0 of the input reads the next character of the input text, port 1
 * the next decimal integer in it (skipping white space); both consume the same text, and an exhausted input
 * or any other port reads -1. Output port 0 appends the character ra & 0xFFFF, port 1 ra in decimal.
 * Port 2 is the clock and interval timer (§11): IN reads `now` (the machine's step count, this IN included)
 * mod 2^32; OUT v arms the timer to expire at step now + v (v ≤ 0 disarms). Writes to other ports are dropped.
 *
 * The clock is on the device bus, not inside the processor, so that a bus of another kind (the classifier's
 * recording bus, a monitor's virtual clock or its pass-through to the real one) decides what port 2 means.
 */
export interface Devices {
  /** `now`: steps the machine has executed since boot, the executing IN included. */
  read(port: number, now: number): number;
  write(port: number, value: number, now: number): void;
  /**
   * The step count at which the interval timer expires, or -1 when disarmed; absent on a bus with no timer.
   * The machine reads it when a run starts and after an OUT, and sets it to -1 when it takes the TIMER trap.
   */
  timerAt?: number;
}

export interface ConsoleSnapshot {
  inPos: number;
  outLen: number;
  /** The interval timer's deadline (-1 disarmed); absent in snapshots from before the timer existed. */
  timerAt?: number;
}

export class ConsoleDevices implements Devices {
  input: string;
  inPos = 0;
  output = '';
  /** Interval timer deadline in steps since boot, -1 when disarmed (§11). */
  timerAt = -1;
  /** Called with each piece of text written, for live consoles. */
  onOutput: ((text: string) => void) | null = null;

  constructor(input = '') {
    this.input = input;
  }

  read(port: number, now = 0): number {
    if (port === 2) return now | 0;
    if (port === 0) return this.inPos < this.input.length ? this.input.charCodeAt(this.inPos++) : -1;
    if (port === 1) {
      const m = /^\s*(-?\d+)/.exec(this.input.slice(this.inPos));
      if (!m) return -1;
      this.inPos += m[0].length;
      return Number(m[1]) | 0;
    }
    return -1;
  }

  write(port: number, value: number, now = 0): void {
    if (port === 2) {
      this.timerAt = (value | 0) > 0 ? now + (value | 0) : -1;
      return;
    }
    let s: string;
    if (port === 0) s = String.fromCharCode(value & 0xffff);
    else if (port === 1) s = String(value | 0);
    else return;
    this.output += s;
    this.onOutput?.(s);
  }

  snapshot(): ConsoleSnapshot {
    return { inPos: this.inPos, outLen: this.output.length, timerAt: this.timerAt };
  }

  /** Output only grows, so a snapshot of an earlier moment restores by truncation. */
  restore(s: ConsoleSnapshot): void {
    this.inPos = s.inPos;
    this.output = this.output.slice(0, s.outLen);
    this.timerAt = s.timerAt ?? -1;
  }

  reset(): void {
    this.inPos = 0;
    this.output = '';
    this.timerAt = -1;
  }
}
