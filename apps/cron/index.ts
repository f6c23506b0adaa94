/**
 * The `cron` stack: a team's nightly or batch job as one CronJob per app, from the stage file
 * alone (schedule and time zone, image, command, env, Secret and ConfigMap keys, resources, the
 * CronJob's and its Jobs' policies, a restricted security context with declared exceptions). Its
 * image is its release: `npm run promote` copies it, and ARM stages substitute it as any image.
 */
import { Chart } from 'cdk8s';
import { defineStack, imageVersion, type SettingsProblem, type StageContext } from '../../lib/stack.js';
import { placementProblems, resourcesProblems } from '../../lib/config/workload.js';
import { SECURITY_EXCEPTIONS, service } from '../service/index.js';
import { commandProblems, envFromProblems, containerNameProblems, mountProblems, ownImageProblems } from '../service/container-problems.js';
import { cronChart } from './chart.js';
import { scheduleProblems } from './schedule.js';
import { cronSettings, type CronSettings } from './settings.js';

/** How often the CronJob controller looks at its CronJobs: a shorter starting deadline may pass unseen. */
const CONTROLLER_PERIOD_SECONDS = 10;

function refine(s: CronSettings, stage: StageContext, name: string): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  problems.push(...scheduleProblems(s, []));
  if (s.startingDeadlineSeconds !== undefined && s.startingDeadlineSeconds < CONTROLLER_PERIOD_SECONDS) {
    problems.push({
      code: 'config/invalid',
      severity: 'warning',
      path: ['startingDeadlineSeconds'],
      message: `is ${s.startingDeadlineSeconds}, less than the ${CONTROLLER_PERIOD_SECONDS} seconds between two looks of the CronJob controller: runs may be missed`,
      hint: `set ${CONTROLLER_PERIOD_SECONDS} or more, or leave it out`,
    });
  }
  problems.push(
    ...placementProblems(s, stage),
    ...mountProblems({ security: s.security, secretFiles: s.secretFiles }, name),
    ...envFromProblems(s),
    ...containerNameProblems(name, s),
    ...ownImageProblems(s),
    ...commandProblems(s),
  );
  // warnings: careless units of cpu and memory
  problems.push(...resourcesProblems(s.resources, ['resources']));
  return problems;
}

export const cron = defineStack({
  name: 'cron',
  settings: cronSettings,
  version: (s) => imageVersion(s.image),
  release: { image: ['image'] },
  refine,
  // the CronJob is named as the app, and a CronJob's name has at most 52 characters (its Jobs add 11)
  objectNames: (name) => [{ kind: 'CronJob', name }],
  // the Secrets and registry credentials it reads, declared as the service stack declares them
  secrets: (name, s, stage) =>
    service.secrets!(
      name,
      { secrets: s.secrets, envFrom: s.envFrom, secretFiles: s.secretFiles, imagePullSecrets: s.imagePullSecrets },
      stage,
    ),
  // a reference its settings wrote, to an object the stage lacks, is placed at the setting as the service stack's are
  settingOf: (s, object, path) =>
    service.settingOf!(
      { serviceAccountName: s.serviceAccountName, configMaps: s.configMaps, secrets: s.secrets, envFrom: s.envFrom },
      object,
      path,
    ),
  // a finding on one of its steps, said at the step as the service stack's are
  containerSetting: (s, path) => service.containerSetting!({ initContainers: s.initContainers }, path),
  // written on the CronJob as the service stack writes them on its Deployments
  policyExceptions: SECURITY_EXCEPTIONS,
  chart: (app, name, s, stage) => cronChart(new Chart(app, name, { disableResourceNameHashes: true }), name, s, stage),
});
