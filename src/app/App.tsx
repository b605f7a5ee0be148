import { lazy, Suspense, useEffect, useRef, type ReactNode } from 'react';
import { ExampleList } from './ExampleList';
import { Tour, TourButton } from './Tour';
import { UndoToast } from './UndoToast';
import { Controls, Settings, useShortcuts } from './Toolbar';
import { configKey, currentConfig, load, startWorker, useRuntime } from './session';
import { useSettings } from './store';
import { pendingMessage, useIsa } from './isa';
import { useDark } from './theme';
import { DepthChart, RatioChart } from './views/Chart';
import { ConsoleView, MemoryMap, PswView, Registers } from './views/Machine';
import { MemoryTable } from './views/MemoryTable';
import { TrapFlow, TrapLog } from './views/Traps';
import { StatsExport, TrapLogExport } from './views/Export';
import { PropertiesPanel } from './views/Properties';
import { LabTabs, useLabView } from './lab/LabShell';

// Chunks of their own, so the workbench is interactive before they arrive: Monaco (the editors) and the lab views.
// Monaco's is fetched at once (the Program panel is always there); a lab view's when its tab is first opened.
const editorChunk = import('./EditorPane');
const EditorPane = lazy(() => editorChunk);
const LabMain = lazy(() => import('./lab/LabMain'));

function Panel({ id, title, extra, children, className }: { id: string; title: string; extra?: ReactNode; children: ReactNode; className?: string }) {
  const collapsed = useSettings((s) => !!s.collapsed[id]);
  const toggle = useSettings((s) => s.toggleCollapsed);
  return (
    <section className={`panel panel-${id}${collapsed ? ' collapsed' : ''} ${className ?? ''}`} aria-label={title}>
      <header>
        <button type="button" className="panel-toggle" aria-expanded={!collapsed} onClick={() => toggle(id)} title={collapsed ? 'Show' : 'Hide'}>
          <span className="chev" aria-hidden="true">
            ▾
          </span>
          <h2>{title}</h2>
        </button>
        {extra}
      </header>
      {!collapsed && <div className="panel-body">{children}</div>}
    </section>
  );
}

function StatusBar() {
  const notice = useRuntime((s) => s.notice);
  const message = useRuntime((s) => s.frame?.message ?? 'Loading…');
  const errors = useRuntime((s) => s.asm?.errors.length ?? 0);
  const loadedKey = useRuntime((s) => s.loadedKey);
  const isaName = useIsa((s) => s.name);
  const pending = useIsa((s) => pendingMessage(s));
  // Before the first step of a freshly loaded machine, the status line says what to press.
  const fresh = useRuntime((s) => s.frame?.steps === 0 && s.frame.maxSteps === 0 && s.frame.state === 'idle');
  const edited = useSettings((s) => loadedKey !== '' && configKey(currentConfig()) !== loadedKey && s.source !== undefined);
  return (
    <div className="statusbar" role="status" data-testid="status" title={notice?.text ?? message}>
      {notice ? (
        <span className={`notice ${notice.kind}`}>{notice.text}</span>
      ) : fresh ? (
        <span className="hint" data-testid="hint">
          Press <kbd>Step</kbd> (F10) to run one instruction, <kbd>Step to next trap</kbd> (Ctrl+F10) to stop right after the next trap, or <kbd>Run</kbd> (F5).
        </span>
      ) : (
        <span>{message}</span>
      )}
      {edited && errors === 0 && <span className="edited">edited · Run or Step reassembles and reboots</span>}
      {errors > 0 && <span className="errcount">{errors} assembly error{errors > 1 ? 's' : ''}</span>}
      {/* The ISA in force, always: a tweak made in the ISA lab shows here by its name, and a file with errors says so. */}
      <span className="status-isa" data-testid="status-isa" title={pending ?? undefined} style={{ flex: 'none', color: pending ? 'var(--bad)' : 'var(--muted)' }}>
        ISA {isaName}
        {pending ? ' · the ISA file has errors, so this last good one stays in force' : ''}
      </span>
    </div>
  );
}

function Splitter() {
  const set = useSettings((s) => s.set);
  const dragging = useRef(false);
  useEffect(() => {
    const move = (e: PointerEvent) => {
      if (!dragging.current) return;
      const pct = Math.max(22, Math.min(70, (e.clientX / window.innerWidth) * 100));
      set({ editorWidth: Math.round(pct * 10) / 10 });
    };
    const up = () => {
      dragging.current = false;
      document.body.classList.remove('dragging');
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
    return () => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
    };
  }, [set]);
  return (
    <div
      className="splitter"
      role="separator"
      aria-orientation="vertical"
      onPointerDown={() => {
        dragging.current = true;
        document.body.classList.add('dragging');
      }}
    />
  );
}

export function App() {
  useDark();
  useShortcuts();
  const editorWidth = useSettings((s) => s.editorWidth);
  const theme = useSettings((s) => s.theme);
  const fontSize = useSettings((s) => s.fontSize);
  const set = useSettings((s) => s.set);
  useEffect(() => {
    startWorker();
    void load();
  }, []);
  useEffect(() => {
    document.documentElement.style.setProperty('--ui-scale', String(fontSize / 14));
  }, [fontSize]);
  const labView = useLabView();
  return (
    <div className="app" style={{ ['--editor-w' as string]: `${editorWidth}%` }}>
      <header className="topbar">
        <div className="brand">
          <span className="logo" aria-hidden="true" />
          <div>
            <h1>PG Lab</h1>
            <div className="tagline">Popek &amp; Goldberg 1974 · traps, relocation, monitors</div>
          </div>
        </div>
        <LabTabs />
        <div className="spacer" />
        <div className="view-opts">
          <button type="button" className="ghost" title="Smaller text" aria-label="Smaller text" onClick={() => set({ fontSize: Math.max(11, fontSize - 1) })}>
            A−
          </button>
          <button type="button" className="ghost" title="Larger text (projector)" aria-label="Larger text" onClick={() => set({ fontSize: Math.min(24, fontSize + 1) })}>
            A+
          </button>
          <TourButton />
          <select aria-label="Theme" value={theme} onChange={(e) => set({ theme: e.target.value as typeof theme })}>
            <option value="auto">auto</option>
            <option value="dark">dark</option>
            <option value="light">light</option>
          </select>
        </div>
      </header>
      {labView !== 'workbench' ? (
        <Suspense fallback={<main className="lab-main" aria-busy="true" />}>
          <LabMain />
        </Suspense>
      ) : <>
      <Settings />
      <Controls />
      <main className="work">
        <div className="left">
          {/* The repository's examples one click away (the issue asks for it), above the editor they fill. */}
          <Panel id="examples" title="Examples" className="panel-examples">
            <ExampleList />
          </Panel>
          <Panel id="editor" title="Program" className="panel-grow">
            <Suspense fallback={<div className="editor-host" data-testid="editor-loading" aria-busy="true" />}>
              <EditorPane />
            </Suspense>
          </Panel>
          <Panel id="console" title="Console">
            <ConsoleView />
          </Panel>
        </div>
        <Splitter />
        <div className="right">
          <div className="col">
            <Panel id="psw" title="PSW of every level">
              <PswView />
            </Panel>
            {/* Right under the PSWs: after "Step to next trap" it is the view to look at, and here it stays in sight at 1280x800. */}
            <Panel id="flow" title="Trap flow">
              <TrapFlow />
            </Panel>
            <Panel id="regs" title="Registers">
              <Registers />
            </Panel>
            <Panel id="memmap" title="Relocation bounds (physical memory map)">
              <MemoryMap />
            </Panel>
          </div>
          <div className="col">
            <Panel id="memory" title="Memory" className="panel-mem">
              <MemoryTable />
            </Panel>
            <Panel id="props" title="The VMM's three properties">
              <PropertiesPanel />
            </Panel>
            <Panel id="log" title="Trap log" extra={<TrapLogExport />}>
              <TrapLog />
            </Panel>
            <Panel id="chart" title="Native vs trapped" extra={<StatsExport />}>
              <RatioChart />
              <DepthChart />
            </Panel>
          </div>
        </div>
      </main>
      </>}
      {/* The status line speaks of the workbench's machine; on a lab tab it would describe something not on screen. */}
      {labView === 'workbench' && <StatusBar />}
      <UndoToast />
      <Tour />
    </div>
  );
}
