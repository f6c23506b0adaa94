/**
 * The one step said of edge machines that a stage's edge now names while another stage's ran there, by a removed stage's
 * removal line (lib/cli/removed-stage.ts) and the warnings across stages (moved-machines.ts), each with its own who and why.
 */
import { describe, expect, it } from 'vitest';
import { installSteps } from '../../lib/edge/install-steps.js';

describe('the step on edge machines another stage now uses', () => {
  it.each([
    [
      'installs its files and reloads haproxy when it moves no floating IP and none ran there',
      { files: 'the edge files of dist/shop/edge/', there: 'on lb1 and lb2', why: ' (stage shop now uses them)' },
      'install the edge files of dist/shop/edge/ on lb1 and lb2 (stage shop now uses them) and reload haproxy',
    ],
    [
      'installs its keepalived.conf files too, and reloads (or starts) keepalived after haproxy, enabled at boot again (where a leaving edge said systemctl disable --now), when it moves a floating IP',
      {
        files: 'the edge files of dist/shop/edge/',
        there: 'there',
        keepalived: ['dist/shop/edge/keepalived-lb1.conf', 'dist/shop/edge/keepalived-lb2.conf'],
      },
      'install the edge files of dist/shop/edge/ there, dist/shop/edge/keepalived-lb1.conf and dist/shop/edge/keepalived-lb2.conf as /etc/keepalived/keepalived.conf, and reload haproxy, then keepalived (sudo systemctl enable keepalived && sudo systemctl reload-or-restart keepalived)',
    ],
    [
      "stops the leaving stage's keepalived first, on the machines it names, when it moves none while that one held one there",
      {
        files: "this stage's edge files (dist/shop/edge/)",
        there: 'on lb1',
        pending: 'once npm run synth -- shop has written its files for the machine, ',
        stopFirst: { on: 'lb1', why: 'this stage has no floating IP' },
      },
      "on lb1: sudo systemctl disable --now keepalived (this stage has no floating IP); then once npm run synth -- shop has written its files for the machine, install this stage's edge files (dist/shop/edge/) there and reload haproxy",
    ],
  ])('%s', (_, installing, step) => {
    expect(installSteps(installing)).toBe(step);
  });
});
