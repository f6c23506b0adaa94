/**
 * The stacks a stage file can deploy, by the key it uses under `apps:`. Adding a stack is one
 * line here; its settings schema becomes part of the stage-file schema.
 */
import { nginx } from './nginx.js';
import { controlPlane } from './control-plane.js';
import { hello } from './hello.js';
import { pinnedNginx } from './pinned-nginx.js';

export const STACKS = {
  nginx,
  'control-plane': controlPlane,
  hello,
  'pinned-nginx': pinnedNginx,
};
