/**
 * The stacks a stage file can deploy, by the key it uses under `apps:`. Adding a stack is its
 * import and one line in STACKS; its settings schema becomes part of the stage-file schema.
 */
import { demoapp } from './demoapp/index.js';
import { flannel } from './flannel.js';
import { ingress } from './ingress.js';
import { nginx } from './nginx.js';
import { privateApp } from './private-app.js';
import { registry } from './registry.js';
import { registryProxy } from './registry-proxy.js';
import { controlPlane } from './control-plane.js';
import { hello } from './hello.js';
import { pinnedNginx } from './pinned-nginx.js';
import { service } from './service/index.js';
import { manifests } from './manifests.js';
import { cron } from './cron/index.js';

export const STACKS = {
  demoapp,
  flannel,
  ingress,
  nginx,
  'private-app': privateApp,
  registry,
  'registry-proxy': registryProxy,
  'control-plane': controlPlane,
  hello,
  'pinned-nginx': pinnedNginx,
  service,
  manifests,
  cron,
};
