import { examples, exampleTitle } from './examples';
import { replaceWorkspace } from './loader';
import { useSettings } from './store';

const names = Object.keys(examples);

/** Loads an example in one click, through the loader: what it replaces can be had back with Undo. */
export function pickExample(name: string): void {
  if (examples[name] === undefined) return;
  replaceWorkspace(`Loaded example ${name}`, () => useSettings.getState().loadExample(name));
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
              title={`${n}: ${title}${edited ? ' (loaded and edited; a click reloads it, with Undo)' : ''}`}
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
