/**
 * The one object of a `cron` instance: a CronJob named after the instance, whose pods run one
 * container restricted as the service stack's are (its security context and environment, from
 * apps/service/chart.ts), with a writable `/tmp` beside a read-only root.
 */
import type { Chart } from 'cdk8s';
import { k8s } from '../../lib/k8s.js';
import { toResources } from '../../lib/constructs/app-deployment.js';
import { allowPolicyException, type PolicyControl } from '../../lib/policy.js';
import { containerEnv, securityContext } from '../service/chart.js';
import { DEFAULTS, type CronSettings } from './settings.js';

/** A list, or undefined when it is empty (the output has no empty lists). */
const orUndefined = <T>(list: readonly T[] | undefined): T[] | undefined => (list?.length ? [...list] : undefined);

export function cronChart(chart: Chart, name: string, s: CronSettings): Chart {
  const container = securityContext({ security: s.security });
  // a read-only root filesystem still needs somewhere to write temporary files
  const tmp = container.readOnlyRootFilesystem === true;
  const cronJob = new k8s.KubeCronJob(chart, 'cronjob', {
    metadata: { name },
    spec: {
      schedule: s.schedule,
      timeZone: s.timeZone,
      concurrencyPolicy: s.concurrencyPolicy ?? DEFAULTS.concurrencyPolicy,
      suspend: s.suspend,
      startingDeadlineSeconds: s.startingDeadlineSeconds,
      successfulJobsHistoryLimit: s.successfulJobsHistoryLimit ?? DEFAULTS.successfulJobsHistoryLimit,
      failedJobsHistoryLimit: s.failedJobsHistoryLimit ?? DEFAULTS.failedJobsHistoryLimit,
      jobTemplate: {
        spec: {
          backoffLimit: s.backoffLimit,
          activeDeadlineSeconds: s.activeDeadlineSeconds,
          ttlSecondsAfterFinished: s.ttlSecondsAfterFinished,
          template: {
            spec: {
              restartPolicy: s.restartPolicy ?? DEFAULTS.restartPolicy,
              serviceAccountName: s.serviceAccountName,
              automountServiceAccountToken: s.automountServiceAccountToken ?? false,
              imagePullSecrets: orUndefined(s.imagePullSecrets?.map((secret) => ({ name: secret }))),
              securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
              containers: [
                {
                  name,
                  image: s.image,
                  imagePullPolicy: 'IfNotPresent',
                  command: orUndefined(s.command),
                  args: orUndefined(s.args),
                  env: orUndefined(containerEnv(s)),
                  resources: toResources(s.resources),
                  securityContext: container,
                  volumeMounts: tmp ? [{ name: 'tmp', mountPath: '/tmp' }] : undefined,
                },
              ],
              volumes: tmp ? [{ name: 'tmp', emptyDir: {} }] : undefined,
            },
          },
        },
      },
    },
  });
  for (const [control, reason] of Object.entries((s.security?.exceptions ?? {}) as Record<string, string>))
    allowPolicyException(cronJob, control as PolicyControl, reason);
  return chart;
}
