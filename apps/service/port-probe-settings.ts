/**
 * The schemas of the service stack's container ports (the app container's and the sidecars'), by
 * name, and of its health checks, which reach a port by number or by that name.
 */
import { PortNumber, Settings, StringEnum, Type } from '../../lib/config/types.js';
import { Probe } from '../../lib/config/workload.js';

/**
 * An IANA service name, what container ports are named (a Service targets them by it), as the API
 * server validates it: 1-15 lowercase letters, digits and '-', at least one letter, no '-' at
 * either end and no '--' (so '8080' and 'a--b' are refused here, at their line, not by the checks).
 */
export const PortName = Type.String({
  // the lookahead scans once for a letter; the rest is one pass over '-'-separated runs (linear on long keys)
  pattern: '^(?=.*[a-z])[a-z0-9]+(-[a-z0-9]+)*$',
  maxLength: 15,
  expected:
    "a port name (an IANA service name: at most 15 lowercase letters, digits and '-', with at least one letter, no '-' at either end and no '--')",
});
/** What a container's port is: its number and protocol (the app container's `ports` add a nodePort). */
export const PORT_PROPERTIES = {
  port: PortNumber({ description: 'Port the container listens on; the Service port too.' }),
  protocol: Type.Optional(StringEnum(['TCP', 'UDP'], { description: '@default TCP' })),
};
/** How a port's settings are described. */
export const PORT_DESCRIPTION = 'A port of the container, e.g. { port: 8080 } (or { port: 53, protocol: UDP }).';

/** A port by number, or by the name it has under `ports` (a probe may name either, as Kubernetes takes either). */
const PortRef = (description: string) => {
  const expected = 'a port number (1-65535) or the name of one of ports';
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
 * A health check: the shared probe settings (lib/config/workload.ts), with the port of an HTTP
 * check given by number or name, and a TCP check (the port opens: healthy) for services that do not
 * speak HTTP.
 */
export const ServiceProbe = (what: string) => {
  const { http: _http, ...shared } = Probe(what).properties;
  return Type.Optional(
    Settings(
      {
        http: Type.Optional(
          Settings(
            {
              path: Type.String({ pattern: '^/', expected: "a path starting with '/'", description: 'Path of the HTTP GET.' }),
              port: Type.Optional(PortRef('Port of the HTTP GET: a number, or the name of one of ports. @default - the first port')),
            },
            { description: 'Check with an HTTP GET (2xx or 3xx is healthy). @default - none: then tcp or command' },
          ),
        ),
        tcp: Type.Optional(
          Settings(
            { port: Type.Optional(PortRef('Port to connect to: a number, or the name of one of ports. @default - the first port')) },
            { description: 'Check by opening a TCP connection (it opens: healthy). @default - none: then http or command' },
          ),
        ),
        ...shared,
      },
      { description: what },
    ),
  );
};
