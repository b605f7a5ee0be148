/**
 * The workspace in a link. DOM-free: the views call `encodeWorkspace` to build a fragment and `decodeFragment`
 * to read one; applying the result to the stores is the caller's business, so a refused link cannot touch
 * anything the user had.
 *
 * Format: `#pglab/<version>/<lz-string payload>`, the payload being the JSON of a Workspace (which repeats the
 * version, so a payload pasted under another tag is caught too). The tag is outside the compressed part so a
 * newer link is recognised as newer, not as garbage, even if its payload format changed completely.
 */
import { MAX_DEPTH, MONITOR_CHOICES, isMonitorChoice, type MonitorChoice } from '../../core/vmm/kinds';
import { compressToEncodedURIComponent, decompressFromEncodedURIComponent } from 'lz-string';

export const SHARE_VERSION = 1;
export const SHARE_PREFIX = 'pglab';

export const VIEWS = ['workbench', 'isa', 'equiv', 'recursion', 'lessons'] as const;
export type LabView = (typeof VIEWS)[number];
export type Monitor = MonitorChoice;

/** Everything a link carries. `isaFile` is the ISA file's text (JSON), exactly as the user wrote it. */
export interface Workspace {
  v: number;
  program: string;
  isaFile: string;
  monitor: Monitor;
  depth: number;
  /** Memory size: q bare, the VM size w under a monitor. */
  w: number;
  input: string;
  view: LabView;
  /** The full monitor serves hypercalls (paravirtualization). Absent in links made before it existed: off. */
  hypercalls?: boolean;
}

export type DecodeResult =
  | { kind: 'none' }
  | { kind: 'ok'; workspace: Workspace }
  | { kind: 'refused'; reason: 'foreign' | 'damaged' | 'newer'; message: string };

/** Links are typed into chat windows and address bars; beyond this a browser or server may cut them. */
export const MAX_FRAGMENT = 64_000;
const MAX_TEXT = 200_000;

export function encodeWorkspace(ws: Workspace): string {
  const body = JSON.stringify({ ...ws, v: SHARE_VERSION });
  return `#${SHARE_PREFIX}/${SHARE_VERSION}/${compressToEncodedURIComponent(body)}`;
}

/** A full link: the page's address without its fragment, plus the workspace. */
export function shareUrl(location: string, ws: Workspace): string {
  const i = location.indexOf('#');
  return (i < 0 ? location : location.slice(0, i)) + encodeWorkspace(ws);
}

function refuse(reason: 'foreign' | 'damaged' | 'newer', message: string): DecodeResult {
  return { kind: 'refused', reason, message };
}

/** Reads a fragment (with or without its `#`). An empty fragment is `none`: nothing to do, nothing to say. */
export function decodeFragment(fragment: string): DecodeResult {
  const f = fragment.startsWith('#') ? fragment.slice(1) : fragment;
  if (f.trim() === '') return { kind: 'none' };
  const parts = f.split('/');
  if (parts[0] !== SHARE_PREFIX || parts.length < 3) {
    return refuse('foreign', 'This link does not hold a PG Lab workspace (it should start with #pglab/). Nothing was changed.');
  }
  const vs = parts[1];
  if (!/^\d{1,6}$/.test(vs)) {
    return refuse('damaged', `This link's version tag "${vs.slice(0, 20)}" is not a number: the link is damaged. Nothing was changed.`);
  }
  const version = Number(vs);
  if (version > SHARE_VERSION) {
    return refuse(
      'newer',
      `This link was made by a newer PG Lab (workspace format ${version}); this page reads format ${SHARE_VERSION}. ` +
        'Open it with the newer version. Nothing was changed.',
    );
  }
  if (version < 1) return refuse('damaged', `Workspace format ${version} never existed: the link is damaged. Nothing was changed.`);
  const payload = parts.slice(2).join('/');
  if (payload.length > MAX_FRAGMENT) return refuse('damaged', 'This link is too long to be a PG Lab workspace. Nothing was changed.');
  let text: string | null;
  try {
    text = decompressFromEncodedURIComponent(payload);
  } catch {
    text = null;
  }
  if (!text) return refuse('damaged', 'This link is damaged (it does not decompress; was it cut short?). Nothing was changed.');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return refuse('damaged', 'This link is damaged (its contents are not valid JSON). Nothing was changed.');
  }
  const problem = validate(data, version);
  if (typeof problem === 'string') return refuse('damaged', `This link is damaged: ${problem}. Nothing was changed.`);
  return { kind: 'ok', workspace: problem };
}

function validate(d: unknown, version: number): Workspace | string {
  if (typeof d !== 'object' || d === null || Array.isArray(d)) return 'its contents are not a workspace';
  const o = d as Record<string, unknown>;
  if (o.v !== version) return `it says format ${String(o.v)} inside and ${version} outside`;
  const str = (k: string): string | null => (typeof o[k] === 'string' && (o[k]).length <= MAX_TEXT ? (o[k]) : null);
  const program = str('program');
  if (program === null) return 'the program is missing';
  const isaFile = str('isaFile');
  if (isaFile === null) return 'the ISA file is missing';
  const input = str('input');
  if (input === null) return 'the console input is missing';
  if (!isMonitorChoice(o.monitor)) return `"${String(o.monitor)}" is not a monitor (${MONITOR_CHOICES.join(', ')})`;
  if (!Number.isInteger(o.depth) || (o.depth as number) < 0 || (o.depth as number) > MAX_DEPTH) return `the nesting depth must be 0 to ${MAX_DEPTH}`;
  if (!Number.isInteger(o.w) || (o.w as number) < 64 || (o.w as number) > 1_048_576) return 'the memory size must be 64 to 1048576';
  if (!(VIEWS as readonly unknown[]).includes(o.view)) return `"${String(o.view)}" is not a view of this lab`;
  if (o.hypercalls !== undefined && typeof o.hypercalls !== 'boolean') return 'the hypercalls flag must be true or false';
  return {
    v: version,
    program,
    isaFile,
    input,
    monitor: o.monitor,
    depth: o.depth as number,
    w: o.w as number,
    view: o.view as LabView,
    ...(o.hypercalls === true ? { hypercalls: true } : {}),
  };
}
