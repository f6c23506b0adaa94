/**
 * `npm run check -- <file>` on input with findings (issue 19: at least 10,000 objects/s on one
 * core): one file of 20,000 Deployments as the yaml library writes them, each with three findings
 * (an untagged image, no probes, no resources: warnings, so the command exits 0). Rows: the
 * command as users run it (a fresh process: start-up, reading, checks, sorting, the text report),
 * and in this process the same work with the file read by the block reader
 * (lib/model/block-yaml.ts) and by the yaml library alone, as every file was read before it.
 *
 * Part of `npm run bench`; alone: `node --import tsx bench/check-findings.ts [<runs>]` (default 3).
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { checkObjects } from '../lib/checks/index.js';
import { parseManifests } from '../lib/checks/manifests.js';
import { locateFindings, textReport } from '../lib/checks/report.js';
import { writeProject } from './fleet.js';
import { measure, npmRun } from './process.js';
import { ratio, rowsTable, seconds, summarize, type Row, type Summary } from './stats.js';

/** Objects in the file (the size). */
export const FINDINGS_OBJECTS = 20_000;
const NAMESPACE = 'bench';

/** `n` Deployments, each with an untagged image and no probes or resources, in one multi-document file. */
export function findingsManifest(n: number): string {
  const docs: string[] = [];
  for (let i = 0; i < n; i++) {
    const name = `app-${i}`;
    const labels = () => ({ app: name });
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: NAMESPACE, labels: labels() },
      spec: {
        replicas: 2,
        selector: { matchLabels: labels() },
        template: {
          metadata: { labels: labels() },
          spec: { containers: [{ name: 'app', image: 'nginx', ports: [{ containerPort: 8080 }] }] },
        },
      },
    };
    docs.push(stringify(deployment));
  }
  return docs.join('---\n');
}

/** Reading, checking, placing, sorting and reporting in this process; the number of findings. */
function inProcess(text: string, blockReader: boolean): number {
  const manifests = parseManifests([{ file: 'm.yaml', text }], { blockReader });
  const findings = checkObjects(manifests.objects, { existingNamespaces: [NAMESPACE] }).findings;
  const located = locateFindings(findings, (f) => manifests.locate(f));
  textReport(located, manifests.objects.length);
  return located.length;
}

function timed(text: string, blockReader: boolean, runs: number): Summary {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    inProcess(text, blockReader);
    samples.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  return summarize(samples);
}

/** The rows, and the ratio of the yaml library's reading to the block reader's, in this process. */
export async function checkFindingsRows(repo: string, runs: number): Promise<{ rows: Row[]; ratio: number }> {
  const n = FINDINGS_OBJECTS;
  const text = findingsManifest(n);
  const project = writeProject(repo, new Map(), 'check-findings');
  const label = `check -- <file>, ${n.toLocaleString('en-US')} Deployments with findings`;
  const rows: Row[] = [];
  try {
    writeFileSync(join(project, 'm.yaml'), text);
    const command = npmRun('check', project, ['--namespace-exists', NAMESPACE, 'm.yaml']);
    await measure(command); // warm-up: the bundle of check
    const samples = [];
    for (let i = 0; i < runs; i++) samples.push(await measure(command));
    const time = summarize(samples.map((s) => s.seconds));
    rows.push({
      name: `${label}: npm run check`,
      objects: n,
      seconds: time,
      peakRss: summarize(samples.map((s) => s.peakRss)),
      objectsPerSecond: n / time.median,
    });
    process.stderr.write(`  ${rows[0].name}: ${seconds(time.median)}\n`);
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
  // warm-up: the validators are compiled on first use
  inProcess(findingsManifest(10), true);
  const block = timed(text, true, runs);
  const yaml = timed(text, false, runs);
  rows.push(
    { name: `${label}: block reader (in process)`, objects: n, seconds: block, objectsPerSecond: n / block.median },
    { name: `${label}: yaml library (in process)`, objects: n, seconds: yaml, objectsPerSecond: n / yaml.median },
  );
  return { rows, ratio: yaml.median / block.median };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { rows, ratio: r } = await checkFindingsRows(fileURLToPath(new URL('..', import.meta.url)), Number(process.argv[2] ?? 3));
  process.stdout.write(rowsTable(rows));
  process.stdout.write(`check with findings, in process: yaml library / block reader: ${ratio(r)}\n`);
}
