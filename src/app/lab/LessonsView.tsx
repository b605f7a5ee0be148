/** The guided lessons: text, task, an editor for the answer, a Check that runs it, hints; progress persists. */
import { useEffect, useMemo, useState } from 'react';
import { Rich } from '../Rich';
import { assemble } from '../../core/asm/assembler';
import { presetIsa } from '../../core/isa/isa';
import { LESSONS, LESSON_LIMIT_NOTE, lessonById, type CheckResult } from '../../lessons/lessons';
import { ASM_LANG, ISA_LANG, MonacoBox, type Marker } from './MonacoBox';
import { CostChart } from './CostChart';
import { lessonRuns } from '../../worker/client';
import { replaceWorkspace } from '../loader';
import { useLab } from './store';

export function LessonsView() {
  const lessonId = useLab((s) => s.lesson);
  const progress = useLab((s) => s.lessons);
  const set = useLab((s) => s.set);
  const setLesson = useLab((s) => s.setLesson);
  const lesson = lessonById(lessonId) ?? LESSONS[0];
  const st = progress[lesson.id];
  const source = st?.source ?? lesson.starter;
  const hints = st?.hints ?? -1;
  const [result, setResult] = useState<{ id: string; r: CheckResult; timedOut?: boolean } | null>(null);
  const [running, setRunning] = useState(false);
  const isIsa = lesson.answer === 'isa';
  // An ISA-file answer (lesson 10) is not assembled: the check reports where it does not parse.
  const asm = useMemo(() => (isIsa ? null : assemble(source, presetIsa(lesson.isa))), [source, lesson.isa, isIsa]);
  const markers: Marker[] = (asm?.errors ?? []).map((e) => ({ line: e.line, col: e.col, endCol: e.endCol, message: e.message }));
  // A check runs in a worker (runClient.ts): a long one leaves the page usable. Editing the answer or switching
  // lessons abandons it — its verdict would be about a program that is no longer in the editor.
  useEffect(() => {
    lessonRuns.cancel();
    setRunning(false);
  }, [source, lesson.id]);
  useEffect(() => () => lessonRuns.cancel(), []);
  const check = () => {
    setRunning(true);
    const id = lesson.id;
    void lessonRuns.call((x) => x.checkLesson(id, source)).then((out) => {
      if (!out) return; // overtaken by an edit or another check
      const r: CheckResult = out.ok
        ? out.value
        : { passed: false, items: [{ ok: false, text: 'stopped' in out ? out.message : `The check could not run: ${out.message}` }], notes: [] };
      setResult({ id, r, timedOut: !out.ok && 'stopped' in out });
      if (r.passed) setLesson(id, { solved: true });
      setRunning(false);
    });
  };
  const shown = result?.id === lesson.id ? result.r : null;
  const timedOut = result?.id === lesson.id && !!result.timedOut;
  const solvedCount = LESSONS.filter((l) => progress[l.id]?.solved).length;
  return (
    <div className="lab-lessons" data-testid="lessons-view">
      <nav className="lesson-list" aria-label="Lessons">
        <div className="muted" data-testid="lesson-progress">
          {solvedCount} of {LESSONS.length} solved
        </div>
        {LESSONS.map((l) => (
          <button
            type="button"
            key={l.id}
            data-testid={`lesson-${l.id}`}
            className={`lesson-link${l.id === lesson.id ? ' on' : ''}${progress[l.id]?.solved ? ' solved' : ''}`}
            onClick={() => set({ lesson: l.id })}
          >
            <span className="tick" aria-label={progress[l.id]?.solved ? 'solved' : 'not solved'}>
              {progress[l.id]?.solved ? '✓' : '○'}
            </span>{' '}
            {l.title}
          </button>
        ))}
      </nav>
      <article className="lesson" data-testid="lesson">
        <h2>
          {lesson.title}
          {st?.solved && (
            <span className="badge good" data-testid="lesson-solved">
              solved
            </span>
          )}
        </h2>
        {lesson.text.map((p, i) => (
          <p key={i}>
            <Rich text={p} />
          </p>
        ))}
        <div className="task">
          <b>Task.</b> <Rich text={lesson.task} /> <span className="muted">({isIsa ? 'an ISA file, JSON' : `ISA ${lesson.isa}`}; {LESSON_LIMIT_NOTE})</span>
        </div>
        <MonacoBox
          key={lesson.id}
          value={source}
          onChange={(t) => setLesson(lesson.id, { source: t })}
          language={isIsa ? ISA_LANG : ASM_LANG}
          markers={markers}
          height={isIsa ? 160 : 300}
          testId="lesson-editor"
          ariaLabel="Your answer"
        />
        <div className="form-row">
          <button type="button" data-testid="lesson-check" onClick={check} disabled={running} aria-busy={running}>
            {running ? 'Checking…' : 'Check (runs your program)'}
          </button>
          <button type="button" className="ghost" data-testid="lesson-hint" disabled={hints >= lesson.hints.length - 1} onClick={() => setLesson(lesson.id, { hints: hints + 1 })}>
            {hints < 0 ? 'Hint' : 'Another hint'}
          </button>
          <button
            type="button"
            className="ghost"
            data-testid="lesson-reset"
            onClick={() => {
              replaceWorkspace(`Started lesson ${lesson.title.replace(/^\d+\. /, '')} over`, () => setLesson(lesson.id, { source: lesson.starter }), { reboot: false });
              setResult(null);
            }}
          >
            Start over
          </button>
        </div>
        {hints >= 0 && (
          <ol className="hints" data-testid="lesson-hints">
            {lesson.hints.slice(0, hints + 1).map((h, i) => (
              <li key={i}>
                <Rich text={h} />
              </li>
            ))}
          </ol>
        )}
        {shown && (
          <div className={`lesson-result ${shown.passed ? 'passed' : 'failed'}`} data-testid="lesson-result" data-passed={String(shown.passed)}>
            <div className="lesson-result-head">
              {shown.passed ? 'Solved.' : timedOut ? 'Stopped: the check ran too long.' : shown.stopped === 'loop' ? 'Stopped: the program does not halt.' : shown.stopped === 'asm' ? (isIsa ? 'The ISA file does not parse.' : 'The program does not assemble.') : 'Not yet.'}
            </div>
            <ul>
              {shown.items.map((it, i) => (
                <li key={i} className={it.ok ? 'ok' : 'bad'}>
                  {it.ok ? '✓' : '✗'} {it.text}
                </li>
              ))}
            </ul>
            {shown.notes.length > 0 && (
              <ul className="notes">
                {shown.notes.map((n, i) => (
                  <li key={i}>{n}</li>
                ))}
              </ul>
            )}
          </div>
        )}
        {lesson.chart === 'costs' && <CostChart />}
      </article>
    </div>
  );
}
