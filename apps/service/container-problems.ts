/**
 * The problems of the container's settings that the service and cron stacks share, each at its
 * setting: two volumes at one directory, a variable set twice, two containers of one name, and a
 * step that names the app's own image, which promotion leaves behind.
 */
import { argumentProblems, CONTAINER_PROGRAM, PRESTOP_PROGRAM, programProblem } from '../../lib/config/program.js';
import type { SettingsProblem } from '../../lib/stack.js';
import { repositoryOf, withoutDockerHub } from '../../lib/model/image.js';
import { TMP_MOUNT } from '../../lib/constructs/index.js';
import type { ServiceSettings } from './settings.js';
import { configMountOf } from './chart.js';

/**
 * The directories the settings mount volumes at, each once: the kubelet refuses a container that
 * mounts two volumes at one path, and a read-only root filesystem has its writable `/tmp` there
 * already. `name`, the instance's, gives the config files' default directory (`/etc/<name>`).
 */
export function mountProblems(
  s: Pick<ServiceSettings, 'security' | 'config' | 'secretFiles' | 'storage'>,
  name: string,
): SettingsProblem[] {
  /** The setting that mounts a volume at a directory (none for the /tmp of a read-only root), in the order the container mounts them. */
  const mounts: [path: (string | number)[], mountPath: string][] = [];
  if (!s.security?.writableRootFilesystem) mounts.push([[], TMP_MOUNT]);
  // config.files, when config.mountPath leaves them at their default directory
  if (Object.keys(s.config?.files ?? {}).length)
    mounts.push([s.config?.mountPath === undefined ? ['config', 'files'] : ['config', 'mountPath'], configMountOf(name, s)]);
  for (const [secret, f] of Object.entries(s.secretFiles ?? {})) mounts.push([['secretFiles', secret, 'mountPath'], f.mountPath]);
  if (s.storage) mounts.push([['storage', 'mountPath'], s.storage.mountPath]);
  const first = new Map<string, (string | number)[]>();
  const problems: SettingsProblem[] = [];
  for (const [path, mountPath] of mounts) {
    const dir = mountPath.replace(/(?<=.)\/+$/, '');
    const taken = first.get(dir);
    if (!taken) first.set(dir, path);
    else
      problems.push({
        code: 'config/conflict',
        path,
        message: taken.length
          ? `is ${mountPath}, ${taken.at(-1) === 'files' ? `where ${taken.join('.')} are mounted (config.mountPath's default, /etc/<name>)` : `as ${taken.join('.')} is`}: a container mounts one volume at a directory`
          : `is ${mountPath}, where the read-only root filesystem has its writable ${TMP_MOUNT} (an emptyDir): a container mounts one volume at a directory`,
        hint: 'give it a directory of its own (one inside another is fine)',
      });
  }
  return problems;
}

/**
 * The variables `envFrom.secrets` gives (each key a variable of its name) that another setting sets
 * too: the container would have one value (env over envFrom; of two envFrom sources, the later's),
 * and the other would be lost without a word. Refused at the key.
 */
export function envFromProblems(s: Pick<ServiceSettings, 'env' | 'secrets' | 'configMaps' | 'config' | 'envFrom'>): SettingsProblem[] {
  const set = new Map<string, string>();
  for (const variable of Object.keys(s.env ?? {})) set.set(variable, `env.${variable}`);
  for (const variable of Object.keys(s.config?.env ?? {})) set.set(variable, `config.env.${variable}`);
  for (const setting of ['secrets', 'configMaps'] as const)
    for (const [object, vars] of Object.entries(s[setting] ?? {}))
      for (const variable of Object.keys(vars)) set.set(variable, `${setting}.${object}.${variable}`);
  const problems: SettingsProblem[] = [];
  const fromSecrets = new Map<string, string>();
  for (const [secret, keys] of Object.entries(s.envFrom?.secrets ?? {}))
    keys.forEach((key, i) => {
      const other = set.get(key) ?? fromSecrets.get(key);
      if (other === undefined) fromSecrets.set(key, `envFrom.secrets.${secret}[${i}]`);
      else
        problems.push({
          code: 'config/conflict',
          path: ['envFrom', 'secrets', secret, i],
          message: `gives the variable ${key}, which ${other} sets too: the container would have one of the two values, and lose the other without a word`,
          hint: `set ${key} once: remove it here (and from the Secret), or remove ${other}`,
        });
    });
  return problems;
}

/**
 * The names of the pod's other containers (`initContainers`, `sidecars`), each once and none the app
 * container's (the app's own name): the API server refuses a pod with two containers of one name,
 * init ones included.
 */
export function containerNameProblems(
  app: string,
  s: Pick<ServiceSettings, 'initContainers'> & Partial<Pick<ServiceSettings, 'sidecars'>>,
): SettingsProblem[] {
  const seen = new Map<string, string>([[app, 'the app container (named after the app)']]);
  const problems: SettingsProblem[] = [];
  for (const [list, containers] of [
    ['initContainers', s.initContainers],
    ['sidecars', s.sidecars],
  ] as const)
    (containers ?? []).forEach((c, i) => {
      const first = seen.get(c.name);
      if (first === undefined) seen.set(c.name, `${list}[${i}].name`);
      else
        problems.push({
          code: 'config/conflict',
          path: [list, i, 'name'],
          message: `is ${c.name}, as ${first} is: the containers of a pod, init ones included, each have a name of their own`,
          hint: `give each ${list === 'sidecars' ? 'sidecar' : 'step'} a name of its own`,
        });
    });
  return problems;
}

/** The images a stage file gives the app (`image`, or each blue/green color's). */
type AppImages = { readonly image?: string; readonly blueGreen?: { readonly blue: string; readonly green: string } };

/**
 * The steps (`initContainers`) whose `image` is of the app's own repository (`team/api:1.3` beside
 * `image: team/api:1.4`): `npm run promote` moves the app's image (and each color's) from stage to
 * stage, not a step's, so the step stays at its release while the app moves on (a migration of the
 * schema of a release before). A warning at that image: left out, the step runs the app's own image,
 * each color's, released with it. Another repository (busybox) is the step's own tool.
 */
export function ownImageProblems(
  s: AppImages & Pick<ServiceSettings, 'initContainers'> & Partial<Pick<ServiceSettings, 'sidecars'>>,
): SettingsProblem[] {
  const apps = [s.image, s.blueGreen?.blue, s.blueGreen?.green].filter((i): i is string => i !== undefined);
  const repositories = new Set(apps.map(repositoryOf));
  const problems: SettingsProblem[] = [];
  const containers = [
    ...(s.initContainers ?? []).map((c, i) => ({ image: c.image, path: ['initContainers', i, 'image'], what: 'step' })),
    ...(s.sidecars ?? []).map((c, i) => ({ image: c.image, path: ['sidecars', i, 'image'], what: 'sidecar' })),
  ];
  for (const c of containers) {
    if (c.image === undefined || !repositories.has(repositoryOf(c.image))) continue;
    problems.push({
      code: 'config/conflict',
      severity: 'warning',
      path: c.path,
      message: `is ${c.image}, of the app's own repository (the app runs ${[...new Set(apps)].join(' and ')}): npm run promote moves the app's image, not this one, so the ${c.what} ${apps.some((a) => withoutDockerHub(a) === withoutDockerHub(c.image!)) ? 'would stay at this release when the app moves on' : 'stays at another release than the app'}`,
      hint: `leave image out: the ${c.what} then runs the app's own image (each blue/green color's), promoted with it`,
    });
  }
  return problems;
}

/** The settings that give a container (or a hook) a command and arguments, as `commandProblems` reads them. */
interface Commands {
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly preStop?: readonly string[];
  readonly initContainers?: readonly { readonly command: readonly string[]; readonly args?: readonly string[] }[];
  readonly sidecars?: readonly { readonly command?: readonly string[]; readonly args?: readonly string[] }[];
}

/**
 * The problems of each command's program, its first item (`programProblem`): empty or blank (`command:
 * [""]`, a template that left a value out), which the API server takes and which fails the container
 * at every start (a preStop hook, before every stop); or a whole command line in one item, a warning.
 * Later items, and `args`, are arguments, of which an empty one or one with spaces is one, unless it
 * is a flag and its value in one item, a warning too (`argumentProblems`).
 */
export function commandProblems(s: Commands): SettingsProblem[] {
  const containers: [at: (string | number)[], c: Pick<Commands, 'command' | 'args'>][] = [
    [[], s],
    ...(s.initContainers ?? []).map((c, i): [(string | number)[], typeof c] => [['initContainers', i], c]),
    ...(s.sidecars ?? []).map((c, i): [(string | number)[], typeof c] => [['sidecars', i], c]),
  ];
  return [
    ...containers.flatMap(([at, c]) => [
      ...programProblem(c.command, [...at, 'command'], CONTAINER_PROGRAM),
      ...argumentProblems(c.command, c.args, { command: [...at, 'command'], args: [...at, 'args'] }),
    ]),
    ...programProblem(s.preStop, ['preStop'], PRESTOP_PROGRAM),
    ...argumentProblems(s.preStop, undefined, { command: ['preStop'] }),
  ];
}
