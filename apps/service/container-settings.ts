/**
 * The setting of the service stack's (and the cron stack's) stage-file entry that wrote a container
 * of its workloads other than the app container: a sidecar, `sidecars[i]`, or a step,
 * `initContainers[i]`. A check's finding on that container is said there, where its fix goes (a
 * sidecar without probes at its entry), not at the app's key. Told from the finding's path alone,
 * never the object's fields, so that an app the render cache kept is placed as one just rendered.
 */
import { type FieldPath, valueAt } from '../../lib/model/field-path.js';
import type { SettingPlace } from '../../lib/stack.js';
import type { ServiceSettings } from './settings.js';

/**
 * For each list of a pod's containers: the entries that wrote them (the app container is the
 * first of `containers`, so a sidecar's index is one less), and the fields of a container that the
 * entry's own settings write, with where. A field not listed is the app's (the mounts, the security
 * context; a step's environment and resources), and so is a listed one the entry leaves out (a
 * sidecar or step with no `image` runs the app's). A finding on a whole container is about a field
 * it lacks (the checks' `resources`, a probe): `lacking` says whose setting that is.
 */
const WRITTEN_BY: readonly {
  readonly list: 'containers' | 'initContainers';
  readonly setting: 'sidecars' | 'initContainers';
  readonly first: number;
  readonly fields: Readonly<Record<string, FieldPath>>;
  readonly lacking: 'entry' | 'app';
}[] = [
  {
    list: 'containers',
    setting: 'sidecars',
    first: 1,
    // a sidecar writes its own resources and probes: the entry is where they go
    lacking: 'entry',
    fields: {
      name: ['name'],
      image: ['image'],
      command: ['command'],
      args: ['args'],
      ports: ['ports'],
      env: ['env'],
      resources: ['resources'],
      livenessProbe: ['probes', 'liveness'],
      readinessProbe: ['probes', 'readiness'],
      startupProbe: ['probes', 'startup'],
    },
  },
  {
    list: 'initContainers',
    setting: 'initContainers',
    first: 0,
    // a step has only a name, an image and a command of its own: it runs with the app's resources and environment,
    // so a step without resources is the app's `resources` to set, not the step's entry (which takes none)
    lacking: 'app',
    fields: { name: ['name'], image: ['image'], command: ['command'], args: ['args'] },
  },
];

/**
 * The entry (or its setting) that wrote the container at `path` of a workload of the app, or of
 * one of its fields: undefined for the app container, and for a field the app's settings wrote.
 */
export function containerSetting(s: Pick<ServiceSettings, 'sidecars' | 'initContainers'>, path: FieldPath): SettingPlace | undefined {
  for (const { list, setting, first, fields, lacking } of WRITTEN_BY) {
    const at = path.indexOf(list);
    const index = path[at + 1];
    if (at < 0 || typeof index !== 'number') continue;
    const entry = s[setting]?.[index - first];
    if (entry === undefined) return undefined;
    const place: FieldPath = [setting, index - first];
    if (path.length === at + 2) return lacking === 'entry' ? { path: place } : undefined;
    const field = fields[String(path[at + 2])];
    return field && valueAt(entry, field) !== undefined ? { path: [...place, ...field] } : undefined;
  }
  return undefined;
}
