/**
 * The lab's place in the app shell: a tab bar (Workbench, ISA lab, Equivalence, Recursion, Lessons) with the
 * Share button, the open view, and shared links — applied on load and on hashchange, refused with a message
 * when damaged, foreign or newer, and reversible ("back to my workspace") when applied.
 */
import { useEffect, useState } from 'react';
import { decodeFragment, shareUrl, type LabView } from './share';
import { applyWorkspace, currentWorkspace, useLab } from './store';
import { replaceWorkspace, undoReplace, useUndo } from '../loader';
import './lab.css';

const TABS: [LabView, string][] = [
  ['workbench', 'Workbench'],
  ['isa', 'ISA lab'],
  ['equiv', 'Equivalence'],
  ['recursion', 'Recursion'],
  ['lessons', 'Lessons'],
];

export function useLabView(): LabView {
  return useLab((s) => s.view);
}

/** The undo entry of the link opened on this page, for the notice's "back" button (the toast offers it too). */
let linkUndo: number | null = null;

/** Reads the page's fragment; applies a workspace or explains why not. Returns true when something was applied. */
export function openLink(hash: string): boolean {
  const r = decodeFragment(hash);
  if (r.kind === 'none') return false;
  if (r.kind === 'refused') {
    useLab.getState().set({ linkNotice: { kind: 'error', text: r.message } });
    return false;
  }
  replaceWorkspace('Opened a shared link', () => applyWorkspace(r.workspace));
  linkUndo = useUndo.getState().shown;
  useLab.getState().set({ linkNotice: { kind: 'info', text: 'Opened the shared workspace (program, ISA file, monitor settings and view).' } });
  // Drop the fragment so a reload keeps the user's later edits instead of re-applying the link.
  history.replaceState(null, '', location.pathname + location.search);
  return true;
}

function ShareBox() {
  const [url, setUrl] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  return (
    <span className="share">
      <button
        type="button"
        data-testid="share"
        onClick={() => {
          const u = shareUrl(location.href, currentWorkspace());
          setUrl(u);
          setCopied(false);
          navigator.clipboard?.writeText(u).then(
            () => setCopied(true),
            () => setCopied(false),
          );
        }}
      >
        Share link
      </button>
      {url && (
        <span className="share-pop">
          <input data-testid="share-url" readOnly value={url} onFocus={(e) => e.target.select()} aria-label="Link to this workspace" />
          <span className="muted">{copied ? 'copied' : `${url.length} characters`}</span>
          <button type="button" className="ghost" onClick={() => setUrl(null)} aria-label="Close">
            ×
          </button>
        </span>
      )}
    </span>
  );
}

export function LabTabs() {
  const view = useLabView();
  const set = useLab((s) => s.set);
  const notice = useLab((s) => s.linkNotice);
  useEffect(() => {
    openLink(location.hash);
    const on = () => openLink(location.hash);
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return (
    <>
      <nav className="lab-tabs" role="tablist" aria-label="Views">
        {TABS.map(([id, label]) => (
          <button key={id} type="button" role="tab" aria-selected={view === id} data-testid={`tab-${id}`} className={view === id ? 'on' : ''} onClick={() => set({ view: id })}>
            {label}
          </button>
        ))}
        <ShareBox />
      </nav>
      {notice && (
        <div className={`link-notice ${notice.kind}`} role="alert" data-testid="link-notice">
          {notice.text}
          {notice.kind === 'info' && linkUndo !== null && (
            <button
              type="button"
              className="ghost"
              data-testid="link-undo"
              onClick={() => {
                if (linkUndo !== null) undoReplace(linkUndo);
                linkUndo = null;
                set({ linkNotice: { kind: 'info', text: 'Your previous workspace is back.' } });
              }}
            >
              Back to my previous workspace
            </button>
          )}
          <button type="button" className="ghost" aria-label="Dismiss" onClick={() => set({ linkNotice: null })}>
            ×
          </button>
        </div>
      )}
    </>
  );
}
