/**
 * Monaco from the local package (no CDN) and the PG/1 assembly language, built from the ISA in force (isa.ts):
 * the keywords, hovers, completions and markers are its mnemonics (instructions an ISA file defines
 * included), docs and variants, and they follow it when it changes.
 */
import * as monaco from 'monaco-editor/editor/editor.api';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
// editor.api is the bare editor; these are the features a program editor needs (hovers, completion, find,
// comments, bracket matching, the marker navigator, multi-cursor...), without the 80 bundled languages.
import 'monaco-editor/features/codicon/register';
import 'monaco-editor/features/hover/register';
import 'monaco-editor/features/suggest/register';
import 'monaco-editor/features/find/register';
import 'monaco-editor/features/comment/register';
import 'monaco-editor/features/bracketMatching/register';
import 'monaco-editor/features/clipboard/register';
import 'monaco-editor/features/contextmenu/register';
import 'monaco-editor/features/cursorUndo/register';
import 'monaco-editor/features/gotoError/register';
import 'monaco-editor/features/linesOperations/register';
import 'monaco-editor/features/multicursor/register';
import 'monaco-editor/features/wordHighlighter/register';
import 'monaco-editor/features/wordOperations/register';
import 'monaco-editor/features/indentation/register';
import 'monaco-editor/features/caretOperations/register';
import { DIRECTIVES, operandSyntax, type AsmResult } from '../core/asm/assembler';
import { PRESETS, isUser, variantOf, type Isa } from '../core/isa/isa';
import { isaInForce, useIsa } from './isa';
import { reassemble, useRuntime } from './session';

(self as unknown as { MonacoEnvironment: monaco.Environment }).MonacoEnvironment = {
  getWorker: () => new EditorWorker(),
};

export const LANG = 'pg1asm';
let registered = false;

function variantText(v: string | null, openDoc?: string): string {
  if (v === null) return 'innocuous group: runs the same in both modes';
  if (v === 'privileged') return 'privileged: a PRIVILEGED trap (cause 1) in user mode';
  if (v === 'open') return `open: runs in user mode without trapping${openDoc ? ` (${openDoc})` : ''}`;
  return 'user-nop: does nothing in user mode (P advances), like x86 POPF dropping IF';
}

/** The program editor's error markers for an assembly (Editor.tsx and an ISA change both set them). */
export function asmMarkers(asm: AsmResult): monaco.editor.IMarkerData[] {
  return asm.errors.map((er) => ({
    severity: monaco.MarkerSeverity.Error,
    message: er.message,
    startLineNumber: er.line,
    startColumn: er.col,
    endLineNumber: er.line,
    endColumn: Math.max(er.endCol, er.col + 1),
  }));
}

/** Colours: sensitive instructions (those with a user-mode variant, and an ISA file's own) stand out. */
function setTokens(isa: Isa): void {
  const sensitive = isa.instructions.filter((d) => d.variants || isUser(d)).map((d) => d.mnemonic);
  const plain = isa.instructions.filter((d) => !d.variants && !isUser(d)).map((d) => d.mnemonic);
  monaco.languages.setMonarchTokensProvider(LANG, {
    ignoreCase: true,
    sensitive,
    plain,
    tokenizer: {
      root: [
        [/;.*$/, 'comment'],
        [/^\s*[A-Za-z_][\w]*:/, 'type.identifier'],
        [/\.[a-z]+/, 'keyword.directive'],
        [/\b[rR](1[0-5]|[0-9])\b/, 'variable.register'],
        [/\b0[xX][0-9a-fA-F]+\b/, 'number.hex'],
        [/\b0[bB][01]+\b/, 'number.binary'],
        [/-?\b\d+\b/, 'number'],
        [/'(\\.|[^'])'/, 'string.char'],
        [/"([^"\\]|\\.)*"/, 'string'],
        [/[A-Za-z_]\w*/, { cases: { '@sensitive': 'keyword.sensitive', '@plain': 'keyword', '@default': 'identifier' } }],
        [/[[\]+\-,]/, 'delimiter'],
      ],
    },
  });
}

export function setupMonaco(): typeof monaco {
  if (registered) return monaco;
  registered = true;
  monaco.languages.register({ id: LANG, extensions: ['.s'], aliases: ['PG/1 assembly'] });
  setTokens(isaInForce());
  // A new ISA in force recolours every program and re-marks its errors (an SMSW defined in the lab stops
  // being an unknown mnemonic at once).
  useIsa.subscribe((st, prev) => {
    if (st.isa === prev.isa) return;
    setTokens(st.isa);
    const models = monaco.editor.getModels().filter((m) => m.getLanguageId() === LANG);
    if (models.length) {
      const markers = asmMarkers(reassemble());
      for (const m of models) monaco.editor.setModelMarkers(m, LANG, markers);
    }
  });
  monaco.languages.setLanguageConfiguration(LANG, {
    comments: { lineComment: ';' },
    brackets: [['[', ']']],
    autoClosingPairs: [
      { open: '[', close: ']' },
      { open: '"', close: '"' },
      { open: "'", close: "'" },
    ],
  });

  monaco.languages.registerHoverProvider(LANG, {
    provideHover(model, position) {
      const w = model.getWordAtPosition(position);
      if (!w) return null;
      const isa = isaInForce();
      const word = w.word.toUpperCase();
      const range = new monaco.Range(position.lineNumber, w.startColumn, position.lineNumber, w.endColumn);
      const d = isa.byMnemonic.get(word);
      if (d) {
        const v = variantOf(isa, d);
        const name = useIsa.getState().name;
        const offered = d.variants ? `\n\nVariants offered: ${d.variants.join(', ')}. ISA \`${name}\`: ${PRESETS[isa.base].teaches}.` : '';
        const effect = isUser(d) ? `\n\nDefined by the ISA file: \`${d.effectSource}\`` : '';
        return {
          range,
          contents: [
            { value: `**${d.mnemonic}** \`${operandSyntax(d)}\` — opcode 0x${d.op.toString(16).padStart(2, '0')}` },
            { value: d.doc + effect },
            { value: `Under \`${name}\`: ${variantText(v, d.openDoc)}.${offered}` },
          ],
        };
      }
      if (/^R(1[0-5]|[0-9])$/.test(word)) return { range, contents: [{ value: word === 'R0' ? '`r0` reads as 0 and ignores writes.' : `register \`${w.word}\`` }] };
      const asm = useRuntime.getState().asm;
      const addr = asm?.symbols.get(w.word);
      if (addr !== undefined) return { range, contents: [{ value: `**${w.word}** = ${addr} (0x${addr.toString(16)})` }] };
      return null;
    },
  });

  monaco.languages.registerCompletionItemProvider(LANG, {
    provideCompletionItems(model, position) {
      const w = model.getWordUntilPosition(position);
      const range = new monaco.Range(position.lineNumber, w.startColumn, position.lineNumber, w.endColumn);
      const isa = isaInForce();
      const lineStart = model.getLineContent(position.lineNumber).slice(0, w.startColumn - 1);
      const afterMnemonic = /[A-Za-z]\w*\s+\S*$/.test(lineStart.replace(/^\s*\w+:\s*/, '')) || /,\s*$/.test(lineStart);
      const items: monaco.languages.CompletionItem[] = [];
      if (!afterMnemonic) {
        for (const d of isa.instructions) {
          const v = variantOf(isa, d);
          items.push({
            label: { label: d.mnemonic, detail: ' ' + operandSyntax(d), description: v ?? '' },
            kind: v ? monaco.languages.CompletionItemKind.Event : monaco.languages.CompletionItemKind.Keyword,
            insertText: d.operands.length ? d.mnemonic + ' ' : d.mnemonic,
            documentation: { value: `${d.doc}\n\nUnder \`${useIsa.getState().name}\`: ${variantText(v, d.openDoc)}.` },
            range,
          });
        }
        for (const dir of DIRECTIVES) items.push({ label: dir, kind: monaco.languages.CompletionItemKind.Module, insertText: dir.slice(w.word.startsWith('.') ? 0 : 1) + ' ', range });
      }
      const asm = useRuntime.getState().asm;
      for (const [name, addr] of asm?.symbols ?? []) {
        items.push({ label: name, kind: monaco.languages.CompletionItemKind.Variable, detail: `= ${addr}`, insertText: name, range });
      }
      if (afterMnemonic) for (let i = 0; i < 16; i++) items.push({ label: 'r' + i, kind: monaco.languages.CompletionItemKind.Field, insertText: 'r' + i, range });
      return { suggestions: items };
    },
  });

  const rules = (dark: boolean): monaco.editor.ITokenThemeRule[] => [
    { token: 'comment', foreground: dark ? '7d8799' : '6a737d', fontStyle: 'italic' },
    { token: 'keyword', foreground: dark ? '79c0ff' : '0550ae', fontStyle: 'bold' },
    { token: 'keyword.sensitive', foreground: dark ? 'ff9e64' : 'c24e00', fontStyle: 'bold' },
    { token: 'keyword.directive', foreground: dark ? 'd2a8ff' : '8250df' },
    { token: 'variable.register', foreground: dark ? '7ee787' : '116329' },
    { token: 'number', foreground: dark ? 'f2cc60' : '953800' },
    { token: 'string', foreground: dark ? 'a5d6ff' : '0a3069' },
    { token: 'type.identifier', foreground: dark ? 'ffa7c4' : 'bf3989', fontStyle: 'bold' },
  ];
  monaco.editor.defineTheme('pg-dark', {
    base: 'vs-dark', inherit: true, rules: rules(true),
    colors: { 'editor.background': '#0f141b', 'editorGutter.background': '#0f141b', 'editor.lineHighlightBackground': '#ffffff08' },
  });
  monaco.editor.defineTheme('pg-light', {
    base: 'vs', inherit: true, rules: rules(false),
    colors: { 'editor.background': '#ffffff', 'editorGutter.background': '#fbfcfd' },
  });
  return monaco;
}

export { monaco };
