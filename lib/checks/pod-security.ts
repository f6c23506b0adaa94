/**
 * Safety policy: the Pod Security Standards (https://kubernetes.io/docs/concepts/security/pod-security-standards/)
 * "baseline" for every workload, "restricted" where the stage asks for it, and warnings for
 * images without a fixed tag, containers without requests and limits, long-running containers
 * without a livenessProbe (without a readinessProbe where a Service selects their pods: readiness.ts). A workload excuses itself from one control with the annotation
 * `policy.stagecraft.dev/<control>: <reason>` (lib/policy.ts); every exception that suppressed a
 * finding is reported back, so none is silent.
 */
import { POLICY_CONTROLS, POLICY_EXCEPTION_PREFIX, declaredExceptions, type PolicyControl } from '../policy.js';
import { isRecord, type KubeObject, asRecord } from '../model/object.js';
import { CONTAINER_LISTS, mappingItems, placedContainers, workloadTemplate, containerNamed } from '../model/pod-specs.js';
import { didYouMean } from '../model/did-you-mean.js';
import { customJobSpecPath } from '../model/custom-workloads.js';
import type { FieldPath, Finding, UsedException } from './finding.js';

export const POD_SECURITY_LEVELS = ['baseline', 'restricted'] as const;
export type PodSecurityLevel = (typeof POD_SECURITY_LEVELS)[number];

/** Capabilities the baseline level lets containers add. */
const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
]);
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);
const RESTRICTED_VOLUMES = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);
/** Controls of the restricted level only (checked where the stage asks for it). */
const RESTRICTED_ONLY = new Set<string>(['volume-types', 'privilege-escalation', 'run-as-root']);
/** Controls that give warnings, not errors. */
const WARNING_CONTROLS = new Set<string>(['image-tag', 'resources', 'probes']);
/** Workloads whose pods are meant to finish: probes make no sense there. */
const RUN_TO_COMPLETION = new Set(['Job', 'CronJob']);
const APPARMOR_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

type Obj = Record<string, unknown>;

export interface PolicyResult {
  readonly findings: Finding[];
  readonly exceptions: UsedException[];
}

/** An image reference without a tag or digest, or with tag `latest`. */
export function floatingTag(image: string): 'missing' | 'latest' | undefined {
  if (image.includes('@')) return undefined;
  const lastPart = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastPart.indexOf(':');
  if (colon < 0) return 'missing';
  return lastPart.slice(colon + 1) === 'latest' ? 'latest' : undefined;
}

/** Distinct strings kept by `shared`; beyond them, each finding holds its own. */
const MAX_SHARED = 4096;
const sharedStrings = new Map<string, string>();

/**
 * `text`, or the equal string made before: a workload's findings outlive the checks, and tens of
 * thousands of them (no probes, no resources) would each hold the same message and hint.
 */
function shared(text: string): string {
  const found = sharedStrings.get(text);
  if (found !== undefined) return found;
  if (sharedStrings.size < MAX_SHARED) sharedStrings.set(text, text);
  return text;
}

/** `policy/<control>`, made once per control. */
const POLICY_CODES = new Map(POLICY_CONTROLS.map((c) => [c, `policy/${c}`]));

/**
 * Whether a workload's pods are meant to finish (Jobs, CronJobs, Pods that are not restarted, the Jobs a KEDA ScaledJob makes):
 * probes make no sense there.
 */
export function runsToCompletion(o: KubeObject, podSpec: Readonly<Record<string, unknown>>): boolean {
  return (
    RUN_TO_COMPLETION.has(o.kind) ||
    (o.kind === 'Pod' && (podSpec.restartPolicy === 'Never' || podSpec.restartPolicy === 'OnFailure')) ||
    customJobSpecPath(o) !== undefined
  );
}

/** The pod spec's fields that share a node's namespaces. */
const HOST_NAMESPACES = ['hostNetwork', 'hostPID', 'hostIPC'] as const;
/** Every list of containers a pod spec has, ephemeral containers included: each is checked. */
const EVERY_CONTAINER_LIST: readonly string[] = [...CONTAINER_LISTS, 'ephemeralContainers'];
/** An absent mapping, read as empty: one for every absent field (never written). */
const NONE: Readonly<Obj> = Object.freeze({});
/** What a container's resources must hold, in the order the warning names them. */
const REQUIREMENTS: readonly string[] = ['requests', 'limits'];

/** Policy findings of one workload (other kinds have none) and the exceptions that suppressed some. */
export function checkPodSecurity(o: KubeObject, level: PodSecurityLevel = 'baseline'): PolicyResult {
  // a custom workload's pods too (an Argo Rollout's): Pod Security admission judges every pod
  const { path, template } = workloadTemplate(o) ?? {};
  const declared = declaredExceptions(o.metadata?.annotations);
  const findings: Finding[] = [];
  for (const control of declared.keys()) {
    if (!(POLICY_CONTROLS as readonly string[]).includes(control)) {
      const guess = didYouMean(control, POLICY_CONTROLS);
      findings.push({
        code: 'policy/unknown-control',
        severity: 'error',
        object: o,
        path: ['metadata', 'annotations', `${POLICY_EXCEPTION_PREFIX}${control}`],
        message: `'${control}' is not a policy control${guess ? `; did you mean '${guess}'?` : ''}`,
        hint: `the controls are: ${POLICY_CONTROLS.join(', ')}`,
      });
    }
  }
  const spec = asRecord(template?.spec);
  if (!path || !template || !spec) return { findings, exceptions: [] };
  const used = new Map<string, Set<string>>();
  const at: FieldPath = [...path, 'spec'];
  const restricted = level === 'restricted';

  const report = (control: PolicyControl, path: FieldPath, allows: string, message: string, hint?: string) => {
    if (RESTRICTED_ONLY.has(control) && !restricted) return;
    if (declared.has(control)) {
      let s = used.get(control);
      if (!s) used.set(control, (s = new Set()));
      s.add(allows);
      return;
    }
    const warning = WARNING_CONTROLS.has(control);
    const standard = warning
      ? ''
      : ` (Pod Security Standard '${RESTRICTED_ONLY.has(control) || (restricted && (control === 'seccomp' || control === 'capabilities')) ? 'restricted' : 'baseline'}')`;
    findings.push({
      code: POLICY_CODES.get(control)!,
      severity: warning ? 'warning' : 'error',
      object: o,
      path,
      message: shared(`${message}${standard}`),
      hint: shared(`${hint ? `${hint}, or ` : ''}declare the exception on the ${o.kind}: ${POLICY_EXCEPTION_PREFIX}${control}: <reason>`),
    });
  };

  for (let n = 0; n < HOST_NAMESPACES.length; n++) {
    const ns = HOST_NAMESPACES[n];
    if (spec[ns] === true)
      report('host-namespaces', [...at, ns], `${ns}: true`, `${ns}: true shares the node's namespaces`, `remove ${ns}`);
  }
  const podSc = asRecord(spec.securityContext) ?? NONE;
  if (asRecord(podSc.windowsOptions)?.hostProcess === true)
    report(
      'privileged',
      [...at, 'securityContext', 'windowsOptions', 'hostProcess'],
      'hostProcess: true',
      'hostProcess: true runs on the host',
    );
  mappingItems(podSc.sysctls).forEach(([i, s]) => {
    if (!SAFE_SYSCTLS.has(String(s.name)))
      report(
        'privileged',
        [...at, 'securityContext', 'sysctls', i, 'name'],
        `sysctl ${String(s.name)}`,
        `sysctl '${String(s.name)}' is not in the safe set`,
      );
  });
  const podSeccomp = asRecord(podSc.seccompProfile)?.type;
  if (podSeccomp === 'Unconfined')
    report(
      'seccomp',
      [...at, 'securityContext', 'seccompProfile', 'type'],
      'seccomp Unconfined',
      'seccompProfile Unconfined turns seccomp off',
      'use RuntimeDefault',
    );
  const seLinux = (sc: Obj, path: FieldPath) => {
    const se = asRecord(sc.seLinuxOptions);
    if (!se) return;
    if (!SELINUX_TYPES.has(String(se.type ?? '')))
      report(
        'privileged',
        [...path, 'seLinuxOptions', 'type'],
        `SELinux type ${String(se.type)}`,
        `SELinux type '${String(se.type)}' is not allowed`,
      );
    for (const f of ['user', 'role'])
      if (se[f]) report('privileged', [...path, 'seLinuxOptions', f], `SELinux ${f}`, `a custom SELinux ${f} is not allowed`);
  };
  seLinux(podSc, [...at, 'securityContext']);
  const annotations = template.metadata?.annotations ?? {};
  for (const k in annotations) {
    if (!Object.hasOwn(annotations, k)) continue;
    const v = annotations[k];
    if (k.startsWith(APPARMOR_PREFIX) && v !== 'runtime/default' && !v.startsWith('localhost/')) {
      report('privileged', [...path, 'metadata', 'annotations', k], `AppArmor ${v}`, `AppArmor profile '${v}' weakens confinement`);
    }
  }

  mappingItems(spec.volumes).forEach(([i, v]) => {
    const type = Object.keys(v).find((k) => k !== 'name') ?? '';
    if (type === 'hostPath')
      report(
        'host-path',
        [...at, 'volumes', i, 'hostPath'],
        `hostPath ${String(asRecord(v.hostPath)?.path)}`,
        `volume '${String(v.name)}' mounts the node's ${String(asRecord(v.hostPath)?.path)}`,
        'use a PersistentVolumeClaim or emptyDir',
      );
    else if (restricted && type && !RESTRICTED_VOLUMES.has(type))
      report('volume-types', [...at, 'volumes', i, type], `${type} volume`, `volume '${String(v.name)}' is of type ${type}`);
  });

  // the restricted level's Linux-only controls (capabilities, privilege escalation, seccomp)
  // do not apply to pods that declare spec.os.name: windows (Pod Security Standards, 1.25+)
  const linuxOnly = restricted && asRecord(spec.os)?.name !== 'windows';
  const finishes = runsToCompletion(o, spec);
  const containers = placedContainers(spec, EVERY_CONTAINER_LIST);
  for (let n = 0; n < containers.length; n++) {
    const { container: c, list, index } = containers[n];
    const cp: FieldPath = [...at, list, index];
    const who = containerNamed(c);
    const sc = asRecord(c.securityContext) ?? NONE;
    const scp: FieldPath = [...cp, 'securityContext'];
    if (sc.privileged === true)
      report('privileged', [...scp, 'privileged'], 'privileged: true', `${who} is privileged`, 'remove privileged: true');
    if (asRecord(sc.windowsOptions)?.hostProcess === true)
      report('privileged', [...scp, 'windowsOptions', 'hostProcess'], 'hostProcess: true', `${who} runs on the host (hostProcess)`);
    if (sc.procMount !== undefined && sc.procMount !== 'Default')
      report('privileged', [...scp, 'procMount'], `procMount ${String(sc.procMount)}`, `${who} unmasks /proc`);
    seLinux(sc, scp);
    const caps = asRecord(sc.capabilities) ?? NONE;
    const beyond = Array.isArray(caps.add)
      ? caps.add.map(String).filter((a) => (linuxOnly ? a !== 'NET_BIND_SERVICE' : !BASELINE_CAPABILITIES.has(a)))
      : [];
    if (beyond.length)
      report(
        'capabilities',
        [...scp, 'capabilities', 'add'],
        `capabilities ${beyond.join(', ')}`,
        `${who} adds the capabilities ${beyond.join(', ')}`,
        'remove them',
      );
    if (linuxOnly && !(Array.isArray(caps.drop) && caps.drop.includes('ALL'))) {
      report(
        'capabilities',
        scp,
        'capabilities not dropped',
        `${who} does not drop ALL capabilities`,
        'add securityContext.capabilities.drop: [ALL]',
      );
    }
    const seccomp = asRecord(sc.seccompProfile)?.type;
    if (seccomp === 'Unconfined')
      report('seccomp', [...scp, 'seccompProfile', 'type'], 'seccomp Unconfined', `${who} turns seccomp off`, 'use RuntimeDefault');
    else if (linuxOnly && (seccomp ?? podSeccomp) === undefined)
      report(
        'seccomp',
        scp,
        'no seccomp profile',
        `${who} has no seccomp profile`,
        'set securityContext.seccompProfile.type: RuntimeDefault on the pod',
      );
    const ports = Array.isArray(c.ports) ? c.ports : [];
    for (let j = 0; j < ports.length; j++) {
      const p: unknown = ports[j];
      if (isRecord(p) && p.hostPort !== undefined && p.hostPort !== 0)
        report(
          'host-ports',
          [...cp, 'ports', j, 'hostPort'],
          `hostPort ${String(p.hostPort)}`,
          `${who} binds hostPort ${String(p.hostPort)} on the node`,
          'remove hostPort and reach the pod through a Service',
        );
    }
    if (restricted) {
      if (linuxOnly && sc.allowPrivilegeEscalation !== false)
        report(
          'privilege-escalation',
          scp,
          'privilege escalation',
          `${who} does not set allowPrivilegeEscalation: false`,
          'set securityContext.allowPrivilegeEscalation: false',
        );
      const nonRoot = sc.runAsNonRoot ?? podSc.runAsNonRoot;
      if (nonRoot !== true)
        report(
          'run-as-root',
          scp,
          'may run as root',
          `${who} may run as root (runAsNonRoot is not true)`,
          'set securityContext.runAsNonRoot: true',
        );
    }
    // the container's, then the pod's: two tests, not a list of pairs per container
    if (sc.runAsUser === 0)
      report('run-as-root', [...scp, 'runAsUser'], 'runAsUser 0', `${who} runs as user 0 (root)`, 'run as a non-zero user');
    if (podSc.runAsUser === 0)
      report(
        'run-as-root',
        [...at, 'securityContext', 'runAsUser'],
        'runAsUser 0',
        `${who} runs as user 0 (root)`,
        'run as a non-zero user',
      );

    if (list === 'ephemeralContainers') continue;
    const image = typeof c.image === 'string' ? c.image : undefined;
    const floating = image ? floatingTag(image) : undefined;
    if (image && floating) {
      report(
        'image-tag',
        [...cp, 'image'],
        `image ${image}`,
        floating === 'latest' ? `image '${image}' uses the tag 'latest'` : `image '${image}' has no tag (it means 'latest')`,
        'pin a version tag, e.g. nginx:1.25',
      );
    }
    const res = asRecord(c.resources) ?? NONE;
    const missing = REQUIREMENTS.filter((k) => !asRecord(res[k]) || Object.keys(asRecord(res[k])!).length === 0);
    if (missing.length)
      report(
        'resources',
        cp,
        `no ${missing.join(' or ')}`,
        `${who} has no resource ${missing.join(' or ')}`,
        'set resources.requests and resources.limits (cpu, memory)',
      );
    if (list === 'containers' && !finishes) {
      if (!asRecord(c.livenessProbe))
        report(
          'probes',
          cp,
          'no livenessProbe',
          `${who} has no livenessProbe`,
          'add a livenessProbe, so that a container that stops responding is restarted',
        );
      // a readinessProbe matters only where a Service sends the pods traffic, which the traced
      // check readiness.ts looks up among the other objects (and warns about there); an exception
      // declared for it is counted here, so that it is never reported unused while it excuses that
      if (!asRecord(c.readinessProbe) && declared.has('probes')) report('probes', cp, 'no readinessProbe', '');
    }
  }
  for (const [control] of declared) {
    const checked = (POLICY_CONTROLS as readonly string[]).includes(control) && (restricted || !RESTRICTED_ONLY.has(control));
    if (checked && !used.has(control)) {
      findings.push({
        code: 'policy/unused-exception',
        severity: 'warning',
        object: o,
        path: ['metadata', 'annotations', `${POLICY_EXCEPTION_PREFIX}${control}`],
        message: `declares an exception to '${control}', but nothing in the ${o.kind} needs it`,
        hint: 'remove the annotation, so that the exception cannot hide a later change',
      });
    }
  }
  const exceptions: UsedException[] = [...used.entries()].map(([control, allows]) => ({
    object: o,
    control,
    code: `policy/${control}`,
    reason: declared.get(control)!,
    allows: [...allows].join(', '),
  }));
  return { findings, exceptions };
}
