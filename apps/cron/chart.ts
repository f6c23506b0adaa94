/**
 * The one object of a `cron` instance: a CronJob named after the instance, whose pods run one
 * container (after its init containers) restricted as the service stack's are (its security
 * context, environment and spread, from apps/service/chart.ts) in the pod the service stack's
 * Deployments run (lib/constructs/one-container-pod.ts), with a writable `/tmp` beside a read-only root.
 */
import type { Chart } from 'cdk8s';
import { appSteps, k8s, keptApart, oneContainerPod, orUndefined, toResources } from '../../lib/constructs/index.js';
import { INSTANCE_LABEL, instanceLabel } from '../../lib/model/labels.js';
import type { StageContext } from '../../lib/stack.js';
import { allowPolicyExceptions } from '../../lib/policy.js';
import { containerEnv, containerEnvFrom, podSpread, secretFileVolumes, securityContext } from '../service/chart.js';
import { DEFAULTS, type CronSettings } from './settings.js';

export function cronChart(chart: Chart, name: string, s: CronSettings, stage: StageContext): Chart {
  const secretFiles = secretFileVolumes(s);
  const env = orUndefined(containerEnv(s));
  const envFrom = orUndefined(containerEnvFrom(s));
  const resources = toResources(s.resources);
  const { spread, antiAffinity } = podSpread(s);
  // the pods of every Job of the CronJob, which the transforms label with the app's instance
  const ownPods = () => ({ matchLabels: { [INSTANCE_LABEL]: instanceLabel(name, stage.name) } });
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
            spec: oneContainerPod({
              initContainers: appSteps(s.initContainers, { image: s.image, env, envFrom, resources }),
              container: { name, image: s.image, command: orUndefined(s.command), args: orUndefined(s.args), env, envFrom, resources },
              securityContext: securityContext({ security: s.security }),
              volumes: secretFiles.volumes,
              volumeMounts: secretFiles.mounts,
              fsGroup: secretFiles.fsGroup,
              restartPolicy: s.restartPolicy ?? DEFAULTS.restartPolicy,
              imagePullPolicy: s.imagePullPolicy,
              priorityClassName: s.priorityClassName,
              serviceAccountName: s.serviceAccountName,
              automountServiceAccountToken: s.automountServiceAccountToken,
              imagePullSecrets: s.imagePullSecrets,
              nodeSelector: s.nodeSelector,
              tolerations: s.tolerations,
              ...keptApart(ownPods, spread, antiAffinity),
            }),
          },
        },
      },
    },
  });
  allowPolicyExceptions(cronJob, s.security?.exceptions);
  return chart;
}
