import { describe, expect, it } from 'vitest';
import { LESSONS, lessonById } from './lessons';
import { LOOPING, SOLUTIONS } from './solutions';

describe('lessons', () => {
  it('has at least six lessons, each with a right and a wrong answer', () => {
    expect(LESSONS.length).toBeGreaterThanOrEqual(6);
    for (const l of LESSONS) expect(SOLUTIONS[l.id], l.id).toBeDefined();
    // Exactly one solution per lesson: the browser tests count the lessons by it.
    expect(Object.keys(SOLUTIONS).sort()).toEqual(LESSONS.map((l) => l.id).sort());
  });

  for (const l of LESSONS) {
    describe(l.title, () => {
      it('passes on a correct solution', () => {
        const r = l.check(SOLUTIONS[l.id].right);
        expect(r.items.filter((i) => !i.ok).map((i) => i.text)).toEqual([]);
        expect(r.passed).toBe(true);
      });
      it('fails on a wrong solution, saying which condition failed', () => {
        const r = l.check(SOLUTIONS[l.id].wrong);
        expect(r.passed).toBe(false);
        expect(r.stopped).toBeUndefined();
        expect(r.items.some((i) => !i.ok)).toBe(true);
      });
      it('fails on every other plausible wrong answer (each halts bare: the check judges what ran)', () => {
        for (const w of SOLUTIONS[l.id].alsoWrong ?? []) {
          const r = l.check(w);
          expect(r.stopped, w).toBeUndefined();
          expect(r.passed, w).toBe(false);
        }
      });
      it('fails on the starter program', () => {
        expect(l.check(l.starter).passed).toBe(false);
      });
      it('stops a looping answer and explains it', () => {
        const r = l.check(LOOPING);
        expect(r.passed).toBe(false);
        // Lesson 10's answer is an ISA file: a program is no JSON.
        expect(r.stopped).toBe(l.answer === 'isa' ? 'asm' : 'loop');
        expect(r.items[0].text).toMatch(l.answer === 'isa' ? /malformed JSON/ : /loops/);
      });
      it('reports assembler errors with their line', () => {
        const r = l.check('start: FROB r1\n');
        expect(r.passed).toBe(false);
        expect(r.stopped).toBe('asm');
        expect(r.items[0].text).toMatch(/^Line 1/);
      });
    });
  }

  it('judges by running, not by text: a right answer with renamed labels and comments still passes', () => {
    const src = SOLUTIONS.machine.right.replace(/handler/g, 'catcher').replace(/user/g, 'there') + '; HALT RETU LD r1, [4]\n';
    expect(lessonById('machine')!.check(src).passed).toBe(true);
    // ...and text that mentions every expected instruction but never runs them fails.
    const dead = SOLUTIONS.machine.wrong + 'never:  RETU never\n';
    expect(lessonById('machine')!.check(dead).passed).toBe(false);
  });

  it('explains a run that halts bare but loops under the monitor (stopped by the step limit)', () => {
    const src = `        .org 8
        .word 0, handler, 0, 16384
        .org 16
start:  RETU user
user:   GETMODE r1      ; bare: a user-mode trap; full monitor on pdp10: interpreted as supervisor code
        JMP user
handler:
        HALT
`;
    const r = lessonById('hybrid')!.check(src);
    expect(r.passed).toBe(true);
    expect(r.items[0].text).toMatch(/stopped after 100,000 instructions without halting/);
  });
});

describe('checks that can fail (issue 11)', () => {
  it('the lessons whose checks could pass without the point have more wrong answers', () => {
    for (const id of ['machine', 'relocation', 'monitor', 'recursion']) expect(SOLUTIONS[id].alsoWrong!.length, id).toBeGreaterThan(0);
  });

  it('lesson 1 requires reading E[4]: writing the number 1 into r1 is not enough', () => {
    const r = lessonById('machine')!.check(SOLUTIONS.machine.alsoWrong![0]);
    const failed = r.items.filter((i) => !i.ok).map((i) => i.text);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatch(/not read from E\[4\]/);
  });

  it('lessons 3 and 6: a wrong answer that is equivalent under the monitor still fails, on what the monitor did', () => {
    const r3 = lessonById('monitor')!.check(SOLUTIONS.monitor.alsoWrong![1]);
    expect(r3.items.find((i) => /ends exactly as on the bare machine/.test(i.text))?.ok).toBe(true);
    expect(r3.items.filter((i) => !i.ok).map((i) => i.text).join(' ')).toMatch(/allocator/);
    const r6 = lessonById('recursion')!.check(SOLUTIONS.recursion.alsoWrong![0]);
    expect(r6.items.filter((i) => /Depth \d: equivalent/.test(i.text)).every((i) => i.ok)).toBe(true);
    expect(r6.items.filter((i) => !i.ok).map((i) => i.text).join(' ')).toMatch(/reflected no trap/);
  });
});

describe('lesson 7: one trap inside full.s at depth 2', () => {
  it('walks the four stages on the right answer, each with the real frame it found', () => {
    const r = lessonById('pgmonitor')!.check(SOLUTIONS.pgmonitor.right);
    const walk = r.items.filter((i) => /^\(\d\)/.test(i.text));
    expect(walk).toHaveLength(4);
    expect(walk.every((i) => i.ok)).toBe(true);
    // Stage 2 found full.s 2's frame at real 640..645 holding cause 4 and detail 5; stage 3 the program's at 1280: exactly the frame a bare run writes at 0..5.
    expect(walk[1].text).toMatch(/real 640\.\.645 = \(\d+, \d+, \d+, \d+, 4, 5\)/);
    expect(walk[2].text).toMatch(/real 1280\.\.1285 = \(1, 0, 1024, 64, 4, 5\)/);
  });

  it('a kernel that prints 5 without reading E[5] fails on exactly that, though the walk itself succeeds', () => {
    const r = lessonById('pgmonitor')!.check(SOLUTIONS.pgmonitor.wrong);
    const failed = r.items.filter((i) => !i.ok).map((i) => i.text);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatch(/not read from E\[5\]/);
  });
});

describe('lessons 8–10: x86 made virtualizable three ways', () => {
  const failed = (id: string, src: string) =>
    lessonById(id)!
      .check(src)
      .items.filter((i) => !i.ok)
      .map((i) => i.text);

  it('are the last three lessons, after the paper\'s seven', () => {
    expect(LESSONS.slice(-3).map((l) => l.id)).toEqual(['translate', 'paravirt', 'assist']);
    expect(LESSONS.slice(-3).map((l) => l.title.slice(0, 3))).toEqual(['8. ', '9. ', '10.']);
  });

  it('lesson 8: the right kernel diverges under the full monitor and runs mostly as translated code under bt', () => {
    const r = lessonById('translate')!.check(SOLUTIONS.translate.right);
    expect(r.items.find((i) => /full monitor it diverges/.test(i.text))?.ok).toBe(true);
    expect(r.items.find((i) => /as translated code/.test(i.text))?.text).toMatch(/ran \d+ kernel instructions as translated code and called into the monitor \d+ time/);
    // Without a loop, most kernel instructions are calls into the monitor: that fails on exactly that.
    expect(failed('translate', SOLUTIONS.translate.alsoWrong![0])).toEqual([expect.stringMatching(/give the kernel a loop/)]);
  });

  it('lesson 9: a kernel that prints the bound it expects instead of asking fails on the smaller machine', () => {
    expect(failed('paravirt', SOLUTIONS.paravirt.alsoWrong![1])).toEqual([expect.stringMatching(/on 8,192 words, it prints "0 16384 7"; the unmodified kernel prints "0 8192 7"/)]);
    // The unmodified kernel (the lesson's starter) still runs GETMODE and GETR, and diverges.
    const s = failed('paravirt', lessonById('paravirt')!.starter).join(' ');
    expect(s).toMatch(/still runs GETMODE×1, GETR×1/);
    expect(s).toMatch(/diverges/);
  });

  it('lesson 10: x86 with guest mode restores Theorem 1 relative to guest mode; privileged variants are a new ISA', () => {
    const r = lessonById('assist')!.check(SOLUTIONS.assist.right);
    expect(r.items.map((i) => i.text).join(' ')).toMatch(/still fails .*GETMODE.*Relative to guest mode it holds/);
    expect(r.items.find((i) => /left guest mode/.test(i.text))?.ok).toBe(true);
    expect(failed('assist', SOLUTIONS.assist.alsoWrong![0])).toEqual([expect.stringMatching(/not a guest mode added to x86/)]);
    const bad = lessonById('assist')!.check('{ "name": "x", "base": "x86", "assist": 1 }');
    expect(bad.stopped).toBe('asm');
  });
});
