import { describe, expect, it } from 'vitest';
import { find, problems, render, serviceStage, warnings } from '../helpers/stage.js';

const IMAGE = 'image: team/api:1.4.2';
const BLUE_GREEN = 'blueGreen: { live: blue, blue: team/api:1, green: team/api:2 }';
const STAGECRAFT_LABEL =
  'is a label stagecraft writes itself, with values it decides (app.kubernetes.io/instance, app.kubernetes.io/managed-by, app.kubernetes.io/name, app.kubernetes.io/part-of, app.kubernetes.io/version, stagecraft.dev/stage; every key under stagecraft.dev): another value would hide the Deployment from what selects by them (kubectl apply --prune, dashboards)\n';
const cronStage = (settings: readonly string[]) =>
  [
    'apps:',
    '  nightly:',
    '    stack: cron',
    '    schedule: "30 2 * * *"',
    '    image: team/report:1',
    ...settings.map((l) => `    ${l}`),
    '',
  ].join('\n');
const cronPod = (text: string) => find(render(text), 'CronJob').spec.jobTemplate.spec.template.spec;

describe('the priority class of a service', () => {
  it("is the pods' priorityClassName, in both colors and in a cron job's pods", () => {
    const objects = render(serviceStage([BLUE_GREEN, 'priorityClassName: high-priority']));
    for (const color of ['blue', 'green'])
      expect(find(objects, 'Deployment', `api-${color}`).spec.template.spec.priorityClassName).toBe('high-priority');
    expect(cronPod(cronStage(['priorityClassName: batch.low'])).priorityClassName).toBe('batch.low');
  });

  it('refuses a name that is no DNS subdomain, as the API server would, at its place', () => {
    expect(problems(serviceStage([IMAGE, 'priorityClassName: High_Priority']))).toEqual([
      "environments/x.yaml:5:24: apps.api.priorityClassName must be a PriorityClass name (a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', at most 253 characters) (found \"High_Priority\")",
    ]);
  });
});

describe('the image pull policy of a service', () => {
  it('is IfNotPresent unless the stage says Always, for a service and a cron job', () => {
    const container = (text: string) => find(render(text), 'Deployment').spec.template.spec.containers[0];
    expect(container(serviceStage([IMAGE])).imagePullPolicy).toBe('IfNotPresent');
    expect(container(serviceStage([IMAGE, 'imagePullPolicy: Always'])).imagePullPolicy).toBe('Always');
    expect(cronPod(cronStage(['imagePullPolicy: Always'])).containers[0].imagePullPolicy).toBe('Always');
  });

  it('refuses another policy at its place', () => {
    expect(problems(serviceStage([IMAGE, 'imagePullPolicy: always']))).toEqual([
      `environments/x.yaml:5:22: apps.api.imagePullPolicy must be one of 'IfNotPresent', 'Always' (found "always"); did you mean 'Always'?`,
    ]);
  });
});

describe('the local disk (ephemeral-storage) of a service', () => {
  it('is requested and limited beside cpu and memory, for a service and a cron job', () => {
    const resources = 'resources: { requests: { cpu: 100m, ephemeral-storage: 1Gi }, limits: { ephemeral-storage: 2Gi } }';
    expect(find(render(serviceStage([IMAGE, resources])), 'Deployment').spec.template.spec.containers[0].resources).toEqual({
      requests: { cpu: '100m', 'ephemeral-storage': '1Gi' },
      limits: { 'ephemeral-storage': '2Gi' },
    });
    expect(cronPod(cronStage([resources])).containers[0].resources.limits).toEqual({ 'ephemeral-storage': '2Gi' });
  });

  it('refuses a request above its limit and a quantity of thousandths of a byte, at their place', () => {
    expect(
      problems(serviceStage([IMAGE, 'resources: { requests: { ephemeral-storage: 4Gi }, limits: { ephemeral-storage: 2Gi } }'])),
    ).toEqual([
      'environments/x.yaml:5:49: apps.api.resources.requests.ephemeral-storage is 4Gi, above its limit 2Gi (the API server refuses the container)\n' +
        '  hint: raise the limit or lower the request: an ephemeral-storage request may not exceed its limit',
    ]);
    expect(problems(serviceStage([IMAGE, 'resources: { limits: { ephemeral-storage: 500m } }']))).toEqual([
      'environments/x.yaml:5:47: apps.api.resources.limits.ephemeral-storage must be a Kubernetes quantity above zero such as 1Gi (found "500m")',
    ]);
  });
});

describe('the labels and annotations of the Deployment itself', () => {
  it("are written on each color's Deployment, not on its pods, beside stagecraft's own", () => {
    const objects = render(
      serviceStage([
        BLUE_GREEN,
        'labels: { team.example.com/owner: payments }',
        'annotations: { configmap.reloader.stakater.com/reload: api-settings }',
      ]),
    );
    for (const color of ['blue', 'green']) {
      const deployment = find(objects, 'Deployment', `api-${color}`);
      expect(deployment.metadata.labels).toMatchObject({ 'team.example.com/owner': 'payments', 'app.kubernetes.io/name': 'service' });
      expect(deployment.metadata.annotations).toEqual({ 'configmap.reloader.stakater.com/reload': 'api-settings' });
      expect(deployment.spec.template.metadata.labels['team.example.com/owner']).toBeUndefined();
    }
  });

  it("refuse the labels stagecraft writes, stagecraft's own prefix, and what the API server refuses, at their place", () => {
    expect(
      problems(
        serviceStage([
          IMAGE,
          'labels: { app.kubernetes.io/name: api, stagecraft.dev/stage: prod, team: payments }',
          'annotations: { policy.stagecraft.dev/run-as-root: "why not" }',
        ]),
      ),
    ).toEqual([
      `environments/x.yaml:5:39: apps.api.labels.app.kubernetes.io/name ${STAGECRAFT_LABEL}` +
        '  hint: use a key of your own, such as team.example.com/owner',
      `environments/x.yaml:5:66: apps.api.labels.stagecraft.dev/stage ${STAGECRAFT_LABEL}` +
        '  hint: use a key of your own, such as team.example.com/owner',
      "environments/x.yaml:6:55: apps.api.annotations.policy.stagecraft.dev/run-as-root uses stagecraft's own prefix stagecraft.dev: stagecraft writes those annotations, and a hand-written one would be read as its own\n" +
        "  hint: use your own prefix; a policy exception goes under security.exceptions, a Secret's keys under secrets",
    ]);
    expect(problems(serviceStage([IMAGE, 'labels: { team: "-x" }']))).toEqual([
      `environments/x.yaml:5:21: apps.api.labels.team must be a label value (at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit) (found "-x")`,
    ]);
  });
});

describe("the cluster's own priority classes", () => {
  const SYSTEM_CLASS =
    'is system-cluster-critical, a class for the cluster\'s own components: a cluster may keep it to kube-system with a ResourceQuota scoped to the PriorityClass, and then refuses the pods in x (GKE does: "insufficient quota to match these scopes: [{PriorityClass In [system-node-critical system-cluster-critical]}]"); elsewhere the pods outrank every app\'s and, when the nodes are full, preempt lower-priority pods: the other apps\n' +
    "  hint: use a PriorityClass the cluster's admins made for apps, such as high-priority (value at most 1000000000), or leave priorityClassName out; if the app needs this class, give namespace x a ResourceQuota with scopeSelector: { matchExpressions: [{ scopeName: PriorityClass, operator: In, values: [system-cluster-critical] }] }";

  it('are a warning at the setting of a service and of a cron job, outside kube-system', () => {
    expect(warnings(serviceStage([IMAGE, 'priorityClassName: system-cluster-critical']))).toEqual([
      `environments/x.yaml:5:24: warning: apps.api.priorityClassName ${SYSTEM_CLASS}`,
    ]);
    expect(warnings(cronStage(['priorityClassName: system-node-critical']))).toEqual([
      `environments/x.yaml:6:24: warning: apps.nightly.priorityClassName ${SYSTEM_CLASS.replaceAll('system-cluster-critical] }', 'system-node-critical] }').replace('is system-cluster-critical', 'is system-node-critical')}`,
    ]);
  });

  it('are no warning in a stage whose namespace is kube-system', () => {
    expect(warnings(`namespace: kube-system\n${serviceStage([IMAGE, 'priorityClassName: system-cluster-critical'])}`)).toEqual([]);
  });
});

describe('the keys Kubernetes writes itself', () => {
  it("are refused among the Deployment's labels and annotations, and kubectl's last-applied annotation in every annotation setting", () => {
    expect(
      problems(
        serviceStage([
          IMAGE,
          'ports: { http: { port: 8080 } }',
          'labels: { deployment.kubernetes.io/revision: "3" }',
          'annotations: { kubectl.kubernetes.io/last-applied-configuration: "{}", deployment.kubernetes.io/max-replicas: "3", kubectl.kubernetes.io/default-container: api }',
          'podAnnotations: { kubectl.kubernetes.io/default-container: api }',
          'service: { annotations: { kubectl.kubernetes.io/last-applied-configuration: "{}" } }',
        ]),
      ),
    ).toEqual([
      "environments/x.yaml:6:50: apps.api.labels.deployment.kubernetes.io/revision is under deployment.kubernetes.io/, a prefix Kubernetes keeps for its own keys (the Deployment controller's: it writes the annotation deployment.kubernetes.io/revision on a Deployment, which kubectl rollout undo follows): a key of yours there may be overwritten, or read as theirs\n" +
        '  hint: remove it; a key of your own goes under your own prefix, such as team.example.com/owner',
      'environments/x.yaml:7:70: apps.api.annotations.kubectl.kubernetes.io/last-applied-configuration is the annotation kubectl apply writes itself, with what it applied: the next apply would diff against this value, not against what was applied, and remove or keep the wrong fields\n' +
        '  hint: remove it; a key of your own goes under your own prefix, such as team.example.com/owner',
      "environments/x.yaml:7:115: apps.api.annotations.deployment.kubernetes.io/max-replicas is under deployment.kubernetes.io/, a prefix Kubernetes keeps for its own keys (the Deployment controller's: it writes the annotation deployment.kubernetes.io/revision on a Deployment, which kubectl rollout undo follows): a key of yours there may be overwritten, or read as theirs\n" +
        '  hint: remove it; a key of your own goes under your own prefix, such as team.example.com/owner',
      "environments/x.yaml:7:161: apps.api.annotations.kubectl.kubernetes.io/default-container is under kubectl.kubernetes.io/, a prefix Kubernetes keeps for its own keys (kubectl's: it writes last-applied-configuration there, and reads default-container from a pod's annotations): a key of yours there may be overwritten, or read as theirs\n" +
        '  hint: remove it; a key of your own goes under your own prefix, such as team.example.com/owner',
      'environments/x.yaml:9:81: apps.api.service.annotations.kubectl.kubernetes.io/last-applied-configuration is the annotation kubectl apply writes itself, with what it applied: the next apply would diff against this value, not against what was applied, and remove or keep the wrong fields\n' +
        '  hint: remove it; a key of your own goes under your own prefix, such as team.example.com/owner',
    ]);
  });
});

describe('the commands of a service and a cron job', () => {
  const hint = "  hint: write the program it runs first, e.g. [/app/server, --port=8080], or leave it out to run the image's entrypoint";
  const empty = (what: string, found: string) =>
    `${what} is ${found}: the program the container runs comes first, and the container runtime starts no program of an empty name (the API server takes it; the container fails at every start, executable file not found)\n${hint}`;

  it('refuses an empty or blank program at its line, in the app container, a step, a sidecar and preStop (it passed to the cluster)', () => {
    expect(
      problems(
        serviceStage([
          IMAGE,
          'command: [""]',
          'initContainers: [{ name: migrate, command: [" ", migrate] }]',
          'sidecars: [{ name: worker, command: [""] }]',
          'preStop: [""]',
        ]),
      ),
    ).toEqual([
      `environments/x.yaml:5:15: ${empty('apps.api.command[0]', '""')}`,
      `environments/x.yaml:6:49: ${empty('apps.api.initContainers[0].command[0]', '" "')}`,
      `environments/x.yaml:7:42: ${empty('apps.api.sidecars[0].command[0]', '""')}`,
      `environments/x.yaml:8:15: ${empty('apps.api.preStop[0]', '""')}`,
    ]);
    expect(problems(cronStage(['command: [""]']))).toEqual([`environments/x.yaml:6:15: ${empty('apps.nightly.command[0]', '""')}`]);
  });

  it('warns, at its line, of a whole command line in one item, in every command of the app, a step, a sidecar, preStop and a cron job, saying only its program (the rest may hold a value)', () => {
    const line = (
      what: string,
      words: number,
      first: string,
      runner = 'the container runtime starts',
      fails = 'the container fails at every start',
    ) =>
      `warning: ${what} is a whole command line of ${words} words in one item ('${first}' first): ${runner} the first item as one program, with no shell to split it, so it looks for a file of that whole name and finds none (${fails}, no such file or directory)\n` +
      `  hint: give each word its own item, [${first}, ...], or run it through a shell, [sh, -c, "<the command line>"]; a program whose own path holds a space may stay as it is`;
    const stage = serviceStage([
      IMAGE,
      'command: ["java -jar app.jar --token=s3cr3t"]',
      'initContainers: [{ name: migrate, command: ["./manage migrate"] }]',
      'sidecars: [{ name: worker, command: ["python\tworker.py"] }]',
      'preStop: ["sleep 5"]',
    ]);
    const said = warnings(stage);
    expect(said).toEqual([
      `environments/x.yaml:5:15: ${line('apps.api.command[0]', 4, 'java')}`,
      `environments/x.yaml:6:49: ${line('apps.api.initContainers[0].command[0]', 2, './manage')}`,
      `environments/x.yaml:7:42: ${line('apps.api.sidecars[0].command[0]', 2, 'python')}`,
      `environments/x.yaml:8:15: ${line('apps.api.preStop[0]', 2, 'sleep', 'the kubelet runs', 'the hook fails before every stop, and the container gets SIGTERM while requests still come')}`,
    ]);
    expect(said.join('\n')).not.toContain('s3cr3t');
    // a warning: the stage loads and renders, in case the program's own path holds a space
    expect(problems(stage)).toEqual([]);
    expect(warnings(cronStage(['command: ["/bin/report --since=24h"]']))).toEqual([
      `environments/x.yaml:6:15: ${line('apps.nightly.command[0]', 2, '/bin/report')}`,
    ]);
    expect(warnings(serviceStage([IMAGE, 'command: ["java "]']))[0]).toContain(
      "warning: apps.api.command[0] is the program 'java' with whitespace around it: the container runtime starts the first item as one program",
    );
  });

  it('never prints the value of a variable set before the program, of any length, nor a first word that looks like a secret', () => {
    // PASSWORD=x is too short for the secret screen to refuse, so the stage loads and the warning is printed
    const assigned = warnings(serviceStage([IMAGE, 'command: ["PASSWORD=x ./server --port=8080"]', 'preStop: [" TOKEN=abc "]']));
    expect(assigned).toEqual([
      "environments/x.yaml:5:15: warning: apps.api.command[0] is a whole command line of 3 words in one item ('PASSWORD=...' first): the container runtime starts the first item as one program, with no shell to split it, so it looks for a file of that whole name and finds none (the container fails at every start, no such file or directory)\n" +
        '  hint: set PASSWORD in the container\'s environment (env, or a Secret for a secret value), not before the program: only a shell reads it there; and give each word its own item, or run it through a shell, [sh, -c, "<the command line>"]; a program whose own path holds a space may stay as it is',
      "environments/x.yaml:6:15: warning: apps.api.preStop[0] is the program 'TOKEN=...' with whitespace around it: the kubelet runs the first item as one program, with no shell to split it, so it looks for a file of that whole name and finds none (the hook fails before every stop, and the container gets SIGTERM while requests still come, no such file or directory)\n" +
        "  hint: set TOKEN in the container's environment (env, or a Secret for a secret value), not before the program: only a shell reads it there; and write it without the whitespace",
    ]);
    expect(assigned.join('\n')).not.toMatch(/PASSWORD=x|TOKEN=abc/);
    const token = `ghp_${'a1B2'.repeat(9)}`;
    const long = `/opt/${'x'.repeat(200)}/run`;
    const said = warnings(serviceStage([IMAGE, `command: ["${token} --x"]`, `args: [a]`, `preStop: ["${long} now"]`]));
    expect(said.join('\n')).not.toContain(token);
    expect(said[0]).toContain("('(a 40-character value, hidden)' first)");
    expect(said[1]).toContain(`('${long.slice(0, 29)}…${long.slice(-29)} (${long.length} characters)' first)`);
  });

  it('tells a command line that starts a shell with -c to give the shell its script as one item, not to wrap it in a shell again', () => {
    const said = warnings(serviceStage([IMAGE, `command: ["/bin/sh -c 'java -jar app.jar'"]`, 'preStop: ["bash -c sleep 5"]']));
    expect(said.map((w) => w.split('\n')[1])).toEqual([
      '  hint: give the shell its script as one item, [/bin/sh, -c, "<the script>"], the script without the quotes around it',
      '  hint: give the shell its script as one item, [bash, -c, "<the script>"], the script without the quotes around it',
    ]);
    expect(warnings(serviceStage([IMAGE, 'command: ["/bin/shell -c x"]']))[0]).toContain('[/bin/shell, ...], or run it through a shell');
  });

  it('takes a command line given to a shell, and arguments with spaces, which are arguments', () => {
    expect(warnings(serviceStage([IMAGE, 'command: [sh, -c, "java -jar app.jar"]', 'args: ["--greeting=hello world"]']))).toEqual([]);
    expect(warnings(serviceStage([IMAGE, 'command: [java, -jar, app.jar]', 'preStop: [sleep, "5"]']))).toEqual([]);
  });

  it('warns, at its item, of a flag and its value in one argument, in args, a command after its program, a step, a sidecar, preStop and a cron job, saying only the flag', () => {
    const line = (what: string, flag: string, words = 2) =>
      `warning: ${what} is a flag and what follows it in one item ('${flag}' first, ${words} words): the program gets them as one argument with a space in it, not as ${words} arguments, so its flag parser reads no flag it knows (or a value that starts with a space)\n` +
      `  hint: give each word its own item, ${words > 2 ? `[${flag.endsWith('...') ? '<the flag>' : flag}, ...]` : flag.length === 2 ? `[${flag}, "<the value>"]` : `[${flag}, "<the value>"], or join a flag and its value with =, "${flag}=<the value>", where the program takes that form`}`;
    const stage = serviceStage([
      IMAGE,
      'command: [/app/server, "-p 8080"]',
      'args: [--verbose, "--port 8080", "--token $(API_TOKEN)"]',
      'initContainers: [{ name: migrate, command: [./manage], args: ["--database s3cr3t-db"] }]',
      'sidecars: [{ name: worker, args: ["-Xmx512m -Xms256m -jar w.jar"] }]',
      'preStop: [/app/drain, "--grace 5"]',
    ]);
    const said = warnings(stage);
    expect(said).toEqual([
      `environments/x.yaml:5:28: ${line('apps.api.command[1]', '-p')}`,
      `environments/x.yaml:6:23: ${line('apps.api.args[1]', '--port')}`,
      `environments/x.yaml:6:38: ${line('apps.api.args[2]', '--token')}`,
      `environments/x.yaml:7:67: ${line('apps.api.initContainers[0].args[0]', '--database')}`,
      `environments/x.yaml:8:39: ${line('apps.api.sidecars[0].args[0]', '-X...', 4)}`,
      `environments/x.yaml:9:27: ${line('apps.api.preStop[1]', '--grace')}`,
    ]);
    // what follows the flag is never said: a value, or a variable the kubelet expands into the argument
    expect(said.join('\n')).not.toMatch(/8080|API_TOKEN|s3cr3t|Xmx512m|Xms256m|w\.jar/);
    expect(problems(stage)).toEqual([]);
    expect(warnings(cronStage(['args: ["--since 24h"]']))).toEqual([
      `environments/x.yaml:6:12: ${line('apps.nightly.args[0]', '--since')}`,
    ]);
  });

  it('takes values that hold spaces: a flag joined to its value by =, a word or number that is no flag, a script after -c or -e, and what follows -- or a shell given -c', () => {
    expect(
      warnings(
        serviceStage([
          IMAGE,
          'command: [/app/server, "--greeting=hello world", "-Dmsg=a b"]',
          'args: [--since, "-1 day", "hello world", "- item", -e, "-v x", --, "--not a flag"]',
          'initContainers: [{ name: migrate, command: [sh, -c], args: ["exec ./manage migrate", "--as arg0"] }]',
          'sidecars: [{ name: worker, command: [python, -c, "-1 + 2"] }]',
        ]),
      ),
    ).toEqual([]);
  });

  it("takes a flag with its value glued on (curl's -H, java's -javaagent:, a client's password) and a shell's -ec script's parameters, and never says a glued value", () => {
    expect(
      warnings(
        serviceStage([
          IMAGE,
          'command: [curl, "-HX-Api-Key: abc123", "-uadmin:Hunter2pw9 x", "http://h"]',
          'initContainers: [{ name: migrate, command: [mysql, "-pMy Secret Pass", -e, "SELECT 1"] }, { name: agent, command: [java, "-javaagent:/opt/my agent.jar", -jar, a.jar] }]',
          'sidecars: [{ name: worker, command: [/usr/local/bin/bash, -ec, "exec ./work \\"$@\\"", worker, "--queue jobs"] }]',
        ]),
      ),
    ).toEqual([]);
    // JVM options written as one item (JAVA_OPTS): warned, the first said by its name only
    const said = warnings(serviceStage([IMAGE, 'command: [java, "-XX:+UseG1GC -Xmx1g", -jar, a.jar]']));
    expect(said).toEqual([
      "environments/x.yaml:5:21: warning: apps.api.command[1] is a flag and what follows it in one item ('-X...' first, 2 words): the program gets them as one argument with a space in it, not as 2 arguments, so its flag parser reads no flag it knows (or a value that starts with a space)\n" +
        '  hint: give each word its own item, [<the flag>, ...]',
    ]);
    expect(said.join('\n')).not.toMatch(/G1GC/);
    // a client's one-letter password flag, a space, then the password: the password would start with a space
    const spaced = warnings(serviceStage([IMAGE, 'command: [mysql, "-p hunter2", -e, "SELECT 1"]']));
    expect(spaced.map((w) => w.split(' is ')[0])).toEqual(['environments/x.yaml:5:22: warning: apps.api.command[1]']);
    expect(spaced.join('\n')).not.toContain('hunter2');
  });

  it("warns of a flag with whitespace around it (a template's), saying the flag alone, and takes a value that ends in a space", () => {
    const said = warnings(
      serviceStage([IMAGE, 'command: [/app/server, "--debug "]', 'args: [" --token=s3cr3t-value", "--separator=; ", -v]']),
    );
    expect(said).toEqual([
      "environments/x.yaml:5:28: warning: apps.api.command[1] is the flag '--debug' with whitespace around it: the program gets the whitespace in its argument, with no shell to trim it, so its flag parser reads no flag it knows\n" +
        '  hint: write it without the whitespace, --debug',
      "environments/x.yaml:6:12: warning: apps.api.args[0] is the flag '--token' and its value with whitespace around it: the program gets the whitespace in its argument, with no shell to trim it, so its flag parser reads no flag it knows, or a value with the whitespace in it\n" +
        '  hint: write it without the whitespace',
    ]);
    expect(said.join('\n')).not.toContain('s3cr3t');
  });

  it('takes an empty argument after the program, which is one', () => {
    expect(problems(serviceStage([IMAGE, 'command: [/app/server, ""]', 'args: [""]']))).toEqual([]);
  });
});

describe('the replicas of a service', () => {
  it('warns, at replicas, of more pods than one app is likely to run, and of none while its ingress routes to it', () => {
    expect(warnings(serviceStage([IMAGE, 'replicas: 100000']))).toEqual([
      'environments/x.yaml:5:15: warning: apps.api.replicas is 100000 pods, more than any one app is likely to run (Kubernetes is tested to 150,000 pods in a cluster, 110 a node): the scheduler would try to place them all\n' +
        '  hint: write the number of pods meant, at most 1000 unless the cluster was built for more',
    ]);
    expect(
      warnings(
        serviceStage([IMAGE, 'replicas: 0', 'ports: { http: { port: 8080 } }', 'ingress: { host: api.example.com, tlsSecret: api-tls }']),
      ),
    ).toEqual([
      'environments/x.yaml:5:15: warning: apps.api.replicas is 0: the app runs no pods, and its ingress still sends it requests, each answered with an error (503 from an ingress controller)\n' +
        '  hint: give it 1 or more; to stop the app on purpose, remove its ingress too',
    ]);
  });

  it("warns of none while another app's ingress routes to its Service, naming the route", () => {
    const stage = (route: string) =>
      `${serviceStage([IMAGE, 'replicas: 0', 'ports: { http: { port: 8080 } }'])}  web:\n    stack: ingress\n    paths:\n      /api: { service: ${route}, port: 8080 }\n`;
    expect(warnings(stage('api'))).toEqual([
      'environments/x.yaml:5:15: warning: apps.api.replicas is 0: the app runs no pods, and the path /api of apps.web still sends it requests, each answered with an error (503 from an ingress controller)\n' +
        '  hint: give it 1 or more; to stop the app on purpose, remove the path /api of apps.web too',
    ]);
    expect(warnings(stage('other'))).toEqual([]);
  });

  it('with autoscaling, warns at the bounds the autoscaler runs, not at a replicas the Deployment does not have', () => {
    const HPA = ['resources: { requests: { cpu: 100m } }', 'ports: { http: { port: 8080 } }'];
    // replicas: 0 is refused as outside the bounds; the autoscaler keeps at least minReplicas pods, so the ingress has pods
    const zero = serviceStage([
      IMAGE,
      ...HPA,
      'replicas: 0',
      'autoscaling: { minReplicas: 1, maxReplicas: 3 }',
      'ingress: { host: api.example.com, tlsSecret: t }',
    ]);
    expect(problems(zero).map((p) => p.split('\n')[0])).toEqual([
      'environments/x.yaml:7:15: apps.api.replicas must be within autoscaling.minReplicas..maxReplicas (found 0, not in 1..3)',
    ]);
    // a lost decimal point in the bound the autoscaler scales to: said there; replicas (within the bounds) runs no pod of its own
    expect(warnings(serviceStage([IMAGE, ...HPA, 'replicas: 5000', 'autoscaling: { minReplicas: 2, maxReplicas: 100000 }']))).toEqual([
      'environments/x.yaml:8:49: warning: apps.api.autoscaling.maxReplicas is 100000 pods, more than any one app is likely to run (Kubernetes is tested to 150,000 pods in a cluster, 110 a node): the autoscaler would scale to them all under load\n' +
        '  hint: write the number of pods meant, at most 1000 unless the cluster was built for more',
    ]);
    expect(
      warnings(serviceStage([IMAGE, ...HPA, 'autoscaling: { minReplicas: 5000, maxReplicas: 5000 }'])).map((w) => w.split('\n')[0]),
    ).toEqual([
      'environments/x.yaml:7:33: warning: apps.api.autoscaling.minReplicas is 5000 pods, more than any one app is likely to run (Kubernetes is tested to 150,000 pods in a cluster, 110 a node): the autoscaler would keep them all, under no load too',
      'environments/x.yaml:7:52: warning: apps.api.autoscaling.maxReplicas is 5000 pods, more than any one app is likely to run (Kubernetes is tested to 150,000 pods in a cluster, 110 a node): the autoscaler would scale to them all under load',
    ]);
    expect(warnings(serviceStage([IMAGE, ...HPA, 'autoscaling: { minReplicas: 2, maxReplicas: 1000 }']))).toEqual([]);
  });

  it('takes 0 replicas without an ingress (an app stopped on purpose) and up to 1000', () => {
    expect(warnings(serviceStage([IMAGE, 'replicas: 0']))).toEqual([]);
    expect(warnings(serviceStage([IMAGE, 'replicas: 1000']))).toEqual([]);
  });
});
