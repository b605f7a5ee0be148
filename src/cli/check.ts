import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { classify, type Classification, type TheoremVerdict } from '../core/classify/classify';
import { counterexamples, type Counterexample } from '../core/classify/counterexample';
import { guestModeVerdict, type GuestModeVerdict } from '../core/classify/assist';
import { CliError, EXIT, loadIsa, parseArgs, type Command } from './options';

/**
 * `pglab check [--isa P|F.json] [--json] [--programs DIR]` (PG1.md §10): classifies every instruction (§7)
 * from the semantics, with witnesses, and gives the verdicts of Theorems 1–3 — each a sufficient condition.
 * With --programs, also finds a counterexample program for each violator, proves it with equiv, and writes it.
 */
export const command: Command = {
  usage: 'pglab check [--isa P|F.json] [--json] [--programs DIR]',
  summary: 'classify every instruction (privileged, sensitive, innocuous) with witnesses; Theorems 1-3',
  run(args, io) {
    const p = parseArgs('check', args, { isa: 'value', json: 'flag', programs: 'value' });
    if (p.flags.has('help')) {
      io.stdout(
        `usage: ${command.usage}\n` +
          '  --isa P|F.json   a preset (pg1, pdp10, x86, lra) or an ISA file; default pg1\n' +
          '  --json           one JSON object on stdout\n' +
          '  --programs DIR   write a counterexample program (.s) for each violator of Theorems 1 and 3 into DIR\n',
      );
      return EXIT.OK;
    }
    if (p.positional.length) throw new CliError(`'pglab check' takes no FILE argument, got ${p.positional.join(' ')} (use --isa F.json for an ISA file)`);
    const spec = p.values.get('isa');
    const isa = loadIsa(spec, io);
    const cls = classify(isa);
    // Hardware assist: Theorem 1's condition relative to guest mode, an extra key beside §10's.
    const guest = guestModeVerdict(isa, cls);
    const dir = p.values.get('programs');
    let cex: Counterexample[] | null = null;
    const written = new Map<Counterexample, string>();
    if (dir !== undefined) {
      cex = counterexamples(isa, cls, { isaSpec: spec ?? 'pg1' });
      try {
        mkdirSync(dir, { recursive: true });
        for (const c of cex) {
          if (!c.source) continue;
          const f = path.join(dir, c.file);
          writeFileSync(f, c.source);
          written.set(c, f);
        }
      } catch (e) {
        throw new CliError(`cannot write programs into ${dir}: ${(e as Error).message}`);
      }
    }
    if (p.flags.has('json')) {
      const out: Record<string, unknown> = {
        isa: cls.isa,
        instructions: cls.instructions.map((c) => ({
          mnemonic: c.mnemonic,
          privileged: c.privileged,
          controlSensitive: c.controlSensitive,
          modeSensitive: c.modeSensitive,
          locationSensitive: c.locationSensitive,
          behaviourSensitive: c.behaviourSensitive,
          userSensitive: c.userSensitive,
          innocuous: c.innocuous,
          unresolved: c.unresolved,
          witness: c.witness,
          witnesses: c.witnesses,
        })),
        theorem1: verdict(cls.theorem1),
        theorem2: verdict(cls.theorem2),
        theorem3: verdict(cls.theorem3),
      };
      if (guest) out.guestMode = guest;
      if (cex) {
        out.counterexamples = cex.map((c) => ({
          mnemonic: c.mnemonic,
          theorem: c.theorem,
          monitor: c.monitor,
          file: written.get(c) ?? null,
          explanation: c.explanation,
          divergence: c.divergence,
        }));
      }
      io.stdout(JSON.stringify(out) + '\n');
      return EXIT.OK;
    }
    io.stdout(table(cls, cex, written, guest));
    return EXIT.OK;
  },
};

function verdict(v: TheoremVerdict): Record<string, unknown> {
  return { holds: v.holds, violators: v.violators, unresolved: v.unresolved, status: v.status, statement: v.statement, explanation: v.explanation };
}

function table(cls: Classification, cex: Counterexample[] | null, written: Map<Counterexample, string>, guest: GuestModeVerdict | null): string {
  const cols = ['privileged', 'control', 'mode', 'location', 'behaviour', 'user', 'innocuous'] as const;
  const width = Math.max(13, ...cls.instructions.map((c) => c.mnemonic.length + 2));
  const lines: string[] = [];
  lines.push(`ISA ${cls.isa}: ${cls.instructions.length} instructions, ${cls.runs} executions, ${cls.ms.toFixed(0)} ms`);
  lines.push('');
  lines.push('instruction'.padEnd(width) + cols.map((c) => c.padEnd(11)).join('').trimEnd());
  for (const c of cls.instructions) {
    // yes = shown (a witness, or for privilege and innocuous a proof); - = proved not; ? = not shown either way.
    const open = (k: string): boolean => c.notShown.includes(k);
    const cell = (yes: boolean, unknown: boolean): string => (yes ? 'yes' : unknown ? '?' : '-');
    const v = [
      cell(c.privileged, c.privilege === 'not shown'),
      cell(c.controlSensitive, open('control sensitive')),
      cell(c.modeSensitive, open('mode sensitive')),
      cell(c.locationSensitive, open('location sensitive')),
      cell(c.behaviourSensitive, open('mode sensitive') || open('location sensitive')),
      cell(c.userSensitive, c.userUnresolved),
      cell(c.innocuous, c.unresolved),
    ];
    lines.push(c.mnemonic.padEnd(width) + v.map((x) => x.padEnd(11)).join('').trimEnd());
  }
  lines.push('(yes: shown, by a witness or for privileged/innocuous by a proof; -: proved not; ?: not shown either way)');
  lines.push('', 'Witnesses (privileged, sensitive or unresolved instructions):');
  for (const c of cls.instructions) if (c.privileged || c.sensitive || c.unresolved || c.userUnresolved || c.privilege === 'not shown') lines.push(`  ${c.mnemonic}: ${c.witness}`);
  lines.push('');
  const t = (name: string, v: TheoremVerdict): void => {
    const status =
      v.status === 'holds'
        ? 'condition holds (proved)'
        : v.status === 'fails'
          ? `condition fails (witnesses: ${v.violators.join(', ')})${v.unresolved.length ? `; not shown: ${v.unresolved.join(', ')}` : ''}`
          : `condition not shown (unresolved: ${v.unresolved.join(', ')})`;
    lines.push(`${name}: ${status}`);
    lines.push(`  ${v.statement}`);
    lines.push(`  ${v.explanation}`);
  };
  t('Theorem 1', cls.theorem1);
  t('Theorem 2', cls.theorem2);
  t('Theorem 3', cls.theorem3);
  if (guest) {
    lines.push(`Theorem 1 relative to guest mode (hardware assist): ${guest.holds ? 'condition holds' : `condition fails (violators: ${guest.violators.join(', ')})`}`);
    lines.push(`  ${guest.explanation}`);
  }
  if (cex) {
    lines.push('', 'Counterexample programs:');
    if (!cex.length) lines.push('  none needed: no theorem has a violator');
    for (const c of cex) {
      const f = written.get(c);
      lines.push(`  Theorem ${c.theorem}, ${c.mnemonic} (${c.monitor} monitor): ${f ? `wrote ${f}` : 'no program'}`);
      lines.push(`    ${c.explanation}`);
    }
  }
  return lines.join('\n') + '\n';
}
