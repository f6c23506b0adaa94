/**
 * The schema of a stage file (`environments/<stage>.yaml`), composed from the settings schemas
 * of the stacks in `apps/`: each stack owns the schema of its own entry under `apps:`.
 */
import type { TOptional } from '@sinclair/typebox';

/** The id of the chart that holds a stage's Namespace (lib/synth/rendered.ts's `NAMESPACE_CHART`, made by render.ts): no app may take it. */
export const NAMESPACE_CHART = 'namespace';
import {
  DNS_LABEL_PATTERN,
  DnsLabel,
  IMAGE_REF_PATTERN,
  ImageRef,
  Mapping,
  Settings,
  StringEnum,
  TAG_TEMPLATE_PATTERN,
  Type,
  type Static,
  type TSchema,
  DNS_SUBDOMAIN_PATTERN,
  ConfigKey,
  SecretName,
} from './types.js';
import { SecretStoreSettings, StageDeliverySettings } from './delivery.js';
import { EXISTING_OBJECT_FORM, EXISTING_OBJECT_PATTERN } from '../model/existing-objects.js';
import { edgeSettings } from '../edge/settings.js';

export const ARCHITECTURES = ['amd64', 'arm', 'arm64'] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

export const NODE_ROLES = ['control-plane', 'worker'] as const;
export type NodeRole = (typeof NODE_ROLES)[number];

/** What an app's name under `apps:` must be. */
export const APP_NAME = {
  type: 'string',
  pattern: DNS_LABEL_PATTERN,
  maxLength: 63,
  not: { enum: [NAMESPACE_CHART] },
  expected: `a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters) other than '${NAMESPACE_CHART}'`,
} as const;

/** A Secret made outside stagecraft: its name, or its name and the keys pods may read. */
const ExternalSecret = Type.Unsafe<string | { name: string; keys?: string[] }>({
  // if/then/else, not anyOf: one message for a bad value, whichever form it has
  if: { type: 'string' },
  // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then/else keyword; a schema is data, never awaited
  then: SecretName(),
  else: Settings(
    {
      name: SecretName(),
      keys: Type.Optional(
        Type.Array(ConfigKey('a Secret key'), {
          minItems: 1,
          uniqueItems: true,
          description: 'The keys pods may read; a pod reading another is refused (refs/secret-key). @default - not listed: any key',
        }),
      ),
    },
    // a value of neither form (`- 5`, `- [a, b]`) is told both, not only the form it was not
    { expected: 'a Secret name, or a mapping { name, keys } that lists the keys pods may read' },
  ),
});

/** A top-level key that stagecraft leaves to the file (`x-defaults:`): anything goes under it, and it configures nothing. */
export const EXTENSION_KEY = /^x-/;
const EXTENSION_DESCRIPTION =
  'Ignored by stagecraft: a place for YAML anchors that apps merge, e.g. `x-defaults: &defaults` and `<<: *defaults` under an app.';

/** Stage-level settings, the same whatever stacks exist. */
export const stageProperties = {
  namespace: Type.Optional(DnsLabel({ description: 'Namespace of the stage. @default - the stage name (the file name without .yaml)' })),
  architecture: Type.Optional(StringEnum(ARCHITECTURES, { description: "CPU architecture of the stage's nodes. @default amd64" })),
  nodes: Type.Optional(
    Mapping(
      // a node name becomes a directory of dist/<stage>/: at most 253 characters, as Kubernetes names nodes
      Type.String({
        pattern: DNS_SUBDOMAIN_PATTERN,
        maxLength: 253,
        expected: "a host name (labels of lowercase letters, digits and '-', joined by '.') of at most 253 characters",
      }),
      Settings({
        roles: Type.Optional(
          Type.Array(StringEnum(NODE_ROLES), { uniqueItems: true, description: 'What the node does. @default [worker]' }),
        ),
        address: Type.Optional(Type.String({ minLength: 1, description: 'IP address or host name. @default - none' })),
      }),
      {
        description: "The cluster's nodes by host name, for stacks that place things on particular nodes (static pods, pinned pods).",
      },
    ),
  ),
  checks: Type.Optional(
    Settings(
      {
        podSecurity: Type.Optional(
          StringEnum(['baseline', 'restricted'], { description: 'Pod Security Standard every workload must meet. @default baseline' }),
        ),
        existingNamespaces: Type.Optional(
          Type.Array(DnsLabel(), {
            uniqueItems: true,
            description:
              'Namespaces the cluster already has, that objects may live in without the stage creating them (default, kube-system, kube-public and kube-node-lease always count). @default []',
          }),
        ),
        existingObjects: Type.Optional(
          Type.Array(Type.String({ pattern: EXISTING_OBJECT_PATTERN, expected: EXISTING_OBJECT_FORM }), {
            uniqueItems: true,
            description: `External Secrets stores, cert-manager issuers, Deployments, Services and Gateways the cluster already has, made outside the stage (by another team, a Helm release, an operator), that its ExternalSecrets, Certificates, Ingresses, Argo Rollouts (workloadRef) and Gateway API routes (their backends and parents) may name: ${EXISTING_OBJECT_FORM}. A name near one of those the stage makes is refused as a misspelling unless it is declared here. @default []`,
          }),
        ),
      },
      { description: "How the checks judge the stage's objects (lib/checks/)." },
    ),
  ),
  delivery: Type.Optional(StageDeliverySettings),
  secretStore: Type.Optional(SecretStoreSettings),
  secrets: Type.Optional(
    Settings(
      {
        allow: Type.Optional(
          Type.Array(
            Settings({
              path: Type.String({
                pattern: '^[^\\s]+$',
                expected: 'a setting of this file, e.g. apps.demoapp.config.CA_BUNDLE',
                description: 'The setting whose value is not a secret, as a dotted path (list items as [0]).',
              }),
              reason: Type.String({ minLength: 1, description: 'Why the value is not a secret (listed in the synth summary).' }),
            }),
            {
              description:
                'Values that look like secrets but are not (a public certificate, a known-public token): each by its setting, with a reason. @default []',
            },
          ),
        ),
        external: Type.Optional(
          Type.Array(ExternalSecret, {
            minItems: 1,
            description:
              "Secrets of the stage's namespace made outside stagecraft (by a controller or a Job among a manifests app's files, cert-manager, Sealed Secrets, kubectl): by name, or as { name, keys } to list the keys pods may read (else any). Pods may use them; the Namespace lists them as required (stagecraft.dev/required-secrets); npm run secrets and the secret store never make them. @default []",
          }),
        ),
      },
      {
        description:
          'Exceptions to the screening of values for secrets (lib/model/secret-rules.ts), and the Secrets the stage uses but does not make.',
      },
    ),
  ),
  edge: Type.Optional(edgeSettings),
  serviceAccounts: Type.Optional(
    Settings(
      {
        external: Type.Optional(
          Type.Array(DnsLabel(), {
            minItems: 1,
            uniqueItems: true,
            description:
              "ServiceAccounts of the stage's namespace made outside stagecraft (by a Helm chart, a cloud's IAM integration, kubectl), which pods may run as (serviceAccountName); the Namespace lists them as required (stagecraft.dev/required-service-accounts). @default []",
          }),
        ),
      },
      { description: 'ServiceAccounts the stage uses but does not make.' },
    ),
  ),
  promotion: Type.Optional(
    Settings(
      { from: DnsLabel({ description: 'The stage whose releases come here: `npm run promote -- <from> <this stage>`.' }) },
      { description: 'Where this stage gets its releases from; stages without it are not promoted to. @default - none' },
    ),
  ),
  partOf: Type.Optional(
    DnsLabel({ description: 'Value of the app.kubernetes.io/part-of label on every object. @default - the namespace' }),
  ),
  images: Type.Optional(
    Settings(
      {
        substitute: Type.Optional(
          Mapping(
            Type.String({
              pattern: IMAGE_REF_PATTERN,
              expected: 'an image as a stack names it, such as registry:2, or a repository such as demoapp',
            }),
            Type.String({
              pattern: TAG_TEMPLATE_PATTERN,
              expected:
                "an image reference such as demoapp:1-arm; for a repository, a repository (demoapp-arm) or an image with '{tag}' in its tag (registry/demoapp:{tag}-arm)",
            }),
            {
              description:
                "Image as a stack names it -> the image to run instead on this stage's architecture (before the built-in table). " +
                "A key with a tag or digest (demoapp:1) maps that image only, to the image given. A key without one (demoapp) is a repository and maps every tag of it, keeping the tag: to the same tag of the repository given (demoapp: demoapp-arm runs demoapp-arm:1.1 for demoapp:1.1), or to the image given with the tag put in for '{tag}' (demoapp: registry/demoapp:{tag}-arm runs registry/demoapp:1.1-arm); an image pinned by digest needs a key of its own. @default - none",
            },
          ),
        ),
        native: Type.Optional(
          Type.Array(ImageRef(), {
            uniqueItems: true,
            description:
              "Images that run on this stage's architecture as they are (multi-arch, such as your own images built for it too, or built for it only); a repository without a tag covers every tag. @default - none",
          }),
        ),
      },
      {
        description:
          'Additions to the image table of lib/transforms/arm-images.ts, for this stage (used when the architecture is not amd64).',
      },
    ),
  ),
};

/** A stage's additions to the image table (`images:` in the stage file). */
export interface StageImages {
  readonly substitute: Readonly<Record<string, string>>;
  readonly native: readonly string[];
}

/** The whole stage file, given the settings schema of each stack (all optional: a stage deploys the stacks it names). */
export function stageFileSchema<A extends Record<string, TSchema>>(stacks: A) {
  const apps = Object.fromEntries(Object.entries(stacks).map(([name, s]) => [name, Type.Optional(s)])) as {
    [K in keyof A]: TOptional<A[K]>;
  };
  return Settings(
    {
      ...stageProperties,
      apps: Settings(apps, {
        description:
          'The apps this stage deploys: under the name of a stack, its settings; under any other name, ' +
          'another instance of the stack named by `stack:`, with the same settings.',
        // an app's name names its chart, its objects and its output file: a DNS-1123 label, and not
        // the name of the stage's own chart (`namespace`)
        propertyNames: APP_NAME,
        additionalProperties: Type.Object(
          { stack: StringEnum(Object.keys(stacks), { description: 'The stack this app is an instance of.' }) },
          { additionalProperties: true },
        ),
      }),
    },
    {
      // keys starting with x- are the file's own, as in Docker Compose: a place for YAML anchors
      // (`x-defaults: &defaults`) that apps merge (`<<: *defaults`); stagecraft reads nothing there
      patternProperties: { [EXTENSION_KEY.source]: { description: EXTENSION_DESCRIPTION } },
      $id: 'https://stagecraft.dev/schemas/stage.json',
      title: 'stagecraft stage file',
      description: 'One stage (namespace) of a stagecraft project: which stacks it deploys and with what settings.',
    },
  );
}

export type StageFileSchema<A extends Record<string, TSchema>> = ReturnType<typeof stageFileSchema<A>>;
export type StageFile<A extends Record<string, TSchema>> = Static<StageFileSchema<A>>;

/** What the editor schema needs of a stack: its settings' schema and where its release lives. */
export interface EditorStack {
  readonly settings: TSchema;
  readonly release?: { readonly image: readonly string[]; readonly blueGreen?: readonly string[] };
}

type JsonSchema = { [key: string]: unknown };

/**
 * The stage-file schema as editors get it (environments/stage.schema.json): the same schema, plus
 * what the compiler checks in other ways. An app that names its stack with `stack:` is checked
 * against that stack's settings (the compiler validates those apps one by one, for located
 * messages), and a stack's `image` may not sit beside its `blueGreen` (the stacks' refine steps
 * say so at synth). Plain JSON Schema draft-07 (`if`/`then`, `not`), which the YAML language
 * server understands.
 */
export function editorSchema(schema: TSchema, stacks: Readonly<Record<string, EditorStack>>): JsonSchema {
  const json = JSON.parse(JSON.stringify(schema)) as JsonSchema;
  const settingsOf = (name: string): JsonSchema => {
    const settings = JSON.parse(JSON.stringify(stacks[name].settings)) as JsonSchema;
    const release = stacks[name].release;
    if (release?.blueGreen && release.image.length === 1 && release.blueGreen.length === 1) {
      settings.not = {
        required: [release.image[0], release.blueGreen[0]],
        description: `${release.image[0]} and ${release.blueGreen[0]} exclude each other: each color has its own image`,
      };
    }
    return settings;
  };
  const apps = (json.properties as Record<string, JsonSchema>).apps;
  const appProperties = apps.properties as Record<string, JsonSchema>;
  for (const name of Object.keys(appProperties)) appProperties[name] = settingsOf(name);
  const instance = apps.additionalProperties as JsonSchema;
  const stackKey = (instance.properties as Record<string, JsonSchema>).stack;
  instance.allOf = Object.keys(stacks).map((name) => {
    const settings = settingsOf(name);
    return {
      if: { properties: { stack: { const: name } }, required: ['stack'] },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then, not a thenable
      then: { ...settings, properties: { stack: stackKey, ...(settings.properties as JsonSchema) } },
    };
  });
  return json;
}
