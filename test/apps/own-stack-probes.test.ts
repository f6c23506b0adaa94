import { App, Chart } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { STACKS } from '../../apps/index.js';
import { AppDeployment } from '../../lib/constructs/app-deployment.js';
import { StageLoader } from '../../lib/config/load.js';
import { ImageRef, Settings, Type } from '../../lib/config/types.js';
import { Probe, probesProblems } from '../../lib/config/workload.js';
import { ProblemsError, formatProblem } from '../../lib/errors.js';
import { defineStack, imageVersion } from '../../lib/stack.js';

// a stack of a team's own, as README's "Your own stack" says to build one: probes from lib/config/workload.ts
const probed = defineStack({
  name: 'probed',
  settings: Settings({
    image: ImageRef({ description: 'The image.' }),
    probes: Type.Optional(Settings({ readiness: Probe('Takes the pod out of the Service while it fails. @default - none') })),
  }),
  version: (s) => imageVersion(s.image),
  // the container's one port is AppDeployment's, named http
  refine: (s) => probesProblems(s.probes, ['probes'], { names: ['http'], at: ['port'], fixed: true }),
  chart(app, name, s) {
    const chart = new Chart(app, name, { disableResourceNameHashes: true });
    new AppDeployment(chart, 'deployment', {
      name,
      image: s.image,
      version: imageVersion(s.image),
      selector: { name },
      replicas: 1,
      port: 6379,
      probes: s.probes,
    });
    return chart;
  },
});

const loader = new StageLoader({ ...STACKS, probed });
const problems = (probe: string): string[] => {
  try {
    loader.load(
      ['apps:', '  probed:', '    image: team/kv:1', `    probes: { readiness: ${probe} }`, ''].join('\n'),
      'environments/x.yaml',
    );
  } catch (e) {
    if (e instanceof ProblemsError) return e.problems.map(formatProblem);
    throw e;
  }
  return [];
};

describe("a stack's own probes (Probe, probesProblems of lib/config/workload.ts)", () => {
  const hint =
    '  hint: e.g. `http: { path: /healthz }`, or `tcp: { port: <port> }` or `command: [redis-cli, ping]` for a service that does not speak HTTP';

  it('are refused at the probe, with the fix, when they have none of http, tcp and command or several (the chart threw at the app key)', () => {
    expect(problems('{ periodSeconds: 5 }')).toEqual([
      `environments/x.yaml:4:26: apps.probed.probes.readiness needs exactly one of http, tcp and command (found none)\n${hint}`,
    ]);
    expect(problems('{ http: { path: /ready }, command: [redis-cli, ping] }')).toEqual([
      `environments/x.yaml:4:26: apps.probed.probes.readiness needs exactly one of http, tcp and command (found http and command)\n${hint}`,
    ]);
    expect(problems('{ tcp: {}, command: [redis-cli, ping] }')).toEqual([
      `environments/x.yaml:4:26: apps.probed.probes.readiness needs exactly one of http, tcp and command (found tcp and command)\n${hint}`,
    ]);
  });

  it('pass with one of them', () => {
    expect(problems('{ command: [redis-cli, ping], periodSeconds: 5 }')).toEqual([]);
    expect(problems('{ http: { path: /ready } }')).toEqual([]);
  });

  it("take a TCP check, as the service stack's do (one probe model): on the container's port by default, by number or by name", () => {
    expect(problems('{ tcp: {}, periodSeconds: 5 }')).toEqual([]);
    expect(problems('{ tcp: { port: 6379 } }')).toEqual([]);
    expect(problems('{ tcp: { port: http } }')).toEqual([]);
    const stage = loader.load(
      ['apps:', '  probed:', '    image: team/kv:1', '    probes: { readiness: { tcp: {}, periodSeconds: 5 } }', ''].join('\n'),
      'environments/x.yaml',
    );
    const chart = probed.chart(new App(), 'probed', stage.apps[0].settings as never, {} as never);
    const deployment = chart.toJson().find((o: { kind: string }) => o.kind === 'Deployment');
    expect(deployment.spec.template.spec.containers[0].readinessProbe).toEqual({ tcpSocket: { port: 6379 }, periodSeconds: 5 });
  });

  it('refuse a command check whose program is empty or blank, at it: the check fails every time (it passed to the cluster)', () => {
    const refused = (found: string) =>
      `environments/x.yaml:4:38: apps.probed.probes.readiness.command[0] is ${found}: a command check runs its first item as a program in the container, and none has an empty name, so the check fails every time (a liveness probe restarts the container forever, a readiness probe keeps the pod out of its Services)\n` +
      '  hint: write the program first, e.g. [redis-cli, ping], or check by http or tcp';
    expect(problems('{ command: ["", ping] }')).toEqual([refused('""')]);
    expect(problems('{ command: ["  "] }')).toEqual([refused('"  "')]);
    expect(problems('{ command: [redis-cli, ""] }')).toEqual([]);
  });

  it('warn of a whole command line in one item of a command check, at it: the kubelet finds no program of that name', () => {
    const stage = ['apps:', '  probed:', '    image: team/kv:1', '    probes: { readiness: { command: ["redis-cli ping"] } }', ''].join(
      '\n',
    );
    expect(problems('{ command: ["redis-cli ping"] }')).toEqual([]);
    expect(loader.load(stage, 'environments/x.yaml').warnings.map(formatProblem)).toEqual([
      "environments/x.yaml:4:38: warning: apps.probed.probes.readiness.command[0] is a whole command line of 2 words in one item ('redis-cli' first): the kubelet runs the first item as one program, with no shell to split it, so it looks for a file of that whole name and finds none (the check fails every time: a liveness probe restarts the container forever, a readiness probe keeps the pod out of its Services, no such file or directory)\n" +
        '  hint: give each word its own item, [redis-cli, ...], or run it through a shell, [sh, -c, "<the command line>"]; a program whose own path holds a space may stay as it is',
    ]);
  });

  it('warn of a flag and its value in one argument of a command check, at it, saying only the flag', () => {
    const stage = [
      'apps:',
      '  probed:',
      '    image: team/kv:1',
      '    probes: { readiness: { command: [redis-cli, "-a hunter2", ping] } }',
      '',
    ].join('\n');
    expect(problems('{ command: [redis-cli, "-a hunter2", ping] }')).toEqual([]);
    const said = loader.load(stage, 'environments/x.yaml').warnings.map(formatProblem);
    expect(said).toEqual([
      "environments/x.yaml:4:49: warning: apps.probed.probes.readiness.command[1] is a flag and what follows it in one item ('-a' first, 2 words): the program gets them as one argument with a space in it, not as 2 arguments, so its flag parser reads no flag it knows (or a value that starts with a space)\n" +
        // no '-a=<the value>': a one-letter flag's parser reads that as the value '=<the value>'
        '  hint: give each word its own item, [-a, "<the value>"]',
    ]);
    expect(said.join('\n')).not.toContain('hunter2');
  });

  it("refuse a port name the container does not have, at the probe's port, given the container's ports", () => {
    expect(problems('{ tcp: { port: redis } }')).toEqual([
      // the stack names its one port: the fix is that name, not a port named under `port` (a number)
      "environments/x.yaml:4:41: apps.probed.probes.readiness.tcp.port names no port of the container (its port, set by port, is named 'http')\n" +
        "  hint: name 'http', or give its number",
    ]);
    expect(problems('{ http: { path: /ready, port: "8080" } }')[0]).toContain('apps.probed.probes.readiness.http.port must be');
  });
});
