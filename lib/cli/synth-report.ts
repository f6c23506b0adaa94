/**
 * What `npm run synth` says of each stage: the report of a stage compiled now (its written files,
 * image substitutions, exceptions and warnings, summarized per check unless --verbose), and a kept
 * stage's record with the warnings that depend on the other stages placed again.
 */
import { exceptionLines, type Finding } from '../checks/finding.js';
import { placedProblems } from '../checks/manifests.js';
import { isPlacedAcrossStages } from '../edge/across-stages.js';
import type { Problem } from '../errors.js';
import { describeObject } from '../model/object.js';
import type { RenderedStage } from '../synth/rendered.js';
import type { StageReport } from './fast.js';
import type { StageRecord } from './fingerprint.js';
import { writtenLines, type WrittenStage } from './output.js';
import type { Compiled } from './project.js';

/** How many objects a summary line names before it says `and N more`. */
const NAMED_IN_SUMMARY = 3;

/** One warning problem per check and stage, counting the objects: `lab: warning: policy/probes on 3 objects (...)`. */
export function warningSummary(stage: string, warnings: readonly Finding[]): Problem[] {
  const byCode = new Map<string, Finding[]>();
  for (const w of warnings) {
    const found = byCode.get(w.code);
    if (found) found.push(w);
    else byCode.set(w.code, [w]);
  }
  return [...byCode.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([code, found]) => {
      const objects = [...new Set(found.map((f) => describeObject(f.object)))];
      const named =
        objects.slice(0, NAMED_IN_SUMMARY).join(', ') +
        (objects.length > NAMED_IN_SUMMARY ? `, and ${objects.length - NAMED_IN_SUMMARY} more` : '');
      const n = found.length;
      return {
        code,
        severity: 'warning',
        subject: stage,
        message: `${code}: ${n} warning${n === 1 ? '' : 's'} on ${objects.length} object${objects.length === 1 ? '' : 's'} (${named}), e.g. ${found[0].message}`,
      } satisfies Problem;
    });
}

export function compiledReport(s: RenderedStage, written: WrittenStage, compiled: Compiled): StageReport {
  const name = s.stage.name;
  let stdout = '';
  for (const sub of written.images) {
    stdout += `  ${s.stage.architecture} image: ${sub.from} -> ${sub.to} (${sub.object}, container ${sub.container})\n`;
  }
  const result = compiled.checks.get(name);
  for (const l of exceptionLines(result?.exceptions ?? [])) stdout += `  ${l}\n`;
  for (const l of compiled.allowedSecrets.get(name) ?? []) stdout += `  ${l}\n`;
  const warnings = (result?.findings ?? []).filter((f) => f.severity === 'warning');
  // warnings about the stage file's own settings are few and placed: each printed as it is, with or without --verbose
  // (those of the comparison across stages first, as `comparedAgain` puts them in a kept stage's record)
  const own = [...(compiled.acrossStages.get(name) ?? []), ...(compiled.warnings.get(name) ?? [])];
  const summary = [...own, ...warningSummary(name, warnings)];
  return {
    stage: name,
    head: writtenLines(written)
      .map((l) => `${l}\n`)
      .join(''),
    record: {
      objects: written.objects,
      files: written.files,
      stdout,
      summary,
      warnings: own.length + warnings.length,
      ...compiled.declarations.get(name)!,
    },
    verbose: [...own, ...placedProblems(warnings, s.stage)],
  };
}

/**
 * A kept stage's record with the warnings of the comparison across stages placed at it as they are
 * now (`fresh`, `Compiled.acrossStages`): they depend on the other stages, which may have changed
 * since the record was written (another stage's edge now named by IP address, or no longer).
 */
export function comparedAgain(record: StageRecord, fresh: readonly Problem[] = []): StageRecord {
  const others = record.summary.filter((p) => !isPlacedAcrossStages(p));
  const warnings = record.warnings - (record.summary.length - others.length) + fresh.length;
  return { ...record, summary: [...fresh, ...others], warnings };
}
