/**
 * The stacks a stage file can deploy, by the key it uses under `apps:`. Adding a stack is one
 * line here; its settings schema becomes part of the stage-file schema.
 */
import { demoapp } from './demoapp/index.js';
import { nginx } from './nginx.js';

export const STACKS = {
  demoapp,
  nginx,
};
