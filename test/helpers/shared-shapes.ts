/**
 * Run as `node --allow-natives-syntax --import tsx test/helpers/shared-shapes.ts`: renders a stage
 * of three demoapp instances and prints, as JSON, how many objects under the apps' containers have
 * the same keys as the first app's object in the same place (`pairs`), and how many of those V8
 * gave another hidden class (`different`). See `plainCopy` in lib/synth/chart-objects.ts.
 */
import { loadStage } from '../../lib/compile.js';
import { renderStage } from '../../lib/synth/render.js';
import { STACKS } from '../../apps/index.js';
import type { Stack } from '../../lib/stack.js';

const app = (name: string) => `  ${name}:
    stack: demoapp
    image: demoapp:1
    replicas: 2
    probes:
      liveness: { http: { path: /healthz }, periodSeconds: 10 }
      readiness: { http: { path: /ready }, periodSeconds: 5 }
    resources:
      requests: { cpu: 250m, memory: 512Mi }
      limits: { cpu: "1", memory: 1Gi }
    config: { LOG_LEVEL: info }
    database:
      image: mysql:8.0
      storage: 2Gi
      secret: { keys: [username, password, database] }
      backup: { schedule: "0 2 * * *", storage: 2Gi }
`;
const text = `apps:\n${['one', 'two', 'three'].map(app).join('')}`;
const loaded = loadStage({ stage: 'dev', file: 'environments/dev.yaml', text });
const rendered = renderStage(loaded, STACKS as unknown as Record<string, Stack>, '0.0.0');
const sameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;
let pairs = 0;
let different = 0;
const walk = (a: unknown, b: unknown, inContainer: boolean): void => {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (Array.isArray(a) && Array.isArray(b)) for (const [i, x] of a.entries()) walk(x, b[i], inContainer);
    return;
  }
  if (inContainer && Object.keys(a).join() === Object.keys(b).join()) {
    pairs++;
    if (!sameMap(a, b)) different++;
  }
  const r = b as Record<string, unknown>;
  for (const [k, v] of Object.entries(a)) walk(v, r[k], inContainer || k === 'containers');
};
const [, first, ...others] = rendered.charts;
for (const chart of others) for (const [i, o] of first.objects.entries()) walk(o, chart.objects[i], false);
process.stdout.write(JSON.stringify({ pairs, different }));
