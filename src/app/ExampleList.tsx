import { examples, exampleTitle } from './examples';
import { load } from './session';
import { useSettings, type Displaced } from './store';

const names = Object.keys(examples);
const texts = new Set(Object.values(examples));

/** True when the editor holds text that is not one of the examples verbatim, i.e. work that exists nowhere else. */
function isOwnWork(source: string): boolean {
  return source.trim() !== '' && !texts.has(source);
}

/**
 * Loads an example in one click. The browser keeps a single program, so loading over the user's own text would
 * lose it; instead that text is put aside (persisted with the settings) and the notice below offers it back.
 */
export function pickExample(name: string): void {
  const s = useSettings.getState();
  if (examples[name] === undefined) return;
  const own = isOwnWork(s.source);
  const aside: Displaced | null = own
    ? {
        source: s.source,
        example: s.example,
        isa: s.isa,
        monitor: s.monitor,
        depth: s.depth,
        breakLines: s.breakLines,
        label: s.example && examples[s.example] !== undefined ? `your edited ${s.example}` : 'your program',
        replacedBy: name,
      }
    : // Loading one pristine example over another loses nothing; keep whatever was put aside earlier reachable.
      s.displaced
      ? { ...s.displaced, replacedBy: name }
      : null;
  s.loadExample(name);
  s.set({ displaced: aside });
  void load();
}

/** Brings the put-aside program back; what it replaces is put aside in turn if it is the user's own work. */
function restore(): void {
  const s = useSettings.getState();
  const d = s.displaced;
  if (!d) return;
  const swap: Displaced | null = isOwnWork(s.source)
    ? { source: s.source, example: s.example, isa: s.isa, monitor: s.monitor, depth: s.depth, breakLines: s.breakLines, label: `your edited ${s.example || 'program'}`, replacedBy: d.label }
    : null;
  s.set({ source: d.source, example: d.example, isa: d.isa, monitor: d.monitor, depth: d.depth, breakLines: d.breakLines, displaced: swap });
  void load();
}

/** The put-aside notice, shown above the editor so it is seen right after the click that caused it. */
export function DisplacedNotice() {
  const d = useSettings((s) => s.displaced);
  const set = useSettings((s) => s.set);
  if (!d) return null;
  return (
    <div className="displaced" role="status" data-testid="displaced">
      <span>
        Loaded <b>{d.replacedBy}</b>; {d.label} ({d.source.replace(/\n$/, '').split('\n').length} lines) was put aside.
      </span>
      <button type="button" className="ghost" onClick={restore}>
        Undo load
      </button>
      <button type="button" className="ghost" aria-label="Forget the put-aside program" title="Forget the put-aside program" onClick={() => set({ displaced: null })}>
        ×
      </button>
    </div>
  );
}

/** Every example of the repository as a button: its file name and the first line of its leading comment. */
export function ExampleList() {
  const source = useSettings((s) => s.source);
  const current = useSettings((s) => s.example);
  return (
    <ul className="example-list" aria-label="Example programs">
      {names.map((n) => {
        const title = exampleTitle(examples[n]).replace(new RegExp(`^${n.replace('.', '\\.')}\\s*[—–-]\\s*`), '');
        const loaded = examples[n] === source;
        const edited = !loaded && current === n;
        return (
          <li key={n}>
            <button
              type="button"
              className={`example${loaded ? ' loaded' : ''}${edited ? ' edited' : ''}`}
              aria-pressed={loaded}
              title={`${n}: ${title}${edited ? ' (loaded and edited; a click puts your edits aside and reloads it)' : ''}`}
              onClick={() => pickExample(n)}
            >
              <span className="example-name">
                {n}
                {edited && <span className="example-edited"> · edited</span>}
              </span>
              <span className="example-desc">{title}</span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
