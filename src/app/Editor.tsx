import { useEffect, useRef } from 'react';
import { LANG, asmMarkers, monaco } from './monaco';
import { actions, reassemble, useRuntime } from './session';
import { useSettings } from './store';
import { useThrottled } from './throttle';
import { useMonacoEditor } from './useMonacoEditor';

/** The program editor: PG/1 highlighting, live assembler markers, gutter breakpoints and the current line. */
export function Editor() {
  const bpDeco = useRef<monaco.editor.IEditorDecorationsCollection | null>(null);
  const pcDeco = useRef<monaco.editor.IEditorDecorationsCollection | null>(null);

  const { host, ed } = useMonacoEditor((div, look) => {
    const model = monaco.editor.createModel(useSettings.getState().source, LANG, monaco.Uri.parse('inmemory://pglab/program.s'));
    const e = monaco.editor.create(div, {
      model,
      ...look,
      glyphMargin: true,
      fontFamily: "'JetBrains Mono', 'Cascadia Code', 'Fira Code', Menlo, Consolas, monospace",
      minimap: { enabled: false },
      automaticLayout: true,
      scrollBeyondLastLine: false,
      lineNumbersMinChars: 3,
      renderLineHighlight: 'line',
      tabSize: 8,
      insertSpaces: true,
      fixedOverflowWidgets: true,
      acceptSuggestionOnEnter: 'off',
      'semanticHighlighting.enabled': false,
    });
    (window as unknown as { __pglabEditor: unknown }).__pglabEditor = e;
    bpDeco.current = e.createDecorationsCollection();
    pcDeco.current = e.createDecorationsCollection();

    let timer = 0;
    const mark = (): void => {
      const asm = reassemble();
      monaco.editor.setModelMarkers(model, LANG, asmMarkers(asm));
    };
    mark();
    let outside = false;
    const sub = model.onDidChangeContent(() => {
      if (outside) return;
      // Breakpoints ride on their decorations, so they move with their line as lines are added or removed.
      const lines = [...new Set((bpDeco.current?.getRanges() ?? []).map((r) => r.startLineNumber))].sort((x, y) => x - y);
      const st = useSettings.getState();
      if (bpDeco.current && lines.join() !== st.breakLines.join()) st.set({ breakLines: lines });
      useSettings.getState().set({ source: model.getValue() });
      clearTimeout(timer);
      timer = window.setTimeout(mark, 120);
    });
    e.onMouseDown((ev) => {
      const t = ev.target.type;
      if (t === monaco.editor.MouseTargetType.GUTTER_GLYPH_MARGIN || t === monaco.editor.MouseTargetType.GUTTER_LINE_NUMBERS) {
        const line = ev.target.position?.lineNumber;
        if (line) {
          useSettings.getState().toggleBreak(line);
          void actions.syncBreakpoints();
        }
      }
    });
    e.addCommand(monaco.KeyCode.F9, () => {
      const line = e.getPosition()?.lineNumber;
      if (line) {
        useSettings.getState().toggleBreak(line);
        void actions.syncBreakpoints();
      }
    });
    // A load (example, counterexample, link, Undo) replaces the text from outside. As an edit, not setValue, so
    // that Ctrl+Z in the editor brings the replaced text back too; the store already has the new text and the
    // breakpoints the loader chose, so this edit is not reported back.
    const unsub = useSettings.subscribe((s, prev) => {
      if (s.source !== prev.source && s.source !== model.getValue()) {
        outside = true;
        try {
          e.pushUndoStop();
          e.executeEdits('pglab-load', [{ range: model.getFullModelRange(), text: s.source }]);
          e.pushUndoStop();
          e.setPosition({ lineNumber: 1, column: 1 });
        } finally {
          outside = false;
        }
        mark();
      }
    });
    return {
      editor: e,
      model,
      dispose: () => {
        sub.dispose();
        unsub();
      },
    };
  }, []);

  // Breakpoint glyphs.
  const breakLines = useSettings((s) => s.breakLines);
  const asm = useRuntime((s) => s.asm);
  useEffect(() => {
    bpDeco.current?.set(
      breakLines.map((line) => ({
        range: new monaco.Range(line, 1, line, 1),
        options: {
          glyphMarginClassName: asm?.addrOfLine.has(line) ? 'bp-glyph' : 'bp-glyph bp-off',
          glyphMarginHoverMessage: { value: asm?.addrOfLine.has(line) ? `Breakpoint at address ${asm.addrOfLine.get(line)}` : 'Breakpoint on a line with no instruction' },
          stickiness: monaco.editor.TrackedRangeStickiness.NeverGrowsWhenTypingAtEdges,
        },
      })),
    );
  }, [breakLines, asm]);

  // The instruction at P (+ l), through the assembler's source map; at a few updates a second while running.
  const state = useRuntime((s) => s.frame?.state);
  const running = state === 'running';
  const pcPhysical = useThrottled(useRuntime((s) => s.frame?.pcPhysical ?? -1), 200, running);
  const stale = useRuntime((s) => s.loadedKey === '' || s.asm === null);
  useEffect(() => {
    const e = ed.current;
    if (!e || !asm) return;
    const line = asm.lineOfAddr.get(pcPhysical);
    if (line === undefined || stale) {
      pcDeco.current?.clear();
      return;
    }
    pcDeco.current?.set([
      {
        range: new monaco.Range(line, 1, line, 1),
        // No gutter arrow while running: a glyph hopping from line to line thirty times a second is a layout
        // shift each time, and the line's shading says as much.
        options: { isWholeLine: true, className: running ? 'pc-line running' : 'pc-line', glyphMarginClassName: running ? undefined : 'pc-glyph', stickiness: 1 },
      },
    ]);
    if (!running) e.revealLineInCenterIfOutsideViewport(line, monaco.editor.ScrollType.Smooth);
  }, [ed, pcPhysical, asm, running, stale]);

  return <div className="editor-host" ref={host} data-testid="editor" />;
}
