import type { Isa } from '../isa/isa';
import { replay, type Classification, type Outcome, type StateDesc, type Witness } from './classify';

/**
 * Replays every witness of a classification on fresh machines and checks that it shows what it claims (§7):
 * the recorded outcomes are what the machine does, and they satisfy the definition. Returns the problems found
 * (none for a sound classification). Used by the tests, and cheap enough to run on any ISA.
 */
export function checkWitnesses(isa: Isa, cls: Classification): string[] {
  const problems: string[] = [];
  const same = (a: Outcome, b: Outcome): boolean => JSON.stringify(a) === JSON.stringify(b);
  const clean = (s: StateDesc, o: Outcome): boolean => !o.trap && o.mode === s.mode && o.l === s.l && o.b === s.b;
  const differ = (a: Outcome, b: Outcome): boolean => a.P !== b.P || a.regs.some((r, i) => r !== b.regs[i]) || a.window.some((w, i) => w !== b.window[i]);
  const sameRegs = (a: StateDesc, b: StateDesc): boolean => JSON.stringify(a.regs) === JSON.stringify(b.regs);
  for (const c of cls.instructions) {
    const bad = (what: string): void => void problems.push(`${c.mnemonic}: ${what}`);
    const replays = (w: Witness, asGiven = false): Outcome[] | null => {
      const outs = w.states.map((s) => replay(isa, s, { asGiven }));
      if (outs.length !== w.outcomes.length || outs.some((o, i) => !same(o, w.outcomes[i]))) return null;
      return outs;
    };
    const check = (w: Witness | undefined, claimed: boolean, name: string, ok: (w: Witness, o: Outcome[]) => boolean): void => {
      if (!claimed) return;
      if (!w) return bad(`${name} claimed without a witness`);
      const o = replays(w);
      if (!o) return bad(`${name} witness does not replay`);
      if (!ok(w, o)) return bad(`${name} witness does not show the property`);
    };
    const control = (w: Witness, [o]: Outcome[]): boolean => {
      const s = w.states[0];
      return !o.trap && (o.mode !== s.mode || o.l !== s.l || o.b !== s.b || o.halted || o.device !== null);
    };
    check(c.witnesses.controlSensitive, c.controlSensitive, 'control', control);
    check(c.witnesses.controlSensitiveUser, !!c.witnesses.controlSensitiveUser, 'control (user)', (w, o) => w.states[0].mode === 'u' && control(w, o));
    check(c.witnesses.modeSensitive, c.modeSensitive, 'mode', (w, [a, b]) => {
      const [s, u] = w.states;
      return s.mode === 's' && u.mode === 'u' && s.P === u.P && s.l === u.l && s.b === u.b && sameRegs(s, u) && JSON.stringify(s.window) === JSON.stringify(u.window) && clean(s, a) && clean(u, b) && differ(a, b);
    });
    const location = (w: Witness, [a, b]: Outcome[]): boolean => {
      const [s, t] = w.states;
      return s.mode === t.mode && s.P === t.P && s.b === t.b && s.l !== t.l && sameRegs(s, t) && JSON.stringify(s.window) === JSON.stringify(t.window) && clean(s, a) && clean(t, b) && differ(a, b);
    };
    check(c.witnesses.locationSensitive, c.locationSensitive, 'location', location);
    check(c.witnesses.locationSensitiveUser, !!c.witnesses.locationSensitiveUser, 'location (user)', (w, o) => w.states[0].mode === 'u' && location(w, o));
    if (c.userSensitive && !c.witnesses.controlSensitiveUser && !c.witnesses.locationSensitiveUser) bad('user sensitive without a user-mode witness');
    if (c.privilege === 'no') {
      const w = c.witnesses.privileged;
      const o = replays(w, true);
      if (!o) bad('privilege refutation does not replay');
      else {
        const s = w.states[0];
        const refutes = s.mode === 'u' ? !o[0].trap || (o[0].trap.cause !== 1 && o[0].trap.cause !== 2) : o[0].trap?.cause === 1;
        if (!refutes) bad('privilege refutation does not refute');
      }
    }
    if (c.innocuous && c.sensitive) bad('both innocuous and sensitive');
    if (c.unresolved === (c.sensitive || c.innocuous)) bad('unresolved flag inconsistent');
  }
  return problems;
}
