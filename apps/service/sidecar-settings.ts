/**
 * The schema of the service stack's sidecars: containers that run beside the app container for the
 * pod's whole life (a proxy, a log shipper, an exporter), as Kubernetes 1.25 runs them, plain extra
 * containers. Each is checked as the app container is: its image (by default the app's), ports,
 * probes, environment and resources; it mounts what the app container mounts, with its security context.
 */
import { ImageRef, Mapping, Settings, Type } from '../../lib/config/types.js';
import { Name, PortName, Probe, Resources } from '../../lib/config/workload.js';
import { EnvName } from './environment-settings.js';
import { PORT_DESCRIPTION, PORT_PROPERTIES } from './port-probe-settings.js';

export const Sidecars = Type.Optional(
  Type.Array(
    Settings({
      name: Name('Name of the container, unlike the app container (named as the app), the init containers and the other sidecars.'),
      image: Type.Optional(
        ImageRef({
          description:
            "The image the sidecar runs, e.g. envoyproxy/envoy:v1.27.0; npm run promote does not copy it. @default - the app's own image (each blue/green color's), so a sidecar of the app's code (a worker with other args) is released with the app",
        }),
      ),
      command: Type.Optional(
        Type.Array(Type.String(), { minItems: 1, description: "Replaces the image's entrypoint. @default - the image's" }),
      ),
      args: Type.Optional(Type.Array(Type.String(), { description: "Arguments. @default - the image's" })),
      ports: Type.Optional(
        Mapping(PortName, Settings(PORT_PROPERTIES, { description: PORT_DESCRIPTION }), {
          description:
            "The sidecar's ports by name, each exposed by the Service beside the app's (the pod has one network: no two containers on one port). @default - none",
        }),
      ),
      env: Type.Optional(
        Mapping(EnvName, Type.String(), {
          description: "The sidecar's environment variables with their (non-secret) values. @default - none",
        }),
      ),
      probes: Type.Optional(
        Settings(
          {
            liveness: Probe('Restarts the sidecar when it fails. @default - none'),
            readiness: Probe('Takes the pod out of the Service while it fails. @default - none'),
            startup: Probe('Holds liveness back while the sidecar starts. @default - none'),
          },
          {
            description:
              "Health checks, each by http, tcp or command; an HTTP or TCP check names one of the sidecar's ports, or uses its first port. @default - none",
          },
        ),
      ),
      resources: Resources('the sidecar'),
    }),
    {
      minItems: 1,
      description:
        "Containers that run beside the app container for the pod's whole life (a proxy, a log shipper, an exporter), with the app container's mounts and security context. @default - none",
    },
  ),
);
