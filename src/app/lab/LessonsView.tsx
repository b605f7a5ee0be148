/** The guided lessons: text, task, an editor for the answer, a Check that runs it, hints; progress persists. */
import { useMemo, useState } from 'react';
import { Fragment } from 'react';
import { assemble } from '../../core/asm/assembler';
import { presetIsa } from '../../core/isa/isa';
import { LESSONS, LESSON_LIMIT_NOTE, lessonById, type CheckResult } from './lessons/lessons';
import { ASM_LANG, MonacoBox, type Marker } from './MonacoBox';
import { useLab } from './store';

/** `code` spans and *emphasis*, nothing more: the lesson texts are ours. */
function Rich({ text }: { text: string }) {
  const parts = text.split(/(`[^`]+`|\*[^*]+\*)/);
  return (
    <>
      {parts.map((p, i) =>
        p.startsWith('`') ? <code key={i}>{p.slice(1, -1)}</code> : p.startsWith('*') && p.length > 2 ? <em key={i}>{p.slice(1, -1)}</em> : <Fragment key={i}>{p}</Fragment>,
      )}
    </>
  );
}

export function LessonsView() {
  const lessonId = useLab((s) => s.lesson);
  const progress = useLab((s) => s.lessons);
  const set = useLab((s) => s.set);
  const setLesson = useLab((s) => s.setLesson);
  const lesson = lessonById(lessonId) ?? LESSONS[0];
  const st = progress[lesson.id];
  const source = st?.source ?? lesson.starter;
  const hints = st?.hints ?? -1;
  const [result, setResult] = useState<{ id: string; r: CheckResult } | null>(null);
  const [running, setRunning] = useState(false);
  const asm = useMemo(() => assemble(source, presetIsa(lesson.isa)), [source, lesson.isa]);
  const markers: Marker[] = asm.errors.map((e) => ({ line: e.line, col: e.col, endCol: e.endCol, message: e.message }));
  const check = () => {
    setRunning(true);
    // Let the button show "Checking…" before the runs block the thread.
    window.setTimeout(() => {
      let r: CheckResult;
      try {
        r = lesson.check(source);
      } catch (e) {
        r = { passed: false, items: [{ ok: false, text: `The check could not run: ${String((e as Error).message ?? e)}` }], notes: [] };
      }
      setResult({ id: lesson.id, r });
      if (r.passed) setLesson(lesson.id, { solved: true });
      setRunning(false);
    }, 10);
  };
  const shown = result?.id === lesson.id ? result.r : null;
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
          <b>Task.</b> <Rich text={lesson.task} /> <span className="muted">(ISA {lesson.isa}; {LESSON_LIMIT_NOTE})</span>
        </div>
        <MonacoBox
          key={lesson.id}
          value={source}
          onChange={(t) => setLesson(lesson.id, { source: t })}
          language={ASM_LANG}
          markers={markers}
          height={300}
          testId="lesson-editor"
          ariaLabel="Your answer"
        />
        <div className="form-row">
          <button type="button" data-testid="lesson-check" onClick={check} disabled={running}>
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
              setLesson(lesson.id, { source: lesson.starter });
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
              {shown.passed ? 'Solved.' : shown.stopped === 'loop' ? 'Stopped: the program does not halt.' : shown.stopped === 'asm' ? 'The program does not assemble.' : 'Not yet.'}
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
      </article>
    </div>
  );
}
