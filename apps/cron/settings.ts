/**
 * The settings of the `cron` stack under `apps.<name>` in a stage file: a team's nightly or batch
 * job as a CronJob, from the stage file alone. The container's settings (command, env, Secret and
 * ConfigMap keys, init containers, registry credentials, account, placement and spread, security) are the service stack's own schemas, so
 * the two stacks read them alike. Defaults live here, once (`DEFAULTS`).
 */
import { serviceSettings } from '../service/settings.js';
import { Count, ImageRef, Settings, StringEnum, Type, type Static } from '../../lib/config/types.js';
import { Resources } from '../../lib/config/workload.js';
import { Schedule, TimeZone } from './schedule.js';

const service = serviceSettings.properties;
const serviceSecurity = service.security.properties;

export const cronSettings = Settings({
  schedule: Schedule(
    'When a Job starts, as the API server reads it: five fields (minute hour day-of-month month day-of-week), e.g. "30 2 * * *", or a macro such as @daily; in timeZone.',
  ),
  timeZone: TimeZone(
    "Time zone of the schedule, of the IANA database, e.g. Europe/Berlin or Etc/UTC. @default - kube-controller-manager's",
  ),
  image: ImageRef({ description: 'The image with its release tag, e.g. team/report:1.4; the tag is the version.' }),
  command: service.command,
  args: service.args,
  env: service.env,
  secrets: service.secrets,
  configMaps: service.configMaps,
  envFrom: service.envFrom,
  secretFiles: service.secretFiles,
  resources: Resources('the container'),
  imagePullSecrets: service.imagePullSecrets,
  imagePullPolicy: service.imagePullPolicy,
  priorityClassName: service.priorityClassName,
  serviceAccountName: service.serviceAccountName,
  automountServiceAccountToken: service.automountServiceAccountToken,
  initContainers: service.initContainers,
  nodeSelector: service.nodeSelector,
  tolerations: service.tolerations,
  topologySpreadConstraints: service.topologySpreadConstraints,
  podAntiAffinity: service.podAntiAffinity,
  concurrencyPolicy: Type.Optional(
    StringEnum(['Forbid', 'Allow', 'Replace'], {
      description:
        'When a run is due while the last one still runs: Forbid skips the new run, Allow runs both, Replace stops the old one. @default Forbid',
    }),
  ),
  suspend: Type.Optional(Type.Boolean({ description: 'Start no new Jobs (running ones finish). @default false' })),
  startingDeadlineSeconds: Type.Optional(
    Count(0, {
      description:
        'Seconds after its time within which a missed run still starts (the controller looks every 10 seconds, so less may skip runs). @default - no deadline',
    }),
  ),
  successfulJobsHistoryLimit: Type.Optional(Count(0, { description: 'Finished successful Jobs kept. @default 3' })),
  failedJobsHistoryLimit: Type.Optional(Count(0, { description: 'Failed Jobs kept. @default 1' })),
  backoffLimit: Type.Optional(Count(0, { description: 'Retries before a Job counts as failed. @default 6 (Kubernetes)' })),
  activeDeadlineSeconds: Type.Optional(
    Count(1, { description: 'Seconds a Job may run before it is stopped and counts as failed. @default - no limit' }),
  ),
  ttlSecondsAfterFinished: Type.Optional(
    Count(0, {
      description:
        'Seconds after it finishes that a Job (and its pods) is deleted, history limits or not. @default - kept by the history limits',
    }),
  ),
  restartPolicy: Type.Optional(
    StringEnum(['OnFailure', 'Never'], {
      expected: "'OnFailure' or 'Never': a Job's pods run until they end, and the API server refuses Always",
      description:
        'OnFailure: the kubelet restarts a failed container in the same pod; Never: the Job starts a new pod (its logs stay). @default OnFailure',
    }),
  ),
  security: Type.Optional(
    Settings(
      {
        writableRootFilesystem: serviceSecurity.writableRootFilesystem,
        exceptions: Type.Optional(
          Settings(serviceSecurity.exceptions.properties, {
            description:
              "Declared exceptions to the restricted defaults, control -> reason (policy.stagecraft.dev/<control> on the CronJob): run-as-root drops runAsNonRoot and the fixed user, privilege-escalation allows it, capabilities keeps the image's, seccomp drops the profile. @default - none",
          }),
        ),
      },
      {
        description:
          'The container runs restricted (non-root user 10001, no privilege escalation, no capabilities, RuntimeDefault seccomp, read-only root with a writable /tmp) unless declared here. @default - restricted',
      },
    ),
  ),
});

export type CronSettings = Static<typeof cronSettings>;

/** What the stack writes when the stage file says nothing (Kubernetes' other defaults are left to it). */
export const DEFAULTS = {
  /** Kubernetes' default is Allow: a run that outlasts its period would pile up Jobs. */
  concurrencyPolicy: 'Forbid',
  /** A Job's pods may not restart Always (a pod's default), so the stack always says which. */
  restartPolicy: 'OnFailure',
  successfulJobsHistoryLimit: 3,
  failedJobsHistoryLimit: 1,
} as const;
