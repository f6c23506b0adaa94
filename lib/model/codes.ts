/**
 * The catalogue of problem codes: every `code` a Problem or Finding carries, with a title and help
 * text, as data. Text, JSON and SARIF output read it (`codeInfo`); docs/problem-codes.md is
 * generated from it (`codesMarkdown`), and test/model/codes.test.ts fails when a code used in lib/
 * or apps/ is missing here. A new code: add a row, then run the test with UPDATE_DOCS=1.
 */
import type { ErrorCode as YamlErrorCode } from 'yaml';
import { RULES } from './rules.js';

export interface CodeInfo {
  /** `area/what`, stable: scripts, SARIF rules and docs key on it. */
  readonly code: string;
  /** What kind of problem it is, in a few words. */
  readonly title: string;
  /** What usually causes it and what to do, in a sentence or two. */
  readonly help: string;
}

const row = (code: string, title: string, help: string): CodeInfo => ({ code, title, help });

/** Errors of the yaml library, reported as `yaml/<code in kebab case>` (lib/model/read-yaml.ts). */
const YAML_ERRORS: readonly YamlErrorCode[] = [
  'ALIAS_PROPS',
  'BAD_ALIAS',
  'BAD_DIRECTIVE',
  'BAD_DQ_ESCAPE',
  'BAD_INDENT',
  'BAD_PROP_ORDER',
  'BAD_SCALAR_START',
  'BLOCK_AS_IMPLICIT_KEY',
  'BLOCK_IN_FLOW',
  'DUPLICATE_KEY',
  'IMPOSSIBLE',
  'KEY_OVER_1024_CHARS',
  'MISSING_CHAR',
  'MULTILINE_IMPLICIT_KEY',
  'MULTIPLE_ANCHORS',
  'MULTIPLE_DOCS',
  'MULTIPLE_TAGS',
  'NON_STRING_KEY',
  'RESOURCE_EXHAUSTION',
  'TAB_AS_INDENT',
  'TAG_RESOLVE_FAILED',
  'UNEXPECTED_TOKEN',
  'BAD_COLLECTION_TYPE',
];

/** The `yaml/...` code of a yaml library error. */
export function yamlErrorCode(code: string): string {
  return `yaml/${code.toLowerCase().replace(/_/g, '-')}`;
}

/** JSON Schema keywords the stage-file schema uses, reported as `config/<keyword>` (lib/config/validate.ts). */
const SCHEMA_KEYWORDS = [
  'type',
  'const',
  'enum',
  'pattern',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'uniqueItems',
  'propertyNames',
  'minProperties',
  'format',
];

/** The codes of problems that are not findings of the checks (those are described in rules.ts). */
const PROBLEM_CODES: readonly CodeInfo[] = [
  // stage files
  row(
    'config/stage-name',
    'Stage file name is not a DNS label',
    'The stage is named after its file: rename it to lowercase letters, digits and -.',
  ),
  row(
    'config/instance-label',
    'App and stage names too long together',
    "Every object carries app.kubernetes.io/instance: <app>-<stage> (the stage's Namespace: namespace-<stage>), a label value of at most 63 characters: shorten the app name or the stage file's name.",
  ),
  row(
    'config/object-name',
    "App name too long for its objects' names, or a name a setting gives that its kind refuses",
    "A stack names objects after the app (<app>-mysql-backup, <app>-green, kube-<app>), and each kind bounds its names (52 characters for a CronJob, 63 for a Service): shorten the app name as the hint says, or name the object with the setting it gives. A name a setting gives is bounded the same way, and a Service's starts with a letter (a DNS-1035 label).",
  ),
  row('config/empty', 'Empty stage file', 'A stage file is a mapping with at least apps:.'),
  row('config/not-a-mapping', 'Stage file is not a mapping', 'Start the file with apps: and the other stage settings.'),
  row(
    'config/unknown-key',
    'Unknown setting',
    'The key is not in the schema (environments/stage.schema.json); the message suggests the nearest known key.',
  ),
  row(
    'config/unknown-stack',
    'App names no known stack',
    'An app under apps: is either named after a stack or says which stack it is an instance of with stack:.',
  ),
  row(
    'config/stack-named-app',
    'An app named after a stack names another stack',
    "An app named after a stack is that stack's instance; give an instance of another stack a name of its own.",
  ),
  row('config/missing', 'Required setting missing', 'Add the setting the message names.'),
  ...SCHEMA_KEYWORDS.map((k) =>
    row(`config/${k}`, `Setting fails the schema's '${k}' rule`, 'The message says what the setting must be and what was found.'),
  ),
  row(
    'config/conflict',
    'Settings contradict each other',
    'Two settings of an app cannot hold together; the hint says which one to change.',
  ),
  row(
    'config/shared-namespace',
    "Two stages on one cluster write to one namespace (both name it, or one names the other's own)",
    "Their objects of one name are one object there, which each stage's apply replaces and each stage's prune deletes: give each stage a namespace of its own (its default, the stage's name).",
  ),
  row('config/invalid', 'Setting has an invalid value', 'The stack refused a value the schema allows; the message says why.'),
  row(
    'config/replicas',
    'A number of pods surely not meant',
    'More pods than one app is likely to run, or none while an Ingress still routes to the app: write the number meant.',
  ),
  row(
    'config/command-line',
    'A whole command line, a flag and its value, two flags, or a flag with blanks around it, in one item of a command',
    "The container runtime runs a command's first item as one program, and gives each later item (and each of args) to it as one argument, with no shell: give each word its own item, or run the line through [sh, -c, ...].",
  ),
  row(
    'config/unknown-port',
    'A port the app does not declare',
    "Name one of the app's ports: (an Ingress's port, a probe's port by name).",
  ),
  row(
    'config/registry-port',
    "The registry proxy's registryPort is not the port of the stage's registry",
    "The proxy forwards each node's localhost port to the registry's Service at registryPort: set it to the port the stage's registry app serves.",
  ),
  row('config/unknown-node', 'Unknown node', "An app names a node that is not under the stage's nodes:."),
  row('config/no-nodes', 'Stage has no nodes', 'The app needs nodes: in the stage file.'),
  row('config/control-plane-nodes', 'Control plane nodes missing', 'The control plane stack needs nodes with the control-plane role.'),
  row('config/secret-keys', 'Secret lacks keys', 'A declared Secret must list the keys the app reads.'),
  row(
    'config/secret-value',
    'Secret value in a stage file',
    'Stage files are committed: secret values go in the secrets file or environment variables.',
  ),
  ...YAML_ERRORS.map((c) =>
    row(
      yamlErrorCode(c),
      `YAML: ${c.toLowerCase().replace(/_/g, ' ')}`,
      "The file is not valid YAML at the place shown; the message is the YAML parser's.",
    ),
  ),
  row(
    'yaml/merge',
    'Merge key that merges no mapping',
    'A merge key (<<) merges a mapping, an alias of one, or a list of them (as kubectl reads it): merge a mapping, or write the keys out.',
  ),
  row('yaml/syntax', 'YAML syntax error', 'The file is not valid YAML at the place shown.'),
  row(
    'yaml/alias',
    'YAML alias expands too far',
    'Aliases may expand a limited number of times and only after their anchor: write the values out.',
  ),
  // rendering
  row(
    'construct/invalid',
    'Construct validation failed',
    'A construct of a stack refused its props; the message names the construct path.',
  ),
  row(
    'construct/error',
    'A stack failed while building an app',
    'A construct threw while the app at the location was built: its settings are usually the cause.',
  ),
  row(
    'node-files/unknown-node',
    'Node file for an unknown node',
    'Add the node under nodes: in the stage file, or write the file for another node.',
  ),
  row('node-files/file-name', 'Bad node file name', 'Node files are plain lowercase names ending in .yaml.'),
  row('node-files/duplicate', 'Node file written twice', 'Two apps write the same file on a node: rename one of the apps.'),
  row(
    'images/architecture-conflict',
    'Pod pinned to another architecture',
    "A kubernetes.io/arch node selector names another architecture than the stage's: remove it (stagecraft adds the stage's own, but to a manifests app's pods, whose templates it keeps as written: write the stage's there), or set architecture: in the stage file.",
  ),
  row(
    'images/no-build-for-architecture',
    'Image not built for the architecture',
    "Nothing says the image runs on the stage's architecture: list it under images.native if it is multi-arch (a repository covers every tag), or map it under images.substitute (a repository key keeps the tag); the message says what the image table knows of it.",
  ),
  row(
    'images/substitute-rule',
    'Substitute that contradicts its key',
    "A repository key (no tag) maps every tag, so its image keeps the tag (no tag, or '{tag}' in it); a key with a tag maps one image, written in full.",
  ),
  row(
    'images/unused-entry',
    'Unused images entry (warning)',
    'No container of the stage runs an image the entry names, or another entry decides for them: remove it, so that it cannot mislead.',
  ),
  row(
    'network/host-port-without-host-network',
    'hostPort on a CNI pod network',
    'On ARM stages a hostPort is ignored without the portmap plugin: use hostNetwork: true.',
  ),
  // checks over objects
  row('api/duplicate-object', 'Object defined twice', 'Two objects have the same kind, namespace and name.'),
  // input of npm run check
  row('input/no-yaml', 'No YAML files', 'Point npm run check at Kubernetes manifests (*.yaml, *.yml).'),
  row('input/no-objects', 'No Kubernetes objects', 'The YAML files hold no object with apiVersion and kind.'),
  row(
    'input/no-crds',
    'No CRD where --crds points',
    'A file or folder given to npm run check --crds holds no CustomResourceDefinition, so it would validate no custom resource: give the CRDs of your custom resources.',
  ),
  row('input/not-kubernetes', 'Not a Kubernetes object', 'A document of the file has no apiVersion or kind.'),
  row(
    'input/yaml-1.1',
    'A plain value kubectl reads otherwise (YAML 1.1)',
    'kubectl reads manifests by YAML 1.1 rules, stagecraft by YAML 1.2: yes/no/on/off/y/n are booleans there, 1_000 and 0b1 numbers, 010 octal (8), 2001-12-14 a timestamp, .inf and .nan floats JSON cannot hold, and a key must be a string for kubectl kustomize; an integer beyond 9007199254740991 is exact there, while stagecraft would hold and write the nearest double. Quote the value (or write the number meant) in a manifest given to npm run check or included by the manifests stack.',
  ),
  // commands
  row('cli/usage', 'Wrong command line', 'Run the command with --help to see its arguments.'),
  row('cli/arguments', 'Wrong number of arguments', 'The message says what the command takes, with an example.'),
  row('cli/option', 'Invalid option value', 'The message lists the values the option takes.'),
  row('cli/no-such-path', 'No such file or directory', 'Check the path given on the command line.'),
  row('cli/unknown-stage', 'Unknown stage', 'A stage is a file environments/<stage>.yaml.'),
  row(
    'cli/not-a-project',
    'Not in a project directory',
    'The directory the command runs in has no environments/ folder: run it in the project directory (where package.json and environments/ are).',
  ),
  row(
    'cli/no-stages',
    'No stage file',
    "environments/ holds no <stage>.yaml and dist/ no stage output, so there is nothing to compile or check: add a stage file. (With a removed stage's output still in dist/, npm run synth removes it, printing the command that deletes its objects.)",
  ),
  row(
    'cli/locked',
    'Another command is writing',
    'synth, promote and switch take the project lock (.stagecraft/lock); wait for the holder named in the message, or stop it.',
  ),
  row(
    'cli/stdout-closed',
    'Standard output closed',
    'Node.js reopens a closed standard output (>&-) on /dev/null, so what a command prints is lost: --help and --version refuse it; every command warns and exits with its own code, which a program discarding its output (as /dev/null opened the same way) counts on. Redirect it to a file, or to /dev/null with > to discard it on purpose.',
  ),
  row(
    'cli/state-file',
    'A file stagecraft keeps in .stagecraft/ cannot be kept (warning)',
    "A directory, a FIFO or an unreadable file stands where stagecraft keeps the record of the last synthesis (.stagecraft/fingerprint.json, which lets an unchanged check or synth answer without compiling) or the digests kept between commands (.stagecraft/digests.json), or a file stands at .stagecraft itself (then one warning says it, for the render cache too): the command's answer stands, but each compiles in full or reads every file again until it is gone. Remove it as the hint says; the next synth or check writes the file again (.stagecraft/ is safe to delete). A read-only checkout or a full disk keeps no such file, silently.",
  ),
  row(
    'diff/delivery-not-compared',
    "A stage's delivery objects not compared, since another stage has problems",
    'dist/delivery/ is planned from every stage: while another stage file has problems, npm run diff -- <stage> compares the stage alone and says which; npm run synth (or a diff of that stage) shows the problems.',
  ),
  row('edit/not-a-value', 'Stage file cannot be edited there', 'The setting to write is missing or not a single value: write it by hand.'),
  row(
    'edit/changed',
    'Stage file changed while promote or switch ran',
    'An edit saved while the command ran would be undone by writing the edit of the file as it was read: run the command again.',
  ),
  row('promote/order', 'Promotion out of order', 'Releases move through the stages in order; promote to the next stage.'),
  row('promote/no-app', 'App not in the source stage', 'The message lists the apps of the stage.'),
  row(
    'promote/app',
    'App cannot be promoted',
    'The message says what is missing in either stage. Promoting every app with nothing else to change, an app of the source is refused when it looks renamed in the target (the target deploys another app of its stack) or is of another stack there; an app the target never had is only a note.',
  ),
  row(
    'promote/older',
    'Promotion to an older release',
    'The target runs a later release (a hotfix that came back from a later stage): set that release in the source stage file by hand first, or pass --rollback to go back on purpose (--force does not lift it).',
  ),
  row(
    'promote/stale',
    'Stage output is stale',
    'Run npm run synth and review dist/ before promoting (the stage promoted from, and the one promoted to).',
  ),
  row(
    'release/live-image',
    "A blue/green app's live color changes its image (warning)",
    'Its pods are replaced while they serve traffic: give the new image to the idle color (npm run promote does), then npm run switch.',
  ),
  row(
    'output/data-leaves',
    'A claim, a volume with data or a Namespace leaves the stage (warning)',
    "A renamed or removed app or stage takes its PersistentVolumeClaim or PersistentVolume out of dist/<stage>: kubectl apply --prune deletes it (or, for a stage an engine delivers and prunes, Argo CD or Flux as the commit syncs) and a renamed one starts empty. A stage whose namespace changes takes its Namespace out, and with it everything in the namespace (Secrets, StatefulSet claims). Keep the names (and the data's place) through the stack's settings, or move the data on purpose.",
  ),
  row(
    'output/replicas-reset',
    'A workload loses spec.replicas (warning)',
    "An app given autoscaling (or a manifest without spec.replicas) no longer writes the field: kubectl apply removes it, the API server sets the default of 1 and the workload drops to one pod until its autoscaler scales it up. Remove the field from kubectl's last-applied configuration first (kubectl apply edit-last-applied). A manifest's spec.replicas: null (a Helm value left empty) does the same at every apply: write the number.",
  ),
  row(
    'output/autoscaler-leaves',
    'An autoscaler leaves while its workload writes no number of pods (warning)',
    'A HorizontalPodAutoscaler or a KEDA ScaledObject leaves the output and the workload it scaled has no spec.replicas of its own: with spec.replicas: null (a Helm value left empty) every kubectl apply sets it to 1 pod, which nothing scales up any more; with none, it keeps the number the autoscaler last set (KEDA: 0 when it had scaled an idle workload to zero). Write the number of pods in spec.replicas, or keep the autoscaler.',
  ),
  row(
    'output/secret-first',
    "The stage's pods read a Secret, or keys of one, that its output did not need before (warning)",
    'stagecraft never writes Secrets to dist/: make the Secret or add the keys first (npm run secrets, the secret store, or where it is made outside stagecraft), then apply the output, or the new pods fail with CreateContainerConfigError.',
  ),
  row(
    'output/config-not-rolled',
    'A ConfigMap read as environment variables changes, its workload does not (warning)',
    'The kubelet reads environment variables when a container starts, so the apply rolls out nothing: restart the workload after applying (kubectl rollout restart), or name the ConfigMap after its data so that the workload changes with it.',
  ),
  row(
    'output/template-not-rolled',
    "A ReplicationController's or ReplicaSet's pod spec changes (warning)",
    'Such a controller makes pods from its template only to replace pods that go, so kubectl apply rolls out nothing: the running pods keep the old image and settings. Delete its pods one at a time after applying (each is replaced from the new template), or run the app as a Deployment.',
  ),
  row(
    'output/immutable-field',
    'A field the API server will not change is changed (warning)',
    'kubectl apply is refused: keep the old value, or delete the object on purpose (kubectl delete; a workload with --cascade=orphan, so that its pods keep running) and apply again.',
  ),
  row(
    'output/applied-again',
    'Flux applies an object whose manifest before it skipped (warning)',
    "The manifest before had kustomize.toolkit.fluxcd.io/ssa: Ignore, reconcile: disabled or ssa: IfNotPresent, so the object in the cluster is as an older commit applied it: a field the API server will not change that changed since then is refused, which comparing the outputs does not show. Said only of an object whose manifest writes such a field (a Service's clusterIP, or leaves it out as a NodePort or LoadBalancer Service, which may not keep a headless Service's None; a controller's selector, a claim's spec, an immutable ConfigMap's or Secret's data or stringData), naming them but for those output/immutable-field names (the output before wrote them otherwise). Compare with the cluster before pushing (kubectl diff -k dist/<stage>), and write the value it holds, or delete the object on purpose.",
  ),
  row('switch/no-app', 'App not in the stage', 'The hint lists the apps of the stage.'),
  row('switch/not-blue-green', 'App does not run blue/green', 'Only apps with blueGreen: settings have a color to switch to.'),
  row('switch/stale', 'Stage output is stale', 'Run npm run synth before switching, so that what runs is what the stage file says.'),
  row(
    'switch/image',
    'Idle color runs other images',
    'dist/ runs other images for the idle color than the stage file gives it: synthesize and apply the stage first.',
  ),
  row('switch/version', 'Idle color runs another version', 'The idle color does not run the version asked for.'),
  row(
    'switch/no-pods',
    'Idle color scaled to zero',
    'The idle color runs no pods (replicas: 0), so the switch would send the traffic to none: give the app replicas, apply, wait for the rollout, then switch.',
  ),
  row('secrets/syntax', 'Bad secrets file line', 'Write NAME=value, one per line.'),
  row('secrets/duplicate', 'Variable set twice in a secrets file', 'Keep one line per variable.'),
  row('secrets/missing', 'Secret value missing', 'Set the variable in the environment or the secrets file.'),
  row('secrets/same-variable', 'Two Secret keys read one variable', 'Rename a key, so that each key is set by a variable of its own.'),
  row(
    'synth/foreign-files',
    'Files in dist/ that stagecraft did not write',
    'They are left alone; move them out of dist/ if kubectl apply -f should not read them.',
  ),
  row(
    'synth/foreign-file',
    'A hand-written file where output goes',
    'Move or rename the file: synth never overwrites a file it did not write.',
  ),
  row(
    'synth/output-changed',
    'A generated file changed while synth ran',
    'A file of dist/<stage>/ was removed or written over after its stage was compared with its new output and before the change was written, so nothing was written: run the command again.',
  ),
  row(
    'synth/delivery-not-updated',
    'dist/delivery/ not updated by a synthesis of some stages',
    'dist/delivery/ depends on every stage; a synthesis of some stages updates it only while the last full synthesis still holds for the others: run npm run synth.',
  ),
  row(
    'synth/claims-not-checked',
    'Node ports and edge addresses not compared across stages by a synthesis of some stages',
    'A synthesis of some stages compares what they take with what the last full synthesis recorded of the others, else with their output in dist/ while it is of their stage file as it is; of a stage whose file changed since, only the edge addresses its file writes (and the edge machines its output in dist/ runs on, which another stage may now name) are compared, its node ports not: run npm run synth to compare every stage.',
  ),
  row(
    'synth/journal',
    'A journal that cannot be completed here',
    'The journal of an interrupted write is damaged while its staged files are left, or is another checkout sharing .stagecraft/: do what the hint says.',
  ),
  row(
    'synth/not-writable',
    'A directory of dist/ or the project that cannot be written',
    'A write renames files and stage directories: make the directory writable (chmod u+w) or run as its owner.',
  ),
  row('synth/dist-not-a-directory', 'dist is not a plain directory', 'dist must be a directory of the project, not a symlink or a file.'),
  row(
    'synth/mount-point',
    'A mount point inside dist/, or a stage file or the schema mounted over',
    'Unmount it: stage directories and project files are replaced by rename, which cannot cross file systems nor replace a mount point (mount the directory environments/ rather than one file of it).',
  ),
  row(
    'synth/unmovable-directory',
    'A directory of dist/ that the file system cannot move',
    'A stage directory is replaced by moving it aside, which overlayfs refuses (EXDEV) for a directory of a lower layer (a container image) unless the overlay is mounted with redirect_dir=on: give the directory a copy of its own in the upper layer as the hint says (mv copies what it cannot move), or mount the overlay with redirect_dir=on.',
  ),
  row(
    'synth/linked-file',
    'A linked stage file that a rename cannot edit',
    'A stage file is replaced by a rename: one that is a symbolic link to another file system (which a rename cannot cross), or that has other hard links (which would keep the old text), is refused: edit that file by hand, or give the name a file of its own.',
  ),
  row(
    'synth/schema-link',
    'The schema was a symbolic link, replaced by the file',
    'The schema is written whatever the file holds, so never through a link (a cloned repository linking it to .git/config or ~/.bashrc): the link is replaced by the schema itself, and the file it led to stays as it was. Commit the schema as a file.',
  ),
  row('config/yml-extension', 'A stage file ending in .yml', 'Stage files end in .yaml; rename it as the hint says.'),
  row(
    'config/key-name',
    'An invalid name in a stage file',
    'App, node and key names become object names: use the grammar the message gives.',
  ),
  row('config/more-problems', 'More problems than shown', 'Only the first problems of a file are listed: fix them and run again.'),
  row('input/not-a-file', 'Not a regular file', 'Only regular files are read (no directories, devices or FIFOs): name a file.'),
  row('input/too-large', 'File too large', 'The file is larger than stagecraft reads (README, Bounds on input): split it.'),
  row('input/utf8', 'Not UTF-8', 'Save the file as UTF-8.'),
  row('input/nul', 'A NUL byte in the input', 'Remove the NUL byte: YAML text cannot hold one.'),
  row(
    'input/cr-line-endings',
    'Lines ending in a carriage return alone',
    "Save the file with LF line endings: a carriage return alone (classic Mac OS) is no line break to stagecraft's YAML reader, which would read the lines around it as one.",
  ),
  row(
    'input/byte-order-mark',
    'A byte-order mark at the start of a line inside the file',
    "Remove it: a byte-order mark (U+FEFF) belongs only at the very start of a file. Joining files saved with one (cat a.yaml b.yaml) leaves it at the start of a document, where kubectl skips it (but before a --- line, which kubectl then does not split the file at) and stagecraft's YAML reader would read it as part of the key.",
  ),
  row(
    'input/yaml-directive',
    'A YAML directive (%YAML, %TAG) in manifests',
    'Remove the line: kubectl and kustomize split a file at its --- lines before reading each part, which leaves a directive apart from its document, and refuse the file (did not find expected <document start>). Without %YAML 1.1 the file is read as YAML 1.2, and the values kubectl reads otherwise are said (input/yaml-1.1).',
  ),
  row(
    'input/merge-conflict',
    'Git merge conflict markers in the input',
    'Resolve the conflict: keep the lines you mean and delete the <<<<<<<, ======= and >>>>>>> lines.',
  ),
  row('yaml/too-deep', 'Nesting too deep', 'The document nests deeper than stagecraft reads (README, Bounds on input).'),
  row(
    'edge/unknown-app',
    'The edge publishes an app the stage does not deploy',
    'Name an app under apps: of the stage, or deploy the app.',
  ),
  row('edge/duplicate-host', 'A host published twice at the edge', 'Each host name goes to one app: remove one of the entries.'),
  row('edge/port-collision', 'Two edge frontends on one port', 'Give each frontend its own ports, or put the hosts in one frontend.'),
  row('edge/node-address', 'A node without an address', 'The edge sends traffic to every node: add address: to the node.'),
  row('edge/no-node-addresses', 'No node addresses for the edge', 'Declare the nodes with their addresses under nodes:.'),
  row(
    'edge/drain',
    'A drained node the edge cannot drain',
    'Name nodes with addresses under nodes: in edge.drainedNodes, and keep at least one of them serving.',
  ),
  row(
    'edge/floating-ip',
    'A floating IP keepalived cannot use',
    "keepalived moves the address between two or more machines on one network: declare a second machine, and give an address of the machines' network that is none of theirs (nor its network or broadcast address).",
  ),
  row('edge/duplicate-machine', 'Two edge machines with one address', 'Each machine needs its own address: fix or remove the second one.'),
  row(
    'edge/shared-address',
    'An edge machine or floating IP of two stages',
    "Each stage's haproxy.cfg and keepalived.conf are the whole files of its machines, and a floating IP is held by one machine: give each stage's edge machines and floating IP of their own.",
  ),
  row(
    'edge/machine-name',
    'An edge machine named by host name where another stage names its edge by address (warning)',
    "Host names are not resolved at synthesis, so the two are not compared (edge/shared-address): name every stage's edge machines by IP address, or all by host name.",
  ),
  row(
    'edge/machine-address',
    "An edge machine without an address of its floating IP's family",
    "keepalived's VRRP goes between the machines' addresses of the floating IP's family (IPv4, or IPv6 over VRRP version 3).",
  ),
  row(
    'edge/no-service',
    'A published app without a NodePort Service',
    'The edge reaches apps through node ports: give the app a NodePort Service (per color for blue/green).',
  ),
  row(
    'edge/ambiguous-port',
    'A published Service with several ports and none to choose',
    "The edge sends traffic to the port named http, else to the port the app's readiness probe checks: give the app one of these.",
  ),
  row(
    'edge/node-port',
    'A published Service without a fixed node port on the port that serves',
    'Declare the nodePort the hint suggests, so that it never moves between runs.',
  ),
  row(
    'edge/readiness-port',
    "A published app's readiness probe on a port without a declared node port, or that a color's Service does not expose (warning)",
    "HAProxy cannot GET the readiness path there, so it checks only that the served node port accepts connections: declare a nodePort for the probed port (HAProxy checks it there), or probe the port that serves (a color's Service exposes that one alone).",
  ),
  row(
    'edge/app-container',
    "A published Service whose pods' app container is a guess the readiness probes contradict (warning)",
    "The pods name no default container, and the container taken for the app (the one the pod's first place, its only probe and the Service's first port mostly point at) has no readiness probe while another it reaches has one (an exporter's): name the app's container with the pod annotation kubectl.kubernetes.io/default-container.",
  ),
  row(
    'edge/mixed-tls',
    'A published Service whose workloads serve its port in two schemes (one HTTPS, one plain HTTP)',
    'HAProxy reaches the pods through one node port, which kube-proxy spreads over all of them, so one scheme fails on the others: serve one scheme at that port in every workload the Service selects, or move the others to an app of their own (its own Service, published at its own host).',
  ),
  row(
    'edge/unknown-scheme',
    'A published Service whose workloads include one with no HTTP probe at the port another says HTTPS at (warning)',
    "HAProxy speaks TLS to every pod behind the Service's one node port, and whether the probe-less workload's pods answer TLS is not known: state its scheme with an HTTP probe at that port (scheme: HTTPS, or HTTP, which edge/mixed-tls then refuses with the way through).",
  ),
  row(
    'edge/hand-edit',
    "An edge file of a stage's output in dist/ edited by hand since the synthesis that wrote it (its bytes are not the digest inventory.txt records), which this synthesis writes again (warning)",
    "haproxy.cfg and keepalived.conf are generated: what the hand changed leaves the edge machines at their next reload. Make the change in the stage file's edge: settings; an edit that was committed shows going in git diff dist/. The edited lines are not quoted (a credential may be there).",
  ),
  row(
    'edge/point-dns',
    "An edge put back into a stage's output, or a floating IP that comes or moves to another address: the hosts' DNS is to name the new address (warning)",
    "Nothing a synthesis writes reaches DNS: the warning names the hosts and the address, once, as the synthesis that makes the change says it (npm run diff under the edge file). Put back: install and start the edge, then point the hosts at its floating IP or machines. A floating IP that moves: point the hosts at the machines' own addresses first and wait out the TTL, reload keepalived, then point them at the new address.",
  ),
  row(
    'edge/node-port-held',
    "A node port a stage now declares that a removed stage's Service holds on the same cluster, as the stage file its output was written from (the last commit's) or its edge says (warning)",
    "The API server refuses the new stage's Service (provided port is already allocated) until the removed stage's Service that holds it is deleted: delete that Service first (kubectl delete service -n <namespace> <name>, as the warning says), then apply the new stage, back to back; the removed stage's other objects go after, with the command npm run synth prints as it removes its output. Not said of the same Service (a stage renamed with its namespace kept), which kubectl apply takes over.",
  ),
  row(
    'edge/no-readiness',
    'A published app without a readiness path (warning)',
    'The edge health-checks the readiness path: give the app an HTTP readiness probe.',
  ),
  row(
    'edge/node-port-move',
    'A node port moves under a backend that takes traffic (warning)',
    "Between the kubectl apply that moves it and the reload of the new haproxy.cfg on every edge machine, every server of the backend is refused (or fails its check, for the port its readiness probe is checked at) and its hosts answer 503: apply and reload back to back, in a quiet moment; of a blue/green app, move the idle color's node port, then switch to it. A check port that comes is safe applied first, then reloaded; one that goes, reloaded first (the warning says which).",
  ),
  row(
    'edge/machine-leaves',
    "An edge machine that leaves a stage's edge, or every machine of an edge: taken out of the stage file, while its keepalived or haproxy still runs (warning)",
    "It keeps running the old haproxy.cfg and keepalived.conf: the machines that stay no longer count it as a peer, so it takes the floating IP as well and two machines answer for it. First stop it there (sudo systemctl disable --now keepalived haproxy), then install and reload the new files on the others; without a floating IP, point DNS at the machines that stay first. Of an edge taken out, point the DNS of its hosts elsewhere, then stop haproxy (and keepalived, with a floating IP) on every machine. A machine that another stage's edge now names gets that stage's files and a reload of haproxy instead, its old keepalived stopped first unless those files have a keepalived.conf for it.",
  ),
  row(
    'edge/floating-ip-leaves',
    "A stage's floating IP taken out of its stage file while its edge stays, or taken by another stage's edge from one (warning)",
    "Nothing stagecraft writes reaches keepalived on its machines any more: it keeps the old keepalived.conf and holds the address, and another stage's keepalived given it would be a second master. Point the hosts' DNS at the machines' own addresses, then stop keepalived on each (sudo systemctl disable --now keepalived), before the other stage's keepalived is reloaded with the address.",
  ),
  row(
    'config/missing-file',
    'An included file or folder that is not there',
    'Name a file, or a folder of .yaml, .yml or .json files, relative to the project root.',
  ),
  row(
    'config/outside-project',
    'An included path that leads outside the project',
    'A symbolic link on the way (or in an included folder) points outside the project, whose files alone are read: copy the manifests into the project.',
  ),
  row('config/promotion', 'A wrong promotion.from', 'Name an existing stage other than this one, without making a cycle.'),
  row(
    'manifests/helm-chart',
    'An included folder that is a Helm chart',
    'Its templates are not manifests until Helm renders them: render the chart (helm template), commit the output and include that.',
  ),
  row(
    'manifests/yaml-tag',
    'An included manifest value with a YAML tag JSON has no type for',
    'Tags such as !!timestamp, !!binary, !!set and !!omap make dates, bytes and sets, which no Kubernetes object holds: quote the value or drop the tag.',
  ),
  row(
    'manifests/kustomization',
    'An included kustomization that asks for more than listing its files',
    'The manifests stack skips kustomization files (they are no API objects) and applies none of their transformations: write them into the manifests, or leave the kustomization only resources.',
  ),
  row(
    'manifests/null-label',
    'An included label, annotation, selector, nodeSelector or ConfigMap/Secret data value written as null (warning)',
    'The API server stores a null there as "" when it creates the object; left null, the key would not stay (cdk8s drops a null label or annotation of the object when it renders it, and the next kubectl apply removes any other null key: a selector\'s is an immutable selector changed), so dist/ holds "". Write "" for an empty value; leave the key out only where it is no selector\'s.',
  ),
  row(
    'manifests/not-an-object',
    'An included document that is not a Kubernetes object',
    'Each document needs apiVersion, kind and metadata; write List items as separate documents.',
  ),
  row(
    'secrets/value',
    'A secret value (or key) in a stage file or a manifest',
    "Stage files and dist/ are committed: put the value in a Secret (its key declared, the value in the secrets file or the environment); a value that only looks secret goes under secrets.allow (a stage file's setting) or in its object's secrets.stagecraft.dev/allow annotation (manifests checked on their own, a manifests app's included files).",
  ),
  row(
    'secrets/key-name',
    'A value under a secret-looking name',
    "The name (DB_PASSWORD, API_TOKEN) says the value is secret: put it in a Secret, or declare the exception under secrets.allow (a stage file's setting) or in its object's secrets.stagecraft.dev/allow annotation.",
  ),
  row(
    'secrets/allow-unused',
    'A secret exception that excuses nothing',
    'The setting (secrets.allow) or field (a secrets.stagecraft.dev/allow annotation) holds no value that looks secret, or another kind of secret than the line names, or the line names an env entry by its index: fix the path (an env entry by its name, env[MAPS_KEY]) or the kind, or remove the entry, so that it cannot hide a later change.',
  ),
  row(
    'secrets/allow-unknown',
    'A secret exception naming no value',
    "The secrets.allow path names no value of the stage file: fix the dotted path (list items as [0]); a secrets.stagecraft.dev/allow annotation's line is not '<field> (<kind>): <reason>', names a field twice, names no kind of secret or a field under stagecraft's own prefixes (never excused), or its field holds more than the one secret it excuses.",
  ),
  row(
    'secrets/from-store',
    'Secrets come from a secret store',
    'The stage declares secretStore:, so the External Secrets Operator makes its Secrets; put the values in the store.',
  ),
  row(
    'secrets/terminal',
    'Secret values not printed on a terminal',
    'npm run secrets prints the values of the Secrets it makes only into a pipe or a file: pipe it to kubectl apply -f - (or to a pager, to read them).',
  ),
  row(
    'delivery/settings',
    'Delivery settings incomplete',
    'A stage with delivery: needs an engine, a repository URL and a cluster declared in stagecraft.yaml. A warning for a delivery.argocd in stagecraft.yaml when no stage is delivered by Argo CD: what it says of its tracking is then read by none.',
  ),
  row(
    'delivery/not-a-remote',
    "Repository URL none of the checkout's remotes",
    "A warning: stagecraft.yaml's delivery.repository.url, which the engines clone, names none of the remotes of the Git checkout the project is in (host and path as Git reads them, over https, ssh or scp-style), as after the repository moved (git remote set-url) or a URL mistyped: the engines would go on applying the stages as that repository holds them, which no push of this checkout reaches. Write the remote's URL (without credentials); or write copied: true if CI copies dist/ into that repository. Not said of a checkout without remotes, or with a local path for one.",
  ),
  row(
    'delivery/unknown-revision',
    "Revision none of the checkout's branches",
    "A warning, at the stage's (or stagecraft.yaml's) delivery.repository.revision: the repository the stage is delivered from is this checkout's own (a remote names it), and the revision (a branch, refs/heads/<branch>, refs/tags/<tag>; by Argo CD, which resolves a bare revision against the tags too, a bare tag) is none of the checkout's branches or tags, nor a branch of that remote as last fetched, as after git branch -m main trunk: once the repository has none either, the engine finds nothing to apply and the stage is never applied. Write the branch the engines should follow, or push it. Not said of a shallow or detached checkout (CI's), or one whose remote was never fetched, whose branch list is not at hand, nor of a commit (by Argo CD, one written short too).",
  ),
  row(
    'delivery/unchecked-path',
    "Project's place in its repository not checked",
    "A warning, at the first delivered stage's delivery:: Git was asked where the project lies in its repository (git rev-parse --show-prefix), to hold delivery.repository.path to it, and could not say: git is not installed, gave no answer within 10 s, or refuses a repository another user owns (safe.directory). A wrong path then shows only in the engine. Install git where the synthesis runs, or trust the repository (git config --global --add safe.directory <path>). Not said outside a Git work tree, where nothing is asked.",
  ),
  row(
    'delivery/repository-url',
    'Repository URL the engine cannot clone',
    "Flux clones http(s):// and ssh:// URLs only: write a git:// or scp-style (git@host:path) URL as ssh://git@host/path, which Argo CD reads too. Argo CD finds credentials by the URL with its port as written: leave out the default port of its scheme (:443, :22) for a stage it delivers (Flux reads either). Neither engine takes a fragment (#main) or a query (?ref=main, as kustomize writes a branch) for the revision: write the URL without it and the branch or tag as delivery.repository.revision. A page of the repository a Git host shows in a browser (https://github.com/acme/app/tree/main, GitLab's /-/tree/, Gitea's /src/branch/) is no clone URL: write the repository's, and the revision the page names. Flux clones an ssh:// URL only with the key of a Secret (delivery.repository.secret): name one and create it (flux create secret git), or write the https:// URL of a public repository.",
  ),
  row(
    'delivery/repository-credentials',
    'Credentials in a repository URL',
    "A user name over https:// (but the account a Git host writes in its clone URL: Azure DevOps's organization, a Bitbucket account), a password or a query (?private_token=) in delivery.repository.url would go into dist/delivery/: write the URL without them, and give the credentials to the engine (Argo CD: a repository Secret in argocd; Flux: the Secret that delivery.repository.secret names). A stage's secrets.allow does not excuse it: that exception lets a value into dist/, and no credential belongs there.",
  ),
  row(
    'delivery/revision',
    'Revision the engine would misread',
    "Flux follows a bare revision as a branch: write a tag as its full ref (refs/tags/v1.2.3), which Argo CD reads too, HEAD (Argo CD's default branch) as the branch's name, and a commit written short (3f7a9c2), which Argo CD looks up, as its whole 40 hex digits. A revision no Git ref can be named (release/, feature..x, -main: git check-ref-format) neither engine finds: write the branch, tag or commit as Git names it.",
  ),
  row(
    'delivery/sync',
    'Sync setting the engine cannot honour',
    'Flux applies the whole stage again at every interval and so always puts back drift: remove selfHeal: false, or deliver the stage with Argo CD. Flux takes a timeout of 0s, which is no "no limit", as 30s: write how long the stage may take to become ready. A warning for a shorter Flux timeout, which Flux takes as 30s, and for a stage Argo CD delivers that writes sync.timeout, which Argo CD reads none of.',
  ),
  row(
    'delivery/unread-secret',
    'Repository secret no engine reads',
    "A warning: delivery.repository.secret names the Secret Flux clones a private repository with, but Argo CD reads none (it finds credentials by the repository's URL, in a Secret of argocd labelled argocd.argoproj.io/secret-type: repository): remove it, and give Argo CD the credentials once (argocd repo add). Said of a stage Argo CD delivers that writes one (a stage moved from Flux), and once of the project file's when no stage Flux delivers clones the project's repository with it.",
  ),
  row(
    'delivery/instance-label',
    'Argo CD overwrites a label of stagecraft',
    "A warning: stagecraft.yaml's delivery.argocd says the Argo CD tracks objects by label (or annotation+label), writing each Application's name on every object it applies as a label stagecraft writes itself (app.kubernetes.io/instance, Argo CD's default application.instanceLabelKey, which stagecraft writes <app>-<stage> as): in the cluster a selector by it misses the objects, and, tracking by label, an object made from a template that keeps stagecraft's value (a StatefulSet's claims) is Argo CD's to prune where that value is an Application's name. Set application.instanceLabelKey: argocd.argoproj.io/instance in argocd-cm and delivery.argocd.instanceLabelKey alike, or track by annotation (3.0's default) and say so: delivery.argocd.resourceTrackingMethod: annotation. An error, at resourceTrackingMethod: label, when a stage Flux delivers to the cluster of an Argo CD stage writes that label's value as an Application's name (an app shop-eu of the stage qa, shop-eu-qa, beside the stage eu-qa's Application shop-eu-qa) on objects the AppProject permits: Argo CD counts them as that Application's, which it did not apply, and its prune deletes them; the same way out, or rename the app.",
  ),
  row(
    'delivery/deletes-stage',
    'Application or Kustomization that deletes its stage when pruned',
    "A Kustomization leaves dist/delivery/flux/ and, as applied by an older stagecraft, has no deletionPolicy: Orphan, so Flux deletes the stage's objects once the delivery apply prunes it; or an Application leaves dist/delivery/argocd/ while its stage stays and is no longer delivered, and with resources-finalizer.argocd.argoproj.io added by hand, which no file shows, Argo CD deletes the stage's objects once the apply prunes it: run the kubectl patch of the hint first. A stage moved to the other engine is said by delivery/moves-engine instead, whose steps begin with that patch.",
  ),
  row(
    'delivery/first-sync-hook',
    'PreSync hook in a Namespace Argo CD has not made yet',
    "Argo CD runs a stage's PreSync hooks (its own, or a Helm chart's pre-install and pre-upgrade hooks) before it applies anything else, the Namespace included, whatever the sync waves; a hook in a Namespace the stage makes for the first time (or that the cluster the stage moves to lacks) is refused on the first sync, and so is every retry: the stage is never applied. Said once, as the output that first makes the Namespace (or moves the stage to another cluster) is written, unless the Namespace is itself a PreSync hook of an earlier wave, which Argo CD then deletes with everything in it at each sync unless its hook-delete-policy is HookFailed alone (warned about instead): if the Namespace does not exist in the cluster yet (kubectl get namespace), create it (and what the hook reads from it) before pushing, or, once the sync failed, then run argocd app sync.",
  ),
  row(
    'delivery/first-sync-crd',
    'Custom resource Argo CD applies before its CRD',
    "An error: a stage Argo CD delivers holds a CustomResourceDefinition and a custom resource of the kind it defines in an earlier sync wave (the SecretStore a stage's ExternalSecrets read, which stagecraft puts in wave -2, beside the External Secrets Operator's CRDs in wave 0). Argo CD skips the dry run of such a resource, then applies wave by wave: where the CRD is not in the cluster yet (the first sync, a new cluster) the resource's apply is refused (no matches for kind), the sync fails, and so does every retry; and the next wave waits for it to be healthy, which it is only once its controller, applied with the CRD, has read it. Deliver the operator in a stage of its own synced first, or annotate its CRDs, Namespace, RBAC and Deployment with an earlier argocd.argoproj.io/sync-wave in the included manifests.",
  ),
  row(
    'delivery/moves-engine',
    'Stage moved to the other engine',
    "A stage's Application leaves dist/delivery/argocd/ as its Kustomization comes into dist/delivery/flux/, or the reverse: a move of engine, which each directory's change says as one object removed and another added. Each directory is applied by a command of its own; in another order both engines apply the stage for a while, each putting back what the other changes, or neither does. Follow the hint's order, one step right after the other: the patch that makes the old engine leave the stage's objects, the apply (or delete) that removes the old object, then the apply of the new engine's directory.",
  ),
  row(
    'delivery/moves-cluster',
    'Stage delivered to another cluster',
    "A stage's Application or Kustomization now applies it to another cluster, or names its cluster another way (another server URL, a name for a server URL, another kubeconfig Secret), which may be the same one; the engine leaves what it applied in the old one: its objects stay at work there, its claims with their data, and the new cluster starts on empty claims. Copy what is to be kept, then delete the stage from the old cluster with the command of the hint; unless two Argo CD names say it is another, first make sure it is: on the same cluster, the command would delete the stage at work.",
  ),
  row(
    'delivery/repository-moved',
    'Stage read from another repository',
    "A stage's Application or Kustomization now reads another repository URL (a repository moved to another host or path, or from https:// to ssh://), whose credentials the engine needs when it is private. Argo CD finds them by the URL, so those of the old URL are not used: give them before applying dist/delivery/argocd (argocd repo add <url>), and remove the old ones once no stage reads it (argocd repo rm). Flux clones with the Secret its GitRepository names: one kept across the move is sent to the new host, so put the new repository's credentials in it (flux create secret git <name> --url=<url>), or create the Secret now named; a Secret no GitRepository names any more can be deleted. A stage moved to the other engine needs that engine's own credentials, as neither reads the other's: Flux the Secret its GitRepository names, Argo CD its repository credentials for the URL; when that engine read the repository for another stage already, they are in place, and only the credentials the other engine held for the stage alone are said, with the command that removes them. Without them the clone or sync fails and the stage stays as the last commit it applied left it. No credential is printed: URLs without them, Secrets by name.",
  ),
  row(
    'delivery/wait-lost',
    'A stage no longer waits for the one before it',
    'Flux applied the stage only once the stage before it in the promotion order was ready (dependsOn), but one of the two is delivered by Argo CD now, and only Flux waits, for a Kustomization: deliver both with Flux to keep the order, or push a promotion only once the stage before it runs the commit before.',
  ),
  row(
    'delivery/hand-edit',
    'A file of dist/delivery/ edited by hand is written again (warning)',
    'Its objects are not as its inventory.txt records them (edited, or a document or the whole file deleted), or are in another of its files than stagecraft writes them in (moved or copied there by hand) or twice in one, or its Kustomization is not the one of the files of those objects: the synthesis wrote the file again from the settings, undoing the edit. Make the change in the stage file or stagecraft.yaml; if the edited file was applied, apply the directory again.',
  ),
  row(
    'delivery/schema',
    'Delivery object invalid',
    "A generated Argo CD or Flux object does not match the engine's schema: check the delivery settings it came from.",
  ),
  row('internal', 'Internal error', 'A bug in stagecraft: please report it with the command that failed.'),
];

/** Every code: the rows above, then the finding codes of the checks (lib/model/rules.ts), described there once. */
export const CODES: readonly CodeInfo[] = [...PROBLEM_CODES, ...Object.entries(RULES).map(([code, r]) => row(code, r.short, r.help))];
const BY_CODE: ReadonlyMap<string, CodeInfo> = new Map(CODES.map((c) => [c.code, c]));

/** The catalogue's entry for a code, if it has one. */
export function codeInfo(code: string): CodeInfo | undefined {
  return BY_CODE.get(code);
}

/** docs/problem-codes.md: every code with its title and help, in catalogue order. */
export function codesMarkdown(): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  return (
    [
      '# Problem codes',
      '',
      'Every problem stagecraft reports carries one of these codes: `npm run check -- --format json` gives it as `code`',
      "(with the title), `--format sarif` as the rule id (with the title and help as the rule's description).",
      'Generated from lib/model/codes.ts by `UPDATE_DOCS=1 npx vitest run test/model/codes.test.ts`; do not edit.',
      '',
      '| Code | Title | Help |',
      '| --- | --- | --- |',
      ...CODES.map((c) => `| \`${c.code}\` | ${cell(c.title)} | ${cell(c.help)} |`),
    ].join('\n') + '\n'
  );
}
