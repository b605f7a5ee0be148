/**
 * Monaco from the local package (no CDN) and the PG/1 assembly language, built from the ISA table: the
 * keywords, hovers and completions are the table's mnemonics, docs and variants.
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
import { DIRECTIVES, operandSyntax } from '../core/asm/assembler';
import { PRESETS, variantOf } from '../core/isa/isa';
import { BASE_INSTRUCTIONS } from '../core/isa/table';
import { isaOf, useRuntime } from './session';
import { useSettings } from './store';

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

export function setupMonaco(): typeof monaco {
  if (registered) return monaco;
  registered = true;
  monaco.languages.register({ id: LANG, extensions: ['.s'], aliases: ['PG/1 assembly'] });
  const sensitive = BASE_INSTRUCTIONS.filter((d) => d.variants).map((d) => d.mnemonic);
  const plain = BASE_INSTRUCTIONS.filter((d) => !d.variants).map((d) => d.mnemonic);
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
  } as monaco.languages.IMonarchLanguage);
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
      const isaName = useSettings.getState().isa;
      const isa = isaOf(isaName);
      const word = w.word.toUpperCase();
      const range = new monaco.Range(position.lineNumber, w.startColumn, position.lineNumber, w.endColumn);
      const d = isa.byMnemonic.get(word);
      if (d) {
        const v = variantOf(isa, d);
        const offered = d.variants ? `\n\nVariants offered: ${d.variants.join(', ')}. ISA \`${isa.name}\`: ${PRESETS[isa.base].teaches}.` : '';
        return {
          range,
          contents: [
            { value: `**${d.mnemonic}** \`${operandSyntax(d)}\` — opcode 0x${d.op.toString(16).padStart(2, '0')}` },
            { value: d.doc },
            { value: `Under \`${isa.name}\`: ${variantText(v, d.openDoc)}.${offered}` },
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
      const isa = isaOf(useSettings.getState().isa);
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
            documentation: { value: `${d.doc}\n\nUnder \`${isa.name}\`: ${variantText(v, d.openDoc)}.` },
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
