/**
 * The health check of a container, one model for every stack (a `Probe` setting, the problems the
 * schema cannot say, the port names a probe may reach), with the words their messages use.
 */
import type { PathProblem } from '../errors.js';
import { formatFieldPath } from '../model/field-path.js';
import { argumentProblems, PROBE_PROGRAM, programProblem } from './program.js';
import { Count, Settings, Type, type Static } from './types.js';

/**
 * An IANA service name, what container ports are named (a Service and a probe reach them by it), as
 * the API server validates it: 1-15 lowercase letters, digits and '-', at least one letter, no '-'
 * at either end and no '--' (so '8080' and 'a--b' are refused at their line, not by the checks).
 */
export const PortName = Type.String({
  // the lookahead scans once for a letter; the rest is one pass over '-'-separated runs (linear on long keys)
  pattern: '^(?=.*[a-z])[a-z0-9]+(-[a-z0-9]+)*$',
  maxLength: 15,
  expected:
    "a port name (an IANA service name: at most 15 lowercase letters, digits and '-', with at least one letter, no '-' at either end and no '--')",
});

/** A port by number, or by the name of one of the container's ports (Kubernetes takes either in a probe). */
const PortRef = (description: string) => {
  const expected = "a port number (1-65535) or the name of one of the container's ports";
  // if/then/else, not anyOf: one message for a bad value, whichever it is
  return Type.Unsafe<number | string>({
    if: { type: 'integer' },
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then/else keyword; a schema is data, never awaited
    then: { type: 'integer', minimum: 1, maximum: 65535, expected },
    else: { ...PortName, expected },
    description,
  });
};

/**
 * A health check of a container, one model for every stack (the service stack's containers, its
 * sidecars, demoapp, a stack of a team's own): exactly one of `http` (a GET), `tcp` (the port opens:
 * healthy; for a service that does not speak HTTP) and `command`, which `probesProblems` says at its
 * line; an HTTP or TCP check reaches a port by number or by name, by default the container's (first)
 * port, as `toProbe` (lib/constructs/app-container.ts) writes it.
 */
export const Probe = (what: string) =>
  Type.Optional(
    Settings(
      {
        http: Type.Optional(
          Settings(
            {
              path: Type.String({ pattern: '^/', expected: "a path starting with '/'", description: 'Path of the HTTP GET.' }),
              port: Type.Optional(
                PortRef(
                  "Port of the HTTP GET: a number, or the name of one of the container's ports. @default - the container's (first) port",
                ),
              ),
            },
            { description: 'Check with an HTTP GET (2xx or 3xx is healthy). @default - none: then tcp or command' },
          ),
        ),
        tcp: Type.Optional(
          Settings(
            {
              port: Type.Optional(
                PortRef(
                  "Port to connect to: a number, or the name of one of the container's ports. @default - the container's (first) port",
                ),
              ),
            },
            { description: 'Check by opening a TCP connection (it opens: healthy). @default - none: then http or command' },
          ),
        ),
        command: Type.Optional(
          Type.Array(Type.String(), {
            minItems: 1,
            description: 'Check with a command (exit 0 is healthy). @default - none: then http or tcp',
          }),
        ),
        initialDelaySeconds: Type.Optional(Count(0, { description: 'Seconds before the first check. @default 0' })),
        periodSeconds: Type.Optional(Count(1, { description: 'Seconds between checks. @default 10' })),
        timeoutSeconds: Type.Optional(Count(1, { description: 'Seconds a check may take. @default 1' })),
        failureThreshold: Type.Optional(Count(1, { description: 'Failed checks in a row that count as a failure. @default 3' })),
      },
      { description: what },
    ),
  );

/** The value of a `Probe` setting. */
export type ProbeSettings = NonNullable<Static<ReturnType<typeof Probe>>>;

/** The container ports a probe may reach: their names, and the setting that lists them (for messages). */
export interface ProbedPorts {
  /** The names of the container's ports, in order (the first is an HTTP or TCP check's default). */
  readonly names: readonly string[];
  /** The setting that declares them, relative to the app's settings (`['ports']`, `['sidecars', 0, 'ports']`). */
  readonly at: readonly (string | number)[];
  /**
   * Whether the names are the stack's own, not settings: `at` gives a port's number only (demoapp's
   * `port`, the one port AppDeployment names `http`), so the fix is to use one of them, not to name
   * a port under `at`. @default false
   */
  readonly fixed?: boolean;
}

/**
 * The problems of the `Probe` settings of a container (`{ liveness, readiness, startup }`) at `at`,
 * each at its probe's line: one with none or several of `http`, `tcp` and `command`, which the schema
 * takes and the container's probe cannot be (toProbe throws, which a stack's chart reports at the
 * app's key only), and a command check whose program (its first item) is empty or blank (or, a warning, a whole command line in one item: `programProblem`; a flag and its value in one item: `argumentProblems`). Given the container's `ports`, also an HTTP or TCP check on a port name the
 * container does not have, or without a port when it has none to default to. A stack's refine step
 * gives them, as it gives `resourcesProblems`.
 */
export function probesProblems(
  probes: Readonly<Record<string, ProbeSettings | undefined>> | undefined,
  at: readonly (string | number)[],
  ports?: ProbedPorts,
): PathProblem[] {
  const problems: PathProblem[] = [];
  for (const [which, probe] of Object.entries(probes ?? {})) {
    if (!probe) continue;
    const handlers = (['http', 'tcp', 'command'] as const).filter((h) => probe[h] !== undefined);
    if (handlers.length !== 1) {
      problems.push({
        code: 'config/conflict',
        path: [...at, which],
        message: `needs exactly one of http, tcp and command (found ${handlers.length ? handlers.join(' and ') : 'none'})`,
        hint: 'e.g. `http: { path: /healthz }`, or `tcp: { port: <port> }` or `command: [redis-cli, ping]` for a service that does not speak HTTP',
      });
      continue;
    }
    problems.push(...programProblem(probe.command, [...at, which, 'command'], PROBE_PROGRAM));
    problems.push(...argumentProblems(probe.command, undefined, { command: [...at, which, 'command'] }));
    const check = probe.http ? 'http' : probe.tcp ? 'tcp' : undefined;
    if (!check || !ports) continue;
    const port = probe[check]?.port;
    const where = formatFieldPath(ports.at);
    if (port === undefined && ports.names.length === 0) {
      problems.push({
        code: 'config/conflict',
        path: [...at, which, check],
        message: 'needs a port (there are no ports to default to)',
        hint: `add port, or declare ${where}`,
      });
    } else if (typeof port === 'string' && !ports.names.includes(port)) {
      const named = ports.names.map((n) => `'${n}'`).join(' or ');
      const one = ports.names.length === 1;
      problems.push({
        code: 'config/unknown-port',
        path: [...at, which, check, 'port'],
        message: ports.fixed
          ? `names no port of the container (its port${one ? '' : 's'}, set by ${where}, ${one ? 'is' : 'are'} named ${named})`
          : `names no port of the container (${where}: ${ports.names.join(', ') || 'none'})`,
        hint: ports.fixed ? `name ${named}, or give its number` : `name a port under ${where}, or give its number`,
      });
    }
  }
  return problems;
}
