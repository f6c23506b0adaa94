/**
 * The image table: which image runs in place of another on each non-amd64 architecture, and
 * which images run there as they are. Data, not code: `images.ts` reads it; a stage file adds
 * to it under `images:` (see `StageImages`).
 *
 * Stacks are written with the images of the amd64 world (the images the articles start from);
 * on amd64 they run as written. Every entry here must be true of the real registries: a wrong
 * entry gives a pod that fails with `exec format error` on the node, which is what this table is
 * there to prevent.
 */
import type { Architecture } from '../config/stage-schema.js';
import { withoutDockerHub } from '../model/image.js';

/** Architectures that need the table (amd64 runs the images as written). */
export type OtherArchitecture = Exclude<Architecture, 'amd64'>;

export interface PatternRule {
  /** Matches a whole (normalized) image reference. */
  readonly match: RegExp;
  /** Per architecture, the replacement (`$1`... refer to groups of `match`). */
  readonly replace: Readonly<Partial<Record<OtherArchitecture, string>>>;
  /** Per architecture, the images the rule produces (which run there as they are, so a stack may name them directly). */
  readonly produces: Readonly<Partial<Record<OtherArchitecture, RegExp>>>;
  /** Why the rule holds, for readers of the table. */
  readonly reason: string;
}

export interface MultiArchImage {
  /** A repository (any tag) or `repository:tag` (that tag only), as normalized by `normalizeImage`. */
  readonly image: string;
  /** The non-amd64 architectures its published manifest list covers. */
  readonly architectures: readonly OtherArchitecture[];
}

export interface ImageTable {
  /** Image as written in a stack -> per architecture, the image to run instead (which runs there as it is). */
  readonly exact: Readonly<Record<string, Readonly<Partial<Record<OtherArchitecture, string>>>>>;
  readonly patterns: readonly PatternRule[];
  readonly multiArch: readonly MultiArchImage[];
}

/** The built-in table. */
export const IMAGE_TABLE: ImageTable = {
  exact: {
    // section A of the spec: the article's registry and its proxy, rebuilt for the Raspberry Pi (armhf)
    'registry:2': { arm: 'budry/registry-arm:latest' },
    'gcr.io/google_containers/kube-registry-proxy:0.4': { arm: 'kubernetesonarm/kube-registry-proxy-arm:0.4' },
  },
  patterns: [
    {
      // flannel up to v0.12 published one image per architecture, the architecture as tag suffix;
      // its manifest is applied on ARM "with every amd64 in image names replaced by arm"
      match: /^(quay\.io\/coreos\/flannel:v0\.(?:[7-9]|1[0-2])\.\d+)-amd64$/,
      replace: { arm: '$1-arm', arm64: '$1-arm64' },
      produces: {
        arm: /^quay\.io\/coreos\/flannel:v0\.(?:[7-9]|1[0-2])\.\d+-arm$/,
        arm64: /^quay\.io\/coreos\/flannel:v0\.(?:[7-9]|1[0-2])\.\d+-arm64$/,
      },
      reason: 'flannel v0.7-v0.12 images are published per architecture as <tag>-<arch>',
    },
  ],
  multiArch: [
    // Docker official images whose manifest lists include linux/arm/v7 and linux/arm64/v8
    { image: 'nginx', architectures: ['arm', 'arm64'] },
    { image: 'busybox', architectures: ['arm', 'arm64'] },
    // the official mysql image has arm64 builds from 8.0 on (none for 32-bit arm, none for 5.x)
    { image: 'mysql:latest', architectures: ['arm64'] },
    { image: 'mysql:8', architectures: ['arm64'] },
    { image: 'mysql:8.0', architectures: ['arm64'] },
    { image: 'mysql:8.4', architectures: ['arm64'] },
    { image: 'mysql:lts', architectures: ['arm64'] },
  ],
};

/**
 * The reference as Docker resolves it, so that `nginx`, `nginx:latest` and
 * `docker.io/library/nginx:latest` are one key: Docker Hub's host and `library/` dropped, the tag
 * `latest` made explicit; a reference with a digest is that digest, with a tag or without, as the
 * container runtime pulls it (`app:1.4@sha256:...` is `app@sha256:...`: the tag is not read).
 */
export function normalizeImage(image: string): string {
  const ref = withoutDockerHub(image);
  const at = ref.indexOf('@');
  if (at >= 0) return `${repositoryOf(ref)}${ref.slice(at)}`;
  const lastSlash = ref.lastIndexOf('/');
  return ref.indexOf(':', lastSlash + 1) >= 0 ? ref : `${ref}:latest`;
}

/** The repository of a normalized reference (without tag or digest). */
export function repositoryOf(ref: string): string {
  const at = ref.indexOf('@');
  const base = at >= 0 ? ref.slice(0, at) : ref;
  const lastSlash = base.lastIndexOf('/');
  const colon = base.indexOf(':', lastSlash + 1);
  return colon >= 0 ? base.slice(0, colon) : base;
}
