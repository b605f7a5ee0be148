/**
 * The workloads of `npm run bench` (bench/workloads/*.s, each described in its own header comment): read,
 * assembled with the `pg1` preset, and booted bare or under a monitor. Every workload has a word labelled
 * `size` (its iteration count, large by default so that the bench stops it by its step budget); tests
 * overwrite it to run a workload to its HALT.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { assemble } from '../src/core/asm/assembler';
import { presetIsa } from '../src/core/isa/isa';
import type { Image } from '../src/core/machine/machine';

/** Memory of a bare run, and the VM size under a monitor: the workloads' PSWs assume it. */
export const WORKLOAD_Q = 16384;

export const WORKLOADS = ['tight', 'memory', 'sort', 'branches', 'svc', 'smc', 'kernel'] as const;
export type WorkloadName = (typeof WORKLOADS)[number];

const dir = path.join(path.dirname(new URL(import.meta.url).pathname), 'workloads');

/** The workload's image; with `size`, its `size` word replaced (a run of that many iterations). */
export function workloadImage(name: WorkloadName, size?: number, root = dir): Image {
  const file = path.join(root, `${name}.s`);
  const r = assemble(readFileSync(file, 'utf8'), presetIsa('pg1'));
  if (!r.ok) throw new Error(`${file}: ${r.errors.map((e) => `${e.line}:${e.col}: ${e.message}`).join('; ')}`);
  if (size === undefined) return r.image;
  const at = r.symbols.get('size');
  if (at === undefined) throw new Error(`${file}: no label 'size'`);
  return { entry: r.image.entry, words: r.image.words.map(([a, w]) => [a, a === at ? size : w] as const) };
}
