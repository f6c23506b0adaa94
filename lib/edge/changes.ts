/**
 * What changed in a stage's edge files between two outputs, line by line, for the summaries of
 * commands that rewrite a stage (`npm run switch` flips a backend there); a node port that moves
 * under a backend taking traffic (node-port-moves.ts says what it costs) and an edge machine that leaves, also as warnings of synth
 * (lib/compile-stage.ts); and what the operator does at the edge after a switch. Pure.
 */
import { isIP } from 'node:net';
import { andList } from '../model/limits.js';
import { detectSecrets } from '../model/value-secrets.js';
import { canonicalAddress } from './address.js';
import { HAPROXY_ADMIN_SOCKET, HAPROXY_FILE } from './haproxy.js';
import { readHaproxyConfig } from './haproxy-read.js';
import { movedNodePortLines, movedNodePorts } from './node-port-moves.js';
import { tlsChangeLines } from './tls-changes.js';
import { EDGE_DIR, type StageEdge } from './index.js';
import { floatingAddressIn, keepalivedFile } from './keepalived.js';
import type { EdgeSettings } from './settings.js';
import type { EdgeProblem } from './publish.js';
import { INVENTORY_FILE } from '../synth/inventory.js';
import { POINT_DNS, dnsChanges, type DnsChange } from './dns-changes.js';
import { handEditWarnings, recordedEdgeFiles } from './hand-edits.js';
import { hostsNamed } from './hosts-named.js';

/**
 * `edge/haproxy.cfg` followed by its removed (`- `) and added (`+ `) lines, for each edge file that differs, and what a machine
 * or the floating IP leaving the edge goes on doing (`! `): as `told` says it, when the compilation told it again (lib/compile.ts,
 * `retoldLeaving`: another stage's edge now names the machine, or takes the floating IP), so that npm run diff says what synth will.
 */
export function edgeChangeLines(
  before: ReadonlyMap<string, string>,
  after: ReadonlyMap<string, string>,
  told: readonly { readonly code: string; readonly message: string; readonly hint?: string }[] = [],
): string[] {
  // a leaving entry as the compilation told it, if it did: a machine's by its message, the floating IP's by its address
  const asTold = ({ message, hint, floating }: MachineLeaving) => {
    const t = told.find((n) => (floating === undefined ? n.code === MACHINE_LEAVES && n.message === message : leavesFloating(n, floating)));
    return `! ${t?.message ?? message}; ${t?.hint ?? hint}`;
  };
  const leavingLines = (before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>) =>
    machinesLeaving(before, after).map(asTold);
  const paths = [...new Set([...before.keys(), ...after.keys()])].filter((p) => p.startsWith(`${EDGE_DIR}/`)).sort();
  const out: string[] = [];
  let saidFloating = false;
  // where the hosts' DNS is to point now: the edge put back, under its haproxy.cfg; a floating IP that comes or moves, under the first keepalived.conf
  const dns = dnsChanges(before, after);
  const dnsLines = (kind: DnsChange['kind']) => dns.filter((d) => d.kind === kind).map((d) => `! ${d.message}; ${d.hint}`);
  let saidDns = false;
  for (const path of paths) {
    const [a, b] = [before.get(path), after.get(path)];
    if (a === b) continue;
    const floatingDns = !saidDns && path !== HAPROXY_PATH && b !== undefined ? dnsLines('floating').map((l) => `  ${l}`) : [];
    if (floatingDns.length) saidDns = true;
    if (a === undefined || b === undefined) {
      out.push(`${path}: ${a === undefined ? 'added' : 'removed'}`, ...floatingDns);
      if (path === HAPROXY_PATH) out.push(...[...leavingLines(before, after), ...dnsLines('back')].map((l) => `  ${l}`));
      // the keepalived.conf files go with the floating IP: said once, under the first
      else if (b === undefined && !saidFloating) {
        saidFloating = true;
        out.push(...floatingLeaving(before, after).map((l) => `  ${asTold(l)}`));
      }
      continue;
    }
    // lines kept in place are not shown; the files are short and generated, so moved lines are rare
    const [oldLines, newLines] = [a.split('\n'), b.split('\n')];
    const removed = oldLines.filter((l) => !newLines.includes(l));
    const added = newLines.filter((l) => !oldLines.includes(l));
    out.push(path, ...removed.map((l) => `  - ${shownLine(l)}`), ...added.map((l) => `  + ${shownLine(l)}`), ...floatingDns);
    if (path === HAPROXY_PATH)
      out.push(...[...movedNodePortLines(a, b), ...tlsChangeLines(a, b), ...leavingLines(before, after)].map((l) => `  ${l}`));
  }
  return out;
}

/**
 * The words of haproxy.cfg and keepalived.conf whose values are credentials, whatever the value looks like: a password the
 * project's screen would not take for one (`auth_pass Xk9#mQ2p`, `stats auth admin:x#1`, a userlist's crypt(3) hash) is still
 * one. No generated edge file has any of them. Each is a directive's word, never part of a name: a line of a host
 * password.example.com is shown as it is.
 */
const CREDENTIAL_WORDS: readonly RegExp[] = [
  /(?:^|[\s{])auth_pass\s/, // keepalived: a VRRP instance's authentication password (`authentication { auth_pass ... }` on one line too)
  /^stats\s+auth\s/, // haproxy: the stats page's user:password
  /^user\s+\S+\s+(?:insecure-)?password\s/, // haproxy: a userlist's user and its password (or its hash)
  /\s(?:proxy-)?authorization\s/i, // haproxy: a header set or checked with a credential
];

/**
 * A line of an edge file as the changed lines show it: one that holds a secret (`stats auth admin:...`, which a hand may have
 * added to the file in dist/; a generated file holds none), by the project's screen or a credential word of the edge's
 * (`CREDENTIAL_WORDS`), is said by its length alone, never printed back.
 */
function shownLine(line: string): string {
  const text = line.trim();
  const secret = CREDENTIAL_WORDS.some((w) => w.test(text)) || detectSecrets(text).length > 0;
  return secret ? `(a line of ${text.length} characters holding a secret, hidden)` : text;
}

/** The path of haproxy.cfg in a stage's output. */
const HAPROXY_PATH = `${EDGE_DIR}/${HAPROXY_FILE}`;

/** An edge machine that leaves a stage's edge: what it goes on doing and what to do there. */
interface MachineLeaving {
  readonly message: string;
  readonly hint: string;
  /** Of `floatingLeaving`'s: the floating IP that leaves (`10.0.1.50/16`). */
  readonly floating?: string;
}

/**
 * What to do instead of stopping a machine that leaves a stage's edge when another stage's edge now
 * runs on it (its edge moved to another stage file): that stage's files replace these there, and
 * stopping haproxy would stop that stage's edge. A stage is compiled alone, so whether one does is
 * for the operator to see (two stages' edges on one machine at once are refused: edge/shared-address).
 * Its keepalived (`floating`, when the leaving stage's files moved a floating IP) is stopped all the
 * same unless that stage's files have a keepalived.conf for the machine: left running, it keeps the old
 * address and peers, and the machines that stay no longer count it as one, so two VRRP masters hold it.
 */
const takenBy = (address: string, floating: boolean) =>
  floating
    ? `(unless another stage's edge now names ${address}: then stop only keepalived there (sudo systemctl disable --now keepalived) unless that stage's files have a keepalived.conf for it, then install that stage's edge files there and reload haproxy, rather than stop it)`
    : `(unless another stage's edge now names ${address}: then install that stage's edge files there and reload haproxy, rather than stop it)`;

/** What `machinesLeaving`'s hint says last of a machine that leaves an edge that keeps others. */
const THEN_OTHERS = '; then install and reload the new files on ';

/** `hint`, `machinesLeaving`'s, whose steps for the machine itself are `instead` (another stage's edge now names it), its step for the machines that stay kept. */
export function takenOverHint(hint: string | undefined, instead: string): string {
  const others = hint?.split(THEN_OTHERS)[1];
  return others === undefined ? instead : `${instead}${THEN_OTHERS}${others}`;
}

/** The code of `machinesLeaving`'s warnings, and of moved-machines.ts' of a machine that another stage's edge now names. */
export const MACHINE_LEAVES = 'edge/machine-leaves';

/** The code of `floatingLeaving`'s warnings, and of moved-floating-ips.ts' of a floating IP another stage's edge now takes. */
export const FLOATING_IP_LEAVES = 'edge/floating-ip-leaves';

/**
 * The family (`IPv4`, `IPv6`) of `now`, the address a leaving machine's name is given, when it is of the other family than `was`,
 * the address it leaves: one dual-stack machine may be named by either, so it may be the same machine (which synthesis cannot
 * tell); undefined when both are of one family, or either is a host name.
 */
export function sameMachineMaybe(was: string, now: string): 'IPv4' | 'IPv6' | undefined {
  const [a, b] = [isIP(was), isIP(now)];
  return a === 0 || b === 0 || a === b ? undefined : b === 6 ? 'IPv6' : 'IPv4';
}

/**
 * What `machinesLeaving`'s hint says to do on a machine named now by its `family` address, the same machine: with a floating IP
 * (`was`), DNS pointed at the new one (`now`) first, since keepalived reloaded with the new files gives the old one up; without
 * one, nothing while the new haproxy.cfg listens on IPv6 too (`ipv6`: an edge machine has an IPv6 address, haproxy-frontend.ts),
 * else DNS pointed at its IPv4 address first.
 */
function sameSteps(family: string, was: string | undefined, now: string | undefined, ipv6: boolean): string {
  if (was !== undefined)
    return `: point DNS at ${now === undefined ? `its ${family} address` : `the floating IP ${now.split('/')[0]}`} first, since keepalived reloaded with the new files gives ${was} up`;
  return ipv6
    ? ' (the new haproxy.cfg listens on IPv4 and IPv6 alike)'
    : ': point DNS at its IPv4 address first, since the new haproxy.cfg listens on IPv4 alone (no edge machine has an IPv6 address)';
}

/** How `machinesLeaving` names a machine that leaves: by its name, or, moved to another address, by the one it leaves. */
const leavingMachine = (name: string, address: string, movedTo?: string) =>
  movedTo === undefined ? `edge machine ${name} (${address})` : `the machine at ${address} (edge machine ${name} is now ${movedTo})`;

/**
 * Whether `warning`, one of a synthesis of a stage, is `edgeChangeWarnings`'s of the machine `name` at
 * `address` (as its output's haproxy.cfg names it) leaving its edge: lib/compile.ts tells it again
 * when another stage's edge now names the machine.
 */
export const leavesMachine = (warning: { readonly code: string; readonly message: string }, name: string, address: string): boolean =>
  warning.code === MACHINE_LEAVES &&
  (warning.message.startsWith(`${leavingMachine(name, address)} leaves`) ||
    warning.message.startsWith(`the machine at ${address} (edge machine ${name} is now `));

/** What `floatingLeaving`'s message says of another stage's edge given the floating IP at `address` (`retoldLeaving` says which one is). */
export const anotherGiven = (address: string) => `another stage's edge given ${address} would have two masters answering for it`;

/** Whether `warning`, one of a synthesis of a stage, is `floatingLeaving`'s of the floating IP `floating` (`10.0.1.50/16`, as its keepalived.conf moved it). */
export const leavesFloating = (warning: { readonly code: string; readonly message: string }, floating: string): boolean =>
  warning.code === FLOATING_IP_LEAVES && warning.message.startsWith(`the floating IP ${floating} leaves the edge`);

/**
 * The edge machines of the haproxy.cfg `before` (of the files of an output, by path) that the one
 * `after` no longer names, by the machine each address names (`canonicalAddress`: one renamed keeps
 * its address and stays; one moved to another address leaves the old one): nothing the new files do
 * reaches them. Such a machine keeps running the old haproxy.cfg, and its keepalived the old
 * keepalived.conf, with the floating IP; the machines that stay no longer count it as a peer and
 * send it no advert, so it takes the address as master too, and two machines answer for it (a
 * client's connections go to either, and the switch or change made since reaches one only). Stopped
 * first, before the others reload, it never does. With no haproxy.cfg `after` (the stage file's
 * `edge:` taken out), every machine leaves: each goes on sending the old hosts to the stage's node
 * ports until its haproxy is stopped, once their DNS names something else.
 */
function machinesLeaving(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): MachineLeaving[] {
  const was = before.get(HAPROXY_PATH);
  if (was === undefined) return [];
  const removed = !after.has(HAPROXY_PATH);
  const now = readHaproxyConfig(after.get(HAPROXY_PATH) ?? '').machines;
  const staying = new Set(now.map((m) => canonicalAddress(m.address)));
  const old = readHaproxyConfig(was);
  const leaving = old.machines.filter((m) => !staying.has(canonicalAddress(m.address)));
  const hosts = hostsNamed([...new Set(old.routes.map((r) => r.host))]);
  return leaving.map(({ name, address }) => {
    const floating = floatingAddressIn(before.get(`${EDGE_DIR}/${keepalivedFile(name)}`) ?? '');
    const services = floating ? 'keepalived haproxy' : 'haproxy';
    if (removed) {
      // the stage has no edge any more: what it sent where, and that nothing the stage writes reaches the machine again
      const sends = hosts ? `, which sends ${hosts} to the node ports of the stage's Services` : '';
      return {
        message:
          `edge machine ${name} (${address}) leaves the edge, as the stage file declares none any more (no edge:): ` +
          `it keeps running its ${HAPROXY_FILE}${sends}${floating ? `, and keepalived with ${floating}` : ''}, and no file of this stage reaches it any more`,
        hint: `point ${hosts ? `the DNS of ${hosts}` : 'DNS'} elsewhere, then on ${name}: sudo systemctl disable --now ${services} ${takenBy(address, floating !== undefined)}`,
      };
    }
    // a machine renamed keeps its address (it stays); one whose address changed leaves that address
    const moved = now.find((m) => m.name === name);
    const machine = leavingMachine(name, address, moved?.address);
    const there = moved ? address : name;
    const others = andList(now.map((m) => m.name));
    const peers = `, which, once ${others} no longer ${now.length === 1 ? 'counts' : 'count'} it as a peer, it takes as well: two machines answer for that address, and only one has the new config`;
    const what = floating
      ? `keeps running its ${HAPROXY_FILE} and keepalived with ${floating}${peers}`
      : `keeps running its ${HAPROXY_FILE}, and serves the old config to whoever still sends it requests (DNS that names ${address})`;
    // now named by an address of the other family: most often the same dual-stack machine (an IPv6 floating IP needs the
    // machines' IPv6 addresses, floating-ip.ts), which leaves nothing; stopped first, every machine of the edge would be
    const same = moved && sameMachineMaybe(address, moved.address);
    const ipv6 = now.some((m) => isIP(m.address) === 6);
    return {
      message: `${machine} leaves the edge${same ? `, unless ${moved.address} is that machine's own ${same} address (one dual-stack machine, named by its other family now: then it leaves nothing)` : ''}: it ${what}`,
      hint:
        (same
          ? `if ${moved.address} is the same machine as ${address}, stop nothing there${sameSteps(same, floating, floatingAddressIn(after.get(`${EDGE_DIR}/${keepalivedFile(name)}`) ?? ''), ipv6)}; else `
          : '') +
        (floating
          ? `first, on ${there}: sudo systemctl disable --now keepalived haproxy ${takenBy(address, true)}${THEN_OTHERS}${others}`
          : `point DNS at the edge machines that stay, then on ${there}: sudo systemctl disable --now haproxy ${takenBy(address, false)}`),
    };
  });
}

/**
 * The floating IP that the keepalived.conf files `before` (of the files of an output, by path) moved and that the
 * stage's edge, kept, moves no more (its stage file's `edge.floatingIp` taken out; an address changed is moved by
 * the new files' reload): no file of the stage reaches keepalived on the machines that stay, which keeps running
 * the old keepalived.conf and holds the address. Pointed at by DNS, it still brings the hosts to the machines;
 * given to another stage's edge, two VRRP masters answer for it (moved-machines.ts warns at that stage's setting).
 * So the hosts' DNS goes to the machines' own addresses first, then keepalived is stopped on each. The machines
 * that leave the edge are `machinesLeaving`'s, whose hint stops keepalived too.
 */
function floatingLeaving(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): MachineLeaving[] {
  const was = before.get(HAPROXY_PATH);
  const now = after.get(HAPROXY_PATH);
  if (was === undefined || now === undefined) return [];
  if ([...after.keys()].some((p) => p.startsWith(`${EDGE_DIR}/`) && p !== HAPROXY_PATH && p.endsWith('.conf'))) return [];
  const staying = readHaproxyConfig(now).machines;
  const old = readHaproxyConfig(was);
  const held = old.machines.flatMap(({ name, address }) => {
    const floating = floatingAddressIn(before.get(`${EDGE_DIR}/${keepalivedFile(name)}`) ?? '');
    const stays = staying.find((m) => canonicalAddress(m.address) === canonicalAddress(address));
    return floating && stays ? [{ name, address: stays.address, floating }] : [];
  });
  if (held.length === 0) return [];
  const floating = held[0]!.floating;
  const names = held.map((m) => m.name);
  const hosts = hostsNamed([...new Set(old.routes.map((r) => r.host))]);
  return [
    {
      message:
        `the floating IP ${floating} leaves the edge, as the stage file declares none any more (no edge.floatingIp): keepalived on ${andList(names.map((n, i) => `${n} (${held[i]!.address})`))} ` +
        `keeps running the old keepalived.conf and holds the address, and no file of this stage reaches it any more (${anotherGiven(floating.split('/')[0]!)})`,
      hint: `point ${hosts ? `the DNS of ${hosts}` : 'DNS'} at the edge machines' own addresses (${andList(staying.map((m) => m.address))}) or elsewhere, then on ${andList(names)}: sudo systemctl disable --now keepalived (haproxy stays)`,
      floating,
    },
  ];
}

/** Whether an output's inventory (its text) lists haproxy.cfg among its edge files. */
const listsEdge = (inventory: string): boolean => recordedEdgeFiles(inventory).has(HAPROXY_PATH);

/**
 * What changed at the edge that costs an outage unless done in order, as warnings of a synthesis:
 * what `movedNodePorts` says (`edge/node-port-move`) and what `machinesLeaving` says
 * (`edge/machine-leaves`), where the hosts' DNS is to point now (`edge/point-dns`, dns-changes.ts: also of an edge
 * put back into an output that had none) and edge files edited by hand that are written again (`edge/hand-edit`,
 * hand-edits.ts), from the stage's edge files as they were in its output (`readOutput`:
 * `dist/<stage>/<file>`) and as the edge's `files` write them. A moved node port is placed at the
 * setting of the stage file that gives the port moved to (`nodePortSettings`, keyed by
 * `Service namespace/name:port`, as node-ports.ts knows them), else at `edge:`; a machine leaving
 * at `edge.machines`, or, when the stage file declares no edge any more (`declared` false), at the
 * top of the file, where `edge:` was. Only about this change (the next synthesis compares with what
 * this one wrote), as release/live-image.
 */
export function edgeChangeWarnings(
  readOutput: ((file: string) => string | undefined) | undefined,
  { declared, files, nodePortSettings }: Pick<StageEdge, 'declared' | 'files' | 'nodePortSettings'>,
): EdgeProblem[] {
  const after = files.find((f) => f.path === HAPROXY_PATH)?.content;
  // an edge with problems writes no file (and nothing is written): only a stage without one leaves its machines
  if (declared && after === undefined) return [];
  // a stage without an edge asks for its output's haproxy.cfg only when its inventory lists one (most never had an edge)
  if (!declared && !listsEdge(readOutput?.(INVENTORY_FILE) ?? '')) return [];
  const before = readOutput?.(HAPROXY_PATH);
  const now = new Map(files.map((f) => [f.path, f.content]));
  const inventory = readOutput?.(INVENTORY_FILE);
  // its inventory, with the edge files, tells dns-changes.ts what the output had when a hand took a file away
  const recorded = (files: Map<string, string>) => (inventory === undefined ? files : files.set(INVENTORY_FILE, inventory));
  // a keepalived.conf edited by hand is said even when a hand took haproxy.cfg away too
  const edited = inventory === undefined || readOutput === undefined ? [] : handEditWarnings(readOutput, inventory, now);
  // an edge new in an output that had none (put back): where to point the hosts; not said of a stage's first output
  if (before === undefined) return declared && inventory !== undefined ? [...edited, ...dnsWarnings(recorded(new Map()), now)] : [];
  const moved =
    after === undefined
      ? []
      : movedNodePorts(before, after).map(({ message, hint, service, to }) => ({
          code: 'edge/node-port-move',
          path: (to === undefined ? undefined : nodePortSettings.get(`${service}:${to}`)) ?? ['edge'],
          message,
          hint,
        }));
  // the keepalived.conf of each machine the output's haproxy.cfg names, which says whether it moves a floating IP
  const old = new Map([[HAPROXY_PATH, before]]);
  for (const { name } of readHaproxyConfig(before).machines) {
    const path = `${EDGE_DIR}/${keepalivedFile(name)}`;
    const text = readOutput?.(path);
    if (text !== undefined) old.set(path, text);
  }
  const leaving = machinesLeaving(old, now).map(({ message, hint }) => ({
    code: MACHINE_LEAVES,
    path: after === undefined ? [] : ['edge', 'machines'],
    message,
    hint,
  }));
  const floating = floatingLeaving(old, now).map(({ message, hint }) => ({ code: FLOATING_IP_LEAVES, path: ['edge'], message, hint }));
  return [...edited, ...moved, ...leaving, ...floating, ...dnsWarnings(recorded(new Map(old)), now)];
}

/** `dnsChanges` as warnings of a synthesis. */
const dnsWarnings = (before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): EdgeProblem[] =>
  dnsChanges(before, after).map(({ path, message, hint }) => ({ code: POINT_DNS, path: [...path], message, hint }));

/**
 * What `npm run switch` says of the edge, when the stage's edge publishes `app`: the live color at
 * the edge changes only once the new haproxy.cfg is on every edge machine and reloaded (a switch
 * applied with kubectl alone moves the traffic from inside the cluster, not the edge's), and the
 * idle color's servers are to be seen UP there first (stagecraft cannot see the cluster; a color
 * down when it becomes live answers 503). Undefined when the edge does not publish `app`.
 * @param backend the backend of the color that becomes live (its Service's name)
 */
export function edgeSwitchLine(
  stage: string,
  edge: EdgeSettings | undefined,
  app: string,
  color: string,
  backend: string,
): string | undefined {
  if (!edge || !Object.values(edge.frontends).some((f) => Object.values(f.hosts).includes(app))) return undefined;
  const machines = Object.keys(edge.machines).sort().join(', ');
  const stat = `echo 'show stat' | sudo socat stdio ${HAPROXY_ADMIN_SOCKET} | cut -d, -f1,2,18 | grep '^${backend},'`;
  return (
    `${stage}: at the edge, ${app} goes to ${color} only once dist/${stage}/${EDGE_DIR}/${HAPROXY_FILE} is on every edge machine (${machines}) and reloaded (README, "The edge"); ` +
    `first see there that every server of ${backend} is UP (${stat}): a color that is down when it goes live answers 503`
  );
}
