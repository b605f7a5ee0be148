/**
 * The ISA lab: choose or write an ISA (preset, variant toggles, an ISA file, a new instruction), and see live
 * what the classifier finds — the classes with their witnesses, the Venn diagram, and Theorems 1–3 as
 * sufficient conditions. A broken ISA file shows its errors in place and keeps the last good result on screen.
 */
import { useEffect, useMemo, useState } from 'react';
import { create } from 'zustand';
import type { Classification, InstructionClass } from '../../core/classify/classify';
import type { Counterexample } from '../../core/classify/counterexample';
import type { GuestModeVerdict } from '../../core/classify/assist';
import { PRESETS } from '../../core/isa/isa';
import { parseEffect } from '../../core/isa/effect';
import { OPERAND_SHAPES, parseIsaFile, type IsaFileError } from '../../core/isa/isafile';
import { BASE_INSTRUCTIONS } from '../../core/isa/table';
import { setIsaText, useIsaText } from '../isa';
import { replaceWorkspace } from '../loader';
import { classifyRuns } from '../../worker/client';
import { freeOpcode, presetText, readDoc, removeInstruction, setAssist, setVariant, upsertInstruction, variantIn } from './isadoc';
import { EFFECT_LANG, ISA_LANG, MonacoBox, type Marker } from './MonacoBox';
import { Venn } from './Venn';
import { WitnessView } from './Witness';
import { pickPreset, PresetOptions } from './PresetPick';
import { Card } from './Card';

interface ClassState {
  result: Classification | null;
  /** The classifier's diverging programs for each violator of Theorems 1 and 3 (proved with equiv). */
  counterexamples: Counterexample[];
  /** Theorem 1's condition relative to guest mode (an ISA with hardware assist; null without). */
  guestMode: GuestModeVerdict | null;
  /** The ISA file text the result belongs to. */
  text: string;
  busy: boolean;
  error: string | null;
}
export const useClassification = create<ClassState>()(() => ({ result: null, counterexamples: [], guestMode: null, text: '', busy: false, error: null }));

/** Keeps the classification in step with the ISA file, off the page's thread, debounced. */
export function useLiveClassification(): void {
  const text = useIsaText();
  useEffect(() => {
    const st = useClassification.getState();
    if (!parseIsaFile(text).ok || (st.text === text && st.result)) {
      if (st.busy) useClassification.setState({ busy: false });
      return;
    }
    useClassification.setState({ busy: true });
    const t = window.setTimeout(() => {
      void classifyRuns.call((x) => x.classify(text)).then((r) => {
        if (!r) return;
        if (r.ok) useClassification.setState({ result: r.value.classification, counterexamples: r.value.counterexamples, guestMode: r.value.guestMode, text, busy: false, error: null });
        else useClassification.setState({ busy: false, error: r.message });
      });
    }, 250);
    return () => window.clearTimeout(t);
  }, [text]);
}

export const THEOREMS = [
  { key: 'theorem1', name: 'Theorem 1', cond: 'sensitive ⊆ privileged', concl: 'a VMM can be built' },
  { key: 'theorem2', name: 'Theorem 2', cond: 'Theorem 1’s condition, and a monitor without timing dependence', concl: 'the machine is recursively virtualizable' },
  { key: 'theorem3', name: 'Theorem 3', cond: 'user sensitive ⊆ privileged', concl: 'a hybrid VMM can be built' },
] as const;

export function Theorems({ c, stale }: { c: Classification; stale: boolean }) {
  return (
    <div className={`theorems${stale ? ' stale' : ''}`} data-testid="theorems">
      {THEOREMS.map((t) => {
        const v = c[t.key];
        return (
          <div
            key={t.key}
            className={`theorem ${v.holds ? 'holds' : v.violators.length ? 'fails' : 'notshown'}`}
            data-testid={t.key}
            data-holds={String(v.holds)}
            data-status={v.status}
          >
            <div className="theorem-head">
              <span className="badge">{v.holds ? 'condition holds (proved)' : v.violators.length ? 'condition fails (witness)' : 'condition not shown'}</span>{' '}
              <strong>{t.name}</strong>: {t.cond} ⇒ {t.concl}.
            </div>
            <div className="theorem-body">
              {v.holds ? (
                <>So for this ISA: {t.concl}.</>
              ) : v.violators.length ? (
                <>
                  Violators (with witnesses): <b>{v.violators.join(', ')}</b>
                  {v.unresolved.length ? <> ; not shown either way: {v.unresolved.join(', ')}</> : null}. The theorem then promises nothing for this ISA; a
                  sufficient condition that fails does not prove the opposite. The Equivalence view looks for a program that ends differently under the
                  monitor (there may be none).
                </>
              ) : (
                <>
                  Not shown: <b>{v.unresolved.join(', ')}</b> {v.unresolved.length > 1 ? 'are' : 'is'} not proved privileged, and the classifier could
                  neither prove {v.unresolved.length > 1 ? 'them' : 'it'} harmless nor find a witness. The theorem's guarantee is not established (nor
                  refuted).
                </>
              )}
            </div>
          </div>
        );
      })}
      <div className="theorem-note">All three are sufficient conditions, not “if and only if”.</div>
    </div>
  );
}

const COLS: [keyof InstructionClass, string][] = [
  ['privileged', 'privileged'],
  ['controlSensitive', 'control'],
  ['modeSensitive', 'mode'],
  ['locationSensitive', 'location'],
  ['userSensitive', 'user sens.'],
  ['sensitive', 'sensitive'],
];

const WITNESS_NAMES: [keyof InstructionClass['witnesses'], string][] = [
  ['privileged', 'Privilege'],
  ['controlSensitive', 'Control sensitive'],
  ['controlSensitiveUser', 'Control sensitive from user mode'],
  ['modeSensitive', 'Mode sensitive'],
  ['locationSensitive', 'Location sensitive'],
  ['locationSensitiveUser', 'Location sensitive in user mode'],
  ['innocuous', 'Innocuous'],
];

function ClassTable({ c, selected, onSelect }: { c: Classification; selected: string | null; onSelect(m: string): void }) {
  const [all, setAll] = useState(false);
  const rows = c.instructions.filter((i) => all || i.sensitive || i.privileged || i.unresolved || i.userUnresolved || selected === i.mnemonic);
  const sel = c.instructions.find((i) => i.mnemonic === selected) ?? null;
  const v1 = new Set(c.theorem1.violators);
  const v3 = new Set(c.theorem3.violators);
  return (
    <div className="classtable">
      <label className="inline">
        <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} /> show the innocuous, unprivileged instructions too
      </label>
      <table data-testid="class-table">
        <thead>
          <tr>
            <th>instruction</th>
            {COLS.map(([, h]) => (
              <th key={h}>{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((i) => (
            <tr
              key={i.mnemonic}
              data-testid={`class-${i.mnemonic}`}
              className={`${selected === i.mnemonic ? 'selected' : ''}${v1.has(i.mnemonic) || v3.has(i.mnemonic) ? ' violator' : ''}`}
              onClick={() => onSelect(i.mnemonic)}
            >
              <th>{i.mnemonic}</th>
              {COLS.map(([k]) => {
                // ● shown (a witness; for privilege, a proof), · proved not, ? not shown either way.
                const open =
                  k === 'privileged'
                    ? i.privilege === 'not shown'
                    : k === 'userSensitive'
                      ? i.userUnresolved
                      : k === 'sensitive'
                        ? i.unresolved
                        : i.notShown.includes(k === 'controlSensitive' ? 'control sensitive' : k === 'modeSensitive' ? 'mode sensitive' : 'location sensitive');
                return (
                  <td key={k} data-col={k} className={i[k] ? 'yes' : open ? 'unknown' : 'no'} title={open ? 'not shown either way' : undefined}>
                    {i[k] ? '●' : open ? '?' : '·'}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      {sel && (
        <div className="witnesses" data-testid="witnesses">
          <h4>
            Witnesses for {sel.mnemonic} <small>({sel.runs.toLocaleString('en')} executions run)</small>
          </h4>
          {sel.notShown.length > 0 && (
            <p className="muted" data-testid="not-shown">
              Not shown either way: {sel.notShown.join(', ')} (no witness among the states tried, and no proof from the dependence analysis).
            </p>
          )}
          {WITNESS_NAMES.map(([k, label]) => {
            const w = sel.witnesses[k];
            if (!w) return null;
            if (k === 'controlSensitiveUser' && sel.witnesses.controlSensitive === w) return null;
            if (k === 'locationSensitiveUser' && sel.witnesses.locationSensitive === w) return null;
            return <WitnessView key={k} w={w} title={k === 'privileged' ? `Privilege: ${sel.privilege}` : k === 'innocuous' ? 'Innocuous (proved)' : label} />;
          })}
        </div>
      )}
    </div>
  );
}

function isaMarkers(errors: readonly IsaFileError[]): Marker[] {
  return errors.map((e) => ({ line: e.line ?? 1, col: e.col ?? 1, message: e.message }));
}

function DefineInstruction({ text, onText }: { text: string; onText(t: string): void }) {
  const doc = readDoc(text);
  const [mn, setMn] = useState('SMSW');
  const [opcode, setOpcode] = useState(() => (typeof doc === 'string' ? 0x30 : freeOpcode(doc)));
  const [operands, setOperands] = useState('ra');
  const [priv, setPriv] = useState(false);
  const [effect, setEffect] = useState('ra = M;');
  const [msg, setMsg] = useState<string | null>(null);
  const parsed = useMemo(() => parseEffect(effect), [effect]);
  const markers: Marker[] = parsed.ok ? [] : [{ line: parsed.error.line, col: parsed.error.col, message: parsed.error.message }];
  const add = () => {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(mn)) return setMsg('The mnemonic must be a letter followed by letters, digits or _.');
    if (!parsed.ok) return setMsg(`The effect has an error: line ${parsed.error.line}, column ${parsed.error.col}: ${parsed.error.message}`);
    const t = upsertInstruction(text, { mnemonic: mn, opcode, operands, privileged: priv, effect });
    if (typeof t !== 'string') return setMsg(t.error);
    const check = parseIsaFile(t);
    if (!check.ok) return setMsg(check.errors.map((e) => e.message).join('; '));
    setMsg(null);
    onText(t);
  };
  const users = typeof doc === 'string' ? [] : doc.instructions;
  return (
    <div className="define" data-testid="define-form">
      <div className="form-row">
        <label>
          mnemonic <input data-testid="def-mnemonic" value={mn} onChange={(e) => setMn(e.target.value.toUpperCase())} size={8} />
        </label>
        <label>
          opcode <input data-testid="def-opcode" type="number" min={0} max={255} value={opcode} onChange={(e) => setOpcode(Number(e.target.value))} style={{ width: '5em' }} />
        </label>
        <label>
          operands{' '}
          <select data-testid="def-operands" value={operands} onChange={(e) => setOperands(e.target.value)}>
            {Object.keys(OPERAND_SHAPES).map((k) => (
              <option key={k} value={k}>
                {k === '' ? '(none)' : k}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input data-testid="def-privileged" type="checkbox" checked={priv} onChange={(e) => setPriv(e.target.checked)} /> privileged
        </label>
      </div>
      <div className="effect-label">effect (hover a word for help)</div>
      <MonacoBox value={effect} onChange={setEffect} language={EFFECT_LANG} markers={markers} height={90} testId="effect-editor" ariaLabel="Effect of the new instruction" />
      {!parsed.ok && (
        <div className="err" data-testid="effect-error">
          line {parsed.error.line}, column {parsed.error.col}: {parsed.error.message}
        </div>
      )}
      <button type="button" data-testid="def-add" onClick={add}>
        Add to the ISA
      </button>
      {msg && (
        <div className="err" data-testid="def-message">
          {msg}
        </div>
      )}
      {users.length > 0 && (
        <ul className="user-instrs">
          {users.map((u) => (
            <li key={String(u.mnemonic)}>
              <code>
                {String(u.mnemonic)} ({String(u.operands)}) 0x{Number(u.opcode).toString(16)} {u.privileged ? 'privileged' : ''}: {String(u.effect)}
              </code>{' '}
              <button
                type="button"
                className="ghost"
                onClick={() => {
                  const t = removeInstruction(text, String(u.mnemonic));
                  if (typeof t === 'string') onText(t);
                }}
              >
                remove
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * Hardware assist (beyond 1974): a guest mode in which every sensitive instruction exits to the monitor, like
 * VT-x non-root mode. The toggle rewrites the ISA file's `assist` field, so the ISA in force changes like with
 * any other toggle (the workbench reboots on it, the classifier and links follow).
 */
function AssistToggle({ text, onText }: { text: string; onText(t: string): void }) {
  const doc = readDoc(text);
  const [msg, setMsg] = useState<string | null>(null);
  if (typeof doc === 'string') return null;
  return (
    <div className="assist-toggle">
      <label title="Adds a guest mode (VT-x, AMD-V, 2005–06): a monitor runs its guest in it, and every sensitive instruction exits to the monitor (cause 7 EXIT) whatever its user-mode variant. The workbench's assist monitor needs it.">
        <input
          type="checkbox"
          data-testid="assist-toggle"
          checked={doc.assist === true}
          onChange={(e) => {
            const t = setAssist(text, e.target.checked);
            if (typeof t === 'string') {
              setMsg(null);
              onText(t);
            } else setMsg(t.error);
          }}
        />{' '}
        hardware assist (guest mode)
      </label>
      {msg && <div className="err">{msg}</div>}
    </div>
  );
}

/** Theorem 1's condition relative to guest mode, as the classifier found it by running every instruction in guest mode. */
function GuestMode({ v, stale }: { v: GuestModeVerdict | null; stale: boolean }) {
  if (!v) {
    return (
      <div className="muted small" data-testid="guest-mode" data-holds="none">
        No guest mode on this ISA: turn on <b>hardware assist</b> to see Theorem 1’s condition relative to it.
      </div>
    );
  }
  return (
    <div className={`theorem ${v.holds ? 'holds' : 'fails'}${stale ? ' stale' : ''}`} data-testid="guest-mode" data-holds={String(v.holds)}>
      <div className="theorem-head">
        <span className="badge">{v.holds ? 'condition restored (proved by running)' : 'condition fails in guest mode'}</span> <strong>Theorem 1 relative to guest mode</strong>: sensitive ⊆ exits in guest mode ⇒ the
        assist monitor can be built.
      </div>
      <div className="theorem-body">
        {v.explanation}
        {v.exits.length > 0 && (
          <>
            {' '}
            Exit in guest mode: <b data-testid="guest-mode-exits">{v.exits.join(', ')}</b>.
          </>
        )}
      </div>
    </div>
  );
}

function VariantToggles({ text, onText }: { text: string; onText(t: string): void }) {
  const doc = readDoc(text);
  const [msg, setMsg] = useState<string | null>(null);
  if (typeof doc === 'string') return <div className="muted">{doc}</div>;
  const sensitive = BASE_INSTRUCTIONS.filter((d) => d.variants);
  return (
    <table className="variants" data-testid="variants">
      <tbody>
        {sensitive.map((d) => {
          const cur = variantIn(doc, d.mnemonic);
          return (
            <tr key={d.mnemonic}>
              <th title={d.doc}>{d.mnemonic}</th>
              <td>
                {d.variants!.map((v) => (
                  <label key={v} className={`variant-opt${cur === v ? ' on' : ''}`} title={v === 'open' ? d.openDoc : undefined}>
                    <input
                      type="radio"
                      name={`variant-${d.mnemonic}`}
                      data-testid={`variant-${d.mnemonic}-${v}`}
                      checked={cur === v}
                      onChange={() => {
                        const t = setVariant(text, d.mnemonic, v);
                        if (typeof t === 'string') {
                          setMsg(null);
                          onText(t);
                        } else setMsg(t.error);
                      }}
                    />
                    {v}
                  </label>
                ))}
              </td>
            </tr>
          );
        })}
        {msg && (
          <tr>
            <td colSpan={2} className="err">
              {msg}
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}

export function IsaLab() {
  const text = useIsaText();
  const { result, guestMode, busy, text: classifiedText, error } = useClassification();
  const parsed = useMemo(() => parseIsaFile(text), [text]);
  const [selected, setSelected] = useState<string | null>('GETMODE');
  const doc = readDoc(text);
  const base = typeof doc === 'string' ? null : doc.base;
  const setText = (t: string) => {
    // The workspace's one ISA: the workbench, the editor and every lab view follow it (../isa.ts).
    setIsaText(t);
  };
  const stale = !parsed.ok || classifiedText !== text;
  const openFile = async (f: File | undefined) => {
    if (!f) return;
    const t = await f.text();
    replaceWorkspace(`Opened the ISA file ${f.name}`, () => setText(t));
  };
  return (
    <div className="lab-isa" data-testid="isa-lab">
      <div className="lab-col">
        <Card title="ISA">
          <div className="form-row">
            <label>
              preset{' '}
              <select
                data-testid="preset"
                value={base && typeof doc !== 'string' && text === presetText(base) ? base : ''}
                onChange={(e) => pickPreset(e.target.value, setText)}
              >
                <option value="">(modified)</option>
                <PresetOptions />
              </select>
            </label>
            <label className="file-btn">
              Open ISA file… <input type="file" accept=".json,application/json" data-testid="isa-file-input" onChange={(e) => void openFile(e.target.files?.[0])} />
            </label>
          </div>
          {base && <p className="muted">{text === presetText(base) ? `${base}: ${PRESETS[base].teaches}` : `Based on ${base}, with changes.`}</p>}
        </Card>
        <Card title="User-mode variant of each sensitive instruction">
          <VariantToggles text={text} onText={setText} />
          <AssistToggle text={text} onText={setText} />
        </Card>
        <Card title="Define an instruction">
          <DefineInstruction text={text} onText={setText} />
        </Card>
        <Card title="ISA file">
          <MonacoBox value={text} onChange={(t) => setText(t)} language={ISA_LANG} markers={parsed.ok ? [] : isaMarkers(parsed.errors)} height={220} testId="isa-editor" ariaLabel="ISA file" />
          {!parsed.ok && (
            <ul className="errors" data-testid="isa-errors">
              {parsed.errors.map((e, i) => (
                <li key={i}>
                  {e.line ? `line ${e.line}, column ${e.col}: ` : ''}
                  {e.path ? <code>{e.path}</code> : null} {e.message}
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
      <div className="lab-col">
        {(busy || stale) && (
          <div className="banner" data-testid="class-status">
            {!parsed.ok
              ? 'The ISA file has errors: showing the classification of the last good ISA.'
              : busy
                ? 'Classifying… (running every instruction from many states)'
                : error ?? ''}
          </div>
        )}
        {result ? (
          <>
            <Card
              title={
                <>
                  Theorems for <code data-testid="classified-isa">{result.isa}</code>
                </>
              }
            >
              <Theorems c={result} stale={stale} />
              <GuestMode v={guestMode} stale={stale} />
            </Card>
            <Card title="Privileged, sensitive, user sensitive">
              <Venn classes={result.instructions} onPick={setSelected} />
            </Card>
            <Card title="Classification (click a row for its witnesses)">
              <ClassTable c={result} selected={selected} onSelect={setSelected} />
            </Card>
          </>
        ) : (
          <div className="muted">Classifying…</div>
        )}
      </div>
    </div>
  );
}
