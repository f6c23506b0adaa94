/**
 * What to do on edge machines that a stage's edge now names while another stage's edge ran there (a stage removed, or an edge
 * moved from one stage file to another): the words of one step, said by lib/cli/removed-stage.ts (a removed stage's removal
 * line) and moved-machines.ts (the warnings across stages), each with who and why as its reader needs them. Pure.
 */
import { andList } from '../model/limits.js';

/** The files a stage's edge now has for machines another stage's edge ran on, and what that one left running there. */
export interface Installing {
  /** The files, as the reader knows them: `the edge files of dist/shop/edge/`, `this stage's edge files (dist/shop/edge/)`. */
  readonly files: string;
  /** Where, as said after the files: `there`, `on lb1 and lb2` (`there` after `stopFirst`, which names the machines). */
  readonly there: string;
  /** Why, said after where: ` (stage shop now uses them)`. @default - nothing */
  readonly why?: string;
  /** Said first when the files are not written yet: `once npm run synth -- shop has written its files for the machine, `. @default - nothing */
  readonly pending?: string;
  /** The taking stage's keepalived.conf for each machine (`dist/shop/edge/keepalived-lb1.conf`), when its edge moves a floating IP. @default - it moves none */
  readonly keepalived?: readonly string[];
  /**
   * The leaving stage's keepalived, stopped first: it held a floating IP there and the taking stage's edge moves none, so none of
   * its files replaces that keepalived.conf (left running, it keeps the address as a second master). On which machines, and why,
   * as the reader needs it. @default - nothing to stop
   */
  readonly stopFirst?: { readonly on: string; readonly why: string };
}

/**
 * How keepalived is reloaded once haproxy is, where a stage's edge now moves a floating IP: enabled, then reloaded or started
 * (as the README's loop and keepalived.conf's header say). Where it ran none, or was stopped (`systemctl disable --now`, as
 * the warnings of a machine or floating IP that leaves say), reload-or-restart starts it, and enable starts it at boot again:
 * else the machine's first reboot leaves the address to the others, with none to take it over from them. One reload is enough
 * where another stage's keepalived ran, its instance of another name (`<stage>_edge`), though keepalived(8) says an address
 * moved between instances can need two: that is of two instances in one file (test/edge/keepalived-reload.test.ts).
 */
export const THEN_KEEPALIVED = 'then keepalived (sudo systemctl enable keepalived && sudo systemctl reload-or-restart keepalived)';

/**
 * The step: install the taking stage's edge files and reload haproxy; with its keepalived.conf files, reload keepalived too
 * (or start it, where the leaving stage ran none: `THEN_KEEPALIVED`); else, after stopping the leaving stage's keepalived (`stopFirst`).
 */
export function installSteps({ files, there, why = '', pending = '', keepalived = [], stopFirst }: Installing): string {
  const reload = keepalived.length
    ? `, ${andList(keepalived)} as /etc/keepalived/keepalived.conf, and reload haproxy, ${THEN_KEEPALIVED}`
    : ' and reload haproxy';
  // after `on <machines>:` the files go there
  const install = `${pending}install ${files} ${stopFirst ? 'there' : there}${why}${reload}`;
  return stopFirst ? `on ${stopFirst.on}: sudo systemctl disable --now keepalived (${stopFirst.why}); then ${install}` : install;
}
