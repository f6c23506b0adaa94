/**
 * Releases: which settings of an app make up the release that moves between stages
 * (`npm run promote`), and blue/green, where a stage runs two releases side by side and a Service
 * sends traffic to the live one (`npm run switch`). Pure data and helpers; the commands live in
 * lib/cli/, the objects in the stacks.
 */
import { ImageRef, Settings, StringEnum, Type, type Static, type TSchema } from './config/types.js';
import { imageVersion } from './model/image.js';
import { compareReleases } from './release-order.js';

export const COLORS = ['blue', 'green'] as const;
export type Color = (typeof COLORS)[number];

/** The schema of a stack's blue/green setting: the live color and the image each color runs. */
export const BlueGreen = (description: string) =>
  Settings(
    {
      live: StringEnum(COLORS, { description: 'The color the Service sends traffic to; `npm run switch` flips it.' }),
      blue: ImageRef({ description: 'The image (and so the release) the blue Deployment runs.' }),
      green: ImageRef({ description: 'The image (and so the release) the green Deployment runs.' }),
    },
    { description },
  );
export type BlueGreenSettings = Static<ReturnType<typeof BlueGreen>>;

/** `service.colorNodePorts` of a blue/green stack: a NodePort Service per color, for an edge that switches colors itself. */
export const ColorNodePorts = (description: string) =>
  Settings(
    {
      blue: Type.Integer({ minimum: 30000, maximum: 32767, description: 'Node port of the Service <name>-blue.' }),
      green: Type.Integer({ minimum: 30000, maximum: 32767, description: 'Node port of the Service <name>-green.' }),
    },
    { description },
  );

/**
 * The port an edge load balancer sends a published app's HTTP to, of its ports (a Service's, or a
 * stack's settings by name): the only one; of several, the one named `http`, else the one the
 * readiness probe checks (what is ready is what gets traffic); else undefined, since which one is
 * meant is not known. A port named `http` wins over the probed one: a probe on an admin or metrics
 * port says where the app reports its readiness, not where it serves. One choice for the edge
 * (lib/edge/publish.ts) and the stacks' color Services (`service.colorNodePorts`), which expose
 * that port alone: were they to choose otherwise, the edge would send the internet to another port.
 * Before all of these, the port the app declares its traffic goes to (the Ingress's, such as a
 * sidecar proxy in front of the app: the edge must not go round it).
 * @param nameOf a port's name
 * @param probed whether the readiness probe checks that port
 * @param declared whether the app sends its traffic to that port (`ingress.port`); none by default
 */
export function servingPort<T>(
  ports: readonly T[],
  nameOf: (port: T) => string | undefined,
  probed: (port: T) => boolean,
  declared: (port: T) => boolean = () => false,
): T | undefined {
  const chosen = ports.find(declared);
  if (chosen !== undefined || ports.length <= 1) return chosen ?? ports[0];
  return ports.find((p) => nameOf(p) === 'http') ?? ports.find(probed);
}

/** The label by which a color's pods are told apart, and the Service picks the live ones: `color: blue`. */
export const COLOR_LABEL = 'color';

/** The name of a color's objects (its Deployment, its autoscaler): `demoapp-blue`. */
export function colorName(name: string, color: Color): string {
  return `${name}-${color}`;
}

/** The color that receives no traffic: where `npm run promote` writes a new release. */
export function idleColor(live: Color): Color {
  return live === 'blue' ? 'green' : 'blue';
}

/** One level less, for the recursion of `PathsTo`: settings nest a few levels (demoapp's database.backup.schedule). */
type Shallower = [never, 0, 1, 2, 3, 4];

/**
 * The paths of keys into settings of type `T` (through mappings, not into lists) whose value is a
 * `V`, as tuples: `readonly ['database', 'image']`. A mapping of any keys (`env:`) takes any key.
 */
type PathsTo<T, V, Depth extends number = 5> = [Depth] extends [never]
  ? never
  : T extends readonly unknown[]
    ? never
    : T extends object
      ? {
          [K in keyof T & string]-?:
            | (NonNullable<T[K]> extends V ? readonly [K] : never)
            | readonly [K, ...PathsTo<NonNullable<T[K]>, V, Shallower[Depth]>];
        }[keyof T & string]
      : never;

/**
 * A path of keys below `apps.<name>` in a stage file, e.g. `['database', 'image']`; given the
 * settings' type `T` (`Static<typeof settings>`), only a path to a setting of it whose value is a
 * `V`, so that a misspelt release path (`['imag']`) does not compile.
 */
export type SettingPath<T = unknown, V = unknown> = unknown extends T ? readonly string[] : PathsTo<T, V>;

/** The value at `path` in an app's settings, or undefined (lib/model's `valueAt`, by the name release code uses). */
export { valueAt as settingAt } from './model/field-path.js';

/**
 * Where a stack keeps its release in its settings: what `npm run promote` copies from stage to
 * stage. Given the settings' type `T`, each path must name a setting of it of the right kind;
 * `Stack.release` takes it untyped (any path), and test/apps/release-paths.test.ts checks the
 * release of every registered stack against its schema (`releasePathMistakes`).
 */
export interface ReleaseSettings<T = unknown> {
  /** The image whose tag is the app's version, e.g. `['image']`. */
  readonly image: SettingPath<T, string>;
  /**
   * The blue/green setting (see `BlueGreen`), used instead of `image` when a stage sets it.
   * @default - the stack only rolls out in place
   */
  readonly blueGreen?: SettingPath<T, BlueGreenSettings>;
  /**
   * Other settings that travel with the release, e.g. the database image.
   * @default []
   */
  readonly with?: readonly SettingPath<T, string>[];
}

/** A schema as JSON Schema reads it: the keywords `releasePathMistakes` follows. */
type SchemaNode = {
  readonly type?: unknown;
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly patternProperties?: Readonly<Record<string, SchemaNode>>;
  readonly additionalProperties?: SchemaNode | boolean;
};

/** The schema of the setting at `path` below `schema`, or the key where the path leaves it and the keys known there. */
function schemaAt(schema: SchemaNode, path: SettingPath): SchemaNode | { readonly missing: string; readonly known: readonly string[] } {
  let node = schema;
  for (const key of path) {
    const next =
      (node.properties && Object.hasOwn(node.properties, key) ? node.properties[key] : undefined) ??
      Object.entries(node.patternProperties ?? {}).find(([pattern]) => new RegExp(pattern, 'u').test(key))?.[1] ??
      (typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined);
    if (!next) return { missing: key, known: Object.keys(node.properties ?? {}) };
    node = next;
  }
  return node;
}

/** A release path to check, with what its setting must be. */
interface ReleasePath {
  readonly what: string;
  readonly path: SettingPath;
  readonly kind: string;
  readonly fits: (s: SchemaNode) => boolean;
}

const isString = (s: SchemaNode) => s.type === 'string';
const isBlueGreen = (s: SchemaNode) => ['live', 'blue', 'green'].every((k) => s.properties?.[k] !== undefined);

/**
 * What is wrong with a stack's `release` against its settings' schema: each path that names no
 * setting, or a setting of another kind (the image and `with` are strings, `blueGreen` a mapping
 * with live, blue and green), said as `release.image ["imag"] names no setting: ...`; empty when
 * all is well. A stack whose `release` is typed by its settings (`ReleaseSettings<Static<S>>`)
 * cannot get this wrong; test/apps/release-paths.test.ts checks every registered stack.
 */
export function releasePathMistakes(settings: TSchema, release: ReleaseSettings): string[] {
  const paths: ReleasePath[] = [
    { what: 'release.image', path: release.image, kind: 'a string (an image)', fits: isString },
    ...(release.blueGreen
      ? [{ what: 'release.blueGreen', path: release.blueGreen, kind: 'a blue/green setting (live, blue, green)', fits: isBlueGreen }]
      : []),
    ...(release.with ?? []).map((path, i) => ({ what: `release.with[${i}]`, path, kind: 'a string', fits: isString })),
  ];
  return paths.flatMap(({ what, path, kind, fits }) => {
    const at = schemaAt(settings as SchemaNode, path);
    const shown = `${what} ${JSON.stringify(path)}`;
    if ('missing' in at)
      return [`${shown} names no setting: '${at.missing}' is not one (the settings there: ${at.known.join(', ') || 'none'})`];
    return fits(at) ? [] : [`${shown} names a setting that is not ${kind}`];
  });
}

/**
 * Orders image versions the way people number releases: `1.9` before `1.10`. Made when first
 * needed: making it loads ICU's collation data (7-12 ms), which most compilations never use.
 */
let byVersion: Intl.Collator | undefined;

/**
 * The version the objects shared by both colors carry (`app.kubernetes.io/version`): the newer of
 * the two releases. It does not depend on which color is live, so a switch changes the Service's
 * selector and nothing else.
 */
export function blueGreenVersion(bg: BlueGreenSettings): string {
  const [a, b] = [imageVersion(bg.blue), imageVersion(bg.green)];
  return (compareReleases(a, b) ?? (byVersion ??= new Intl.Collator('en', { numeric: true })).compare(a, b)) >= 0 ? a : b;
}
