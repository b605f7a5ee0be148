/**
 * A small Monaco editor for the lab's panes, on the workbench's Monaco module (setupMonaco: the PG/1 language,
 * themes, workers). The lab adds two little languages: the effect language of user instructions and the ISA
 * file (JSON), with hovers from the same words the parsers know.
 */
import { useEffect, useRef } from 'react';
import { LANG, monaco, setupMonaco } from '../monaco';
import { useMonacoEditor } from '../useMonacoEditor';

export const EFFECT_LANG = 'pgeffect';
export const ISA_LANG = 'pgisa';
export { LANG as ASM_LANG };

const EFFECT_WORDS: Record<string, string> = {
  ra: 'The register named by the ra field (read or assign). r0 reads 0 and ignores writes.',
  rb: 'The register named by the rb field (read or assign).',
  imm: 'The 16-bit immediate field, sign-extended (write `imm & 0xFFFF` for the zero-extended value).',
  M: 'The mode: 0 = supervisor (S), 1 = user (U). Assigning it changes the mode (control sensitive).',
  P: "This instruction's own address. If the effect does not assign P it becomes P + 1.",
  l: 'The relocation base. Reading it is location sensitive; assigning it is control sensitive.',
  b: 'The relocation bounds (window size).',
  S: 'Supervisor mode, 0.',
  U: 'User mode, 1.',
  mem: '`mem[a]`: the word at virtual address a, relocated and bounds-checked (may memory-trap).',
  trap: '`trap(c);` raises trap cause c (1 PRIVILEGED, 2 MEMORY, 3 ILLEGAL, 4 SVC, 5 ARITH); the effect is discarded.',
  halt: '`halt;` stops the machine after committing the effect.',
  if: '`if (cond) { … } else { … }`',
  else: '`else { … }`',
};

const ISA_WORDS: Record<string, string> = {
  name: 'The name shown for this ISA.',
  base: 'The preset this file starts from: pg1, pdp10, x86 or lra.',
  variants: 'User-mode behaviour of sensitive instructions: "privileged" (trap), "open" (run as in supervisor mode), "user-nop" (SETR only).',
  instructions: 'Added instructions: mnemonic, opcode, operands, privileged, effect.',
  operands: 'One of "", "ra", "ra,rb", "ra,imm", "imm", "ra,[rb+imm]", "[rb+imm]", "ra,rb,imm".',
  privileged: 'true: the hardware traps it in user mode (PRIVILEGED) before the effect runs.',
  effect: 'The effect, in the effect language: assignments to ra rb M P l b mem[…], if/else, trap(c);, halt;',
  opcode: 'A free opcode 0–255 (the base table uses 0x00–0x1A and 0x20–0x27).',
};

let registered = false;
function register(): void {
  setupMonaco();
  if (registered) return;
  registered = true;
  monaco.languages.register({ id: EFFECT_LANG });
  monaco.languages.setMonarchTokensProvider(EFFECT_LANG, {
    tokenizer: {
      root: [
        [/\/\/.*$/, 'comment'],
        [/\b(if|else|trap|halt)\b/, 'keyword'],
        [/\b(ra|rb|imm)\b/, 'variable.register'],
        [/\b(M|P|l|b|S|U|mem)\b/, 'keyword.sensitive'],
        [/\b0[xX][0-9a-fA-F]+\b|\b\d+\b/, 'number'],
      ],
    },
  });
  monaco.languages.register({ id: ISA_LANG });
  monaco.languages.setMonarchTokensProvider(ISA_LANG, {
    tokenizer: {
      root: [
        [/"(name|base|variants|instructions|mnemonic|opcode|operands|privileged|effect)"(?=\s*:)/, 'type.identifier'],
        [/"(privileged|open|user-nop)"/, 'keyword.sensitive'],
        [/"([^"\\]|\\.)*"/, 'string'],
        [/\b(true|false|null)\b/, 'keyword'],
        [/-?\d+/, 'number'],
      ],
    },
  });
  const hover = (words: Record<string, string>): monaco.languages.HoverProvider => ({
    provideHover(model, position) {
      const w = model.getWordAtPosition(position);
      if (!w || !words[w.word]) return null;
      return {
        range: new monaco.Range(position.lineNumber, w.startColumn, position.lineNumber, w.endColumn),
        contents: [{ value: `**${w.word}** — ${words[w.word]}` }],
      };
    },
  });
  monaco.languages.registerHoverProvider(EFFECT_LANG, hover(EFFECT_WORDS));
  monaco.languages.registerHoverProvider(ISA_LANG, hover(ISA_WORDS));
}

export interface Marker {
  line: number;
  col: number;
  endCol?: number;
  message: string;
}

let seq = 0;

export function MonacoBox(props: {
  value: string;
  onChange(v: string): void;
  language: string;
  markers?: readonly Marker[];
  height?: number | string;
  testId?: string;
  /** Whole-line highlights: line -> CSS class. */
  lines?: ReadonlyMap<number, string>;
  ariaLabel?: string;
}) {
  const deco = useRef<monaco.editor.IEditorDecorationsCollection | null>(null);
  const outside = useRef(false);
  const onChange = useRef(props.onChange);
  useEffect(() => {
    onChange.current = props.onChange;
  });
  /**
   * Texts this editor reported through onChange that the parent has not yet shown back as its `value`. The
   * model is the truth while the user types: a render may still carry an older text the editor itself sent
   * (React renders a state update later than the keystroke that made it), and writing that back would reset the
   * model and throw the cursor to the start — the scrambled typing of issue 9. Only a value the editor never
   * sent is an outside change (preset, lesson reset, link, Undo).
   */
  const sent = useRef(new Set<string>());

  // One size smaller than the workbench's editor.
  const { host, ed } = useMonacoEditor(
    (div, look) => {
      register();
      const model = monaco.editor.createModel(props.value, props.language, monaco.Uri.parse(`inmemory://pglab/lab-${++seq}`));
      const e = monaco.editor.create(div, {
        model,
        ...look,
        minimap: { enabled: false },
        automaticLayout: true,
        scrollBeyondLastLine: false,
        lineNumbersMinChars: 3,
        tabSize: props.language === ISA_LANG ? 2 : 8,
        insertSpaces: true,
        fixedOverflowWidgets: true,
        glyphMargin: false,
        ariaLabel: props.ariaLabel,
      });
      deco.current = e.createDecorationsCollection();
      const sub = model.onDidChangeContent(() => {
        if (outside.current) return;
        const v = model.getValue();
        sent.current.add(v);
        onChange.current(v);
      });
      if (props.testId) (window as unknown as Record<string, unknown>)[`__pglab_${props.testId}`] = e;
      return { editor: e, model, dispose: () => sub.dispose() };
    },
    [],
    -1,
  );

  // Outside changes (preset picked, lesson reset, link opened) replace the text, as an edit so Ctrl+Z undoes it.
  useEffect(() => {
    const e = ed.current;
    const m = e?.getModel();
    if (!e || !m) return;
    if (m.getValue() === props.value) {
      sent.current.clear();
      return;
    }
    if (sent.current.has(props.value)) return; // an echo of an earlier keystroke; the newer text is on its way
    sent.current.clear();
    outside.current = true;
    try {
      e.pushUndoStop();
      e.executeEdits('pglab-outside', [{ range: m.getFullModelRange(), text: props.value }]);
      e.pushUndoStop();
    } finally {
      outside.current = false;
    }
  }, [ed, props.value]);

  useEffect(() => {
    const m = ed.current?.getModel();
    if (!m) return;
    monaco.editor.setModelMarkers(
      m,
      'pglab-lab',
      (props.markers ?? []).map((k) => ({
        severity: monaco.MarkerSeverity.Error,
        message: k.message,
        startLineNumber: k.line,
        startColumn: k.col,
        endLineNumber: k.line,
        endColumn: Math.max(k.endCol ?? m.getLineMaxColumn(k.line), k.col + 1),
      })),
    );
  }, [ed, props.markers]);

  useEffect(() => {
    deco.current?.set(
      [...(props.lines ?? new Map<number, string>())].map(([line, cls]) => ({
        range: new monaco.Range(line, 1, line, 1),
        options: { isWholeLine: true, className: cls },
      })),
    );
    const first = props.lines ? [...props.lines.keys()][0] : undefined;
    if (first) ed.current?.revealLineInCenterIfOutsideViewport(first);
  }, [ed, props.lines]);

  return <div className="lab-monaco" ref={host} style={{ height: props.height ?? 240 }} data-testid={props.testId} />;
}
