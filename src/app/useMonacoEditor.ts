import { useEffect, useRef, type DependencyList } from 'react';
import { monaco, setupMonaco } from './monaco';
import { useSettings } from './store';
import { useDark } from './theme';

export interface MonacoLook {
  theme: string;
  fontSize: number;
}

/**
 * One Monaco editor in the div behind `host`, as every editor of the app has it: `make` builds it (and its model)
 * once per `deps`, with the theme and the font size in force at that moment; it is disposed with its model when
 * the deps change or the view goes; the theme (dark/light) and the font size (A+/A-, plus `fontDelta`) then
 * follow the settings without rebuilding it. `make` may return more to undo (subscriptions) in `dispose`.
 */
export function useMonacoEditor(
  make: (host: HTMLDivElement, look: MonacoLook) => { editor: monaco.editor.IStandaloneCodeEditor; model: monaco.editor.ITextModel; dispose?: () => void },
  deps: DependencyList,
  fontDelta = 0,
) {
  const host = useRef<HTMLDivElement>(null);
  const ed = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const dark = useDark();
  const fontSize = useSettings((s) => s.fontSize) + fontDelta;
  useEffect(() => {
    setupMonaco();
    const { editor, model, dispose } = make(host.current!, { theme: dark ? 'pg-dark' : 'pg-light', fontSize: useSettings.getState().fontSize + fontDelta });
    ed.current = editor;
    return () => {
      dispose?.();
      editor.dispose();
      model.dispose();
    };
    // The editor is made once per deps; the theme and the font size are set below.
  }, deps); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => ed.current?.updateOptions({ fontSize }), [fontSize]);
  useEffect(() => monaco.editor.setTheme(dark ? 'pg-dark' : 'pg-light'), [dark]);
  return { host, ed };
}
