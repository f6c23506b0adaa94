/**
 * The schemas of the service stack's container ports (the app container's and the sidecars'), by
 * name (`PortName`, lib/config/workload.ts, which its health checks, `Probe`, reach them by too).
 */
import { PortNumber, StringEnum, Type } from '../../lib/config/types.js';

/** What a container's port is: its number and protocol (the app container's `ports` add a nodePort). */
export const PORT_PROPERTIES = {
  port: PortNumber({ description: 'Port the container listens on; the Service port too.' }),
  protocol: Type.Optional(StringEnum(['TCP', 'UDP'], { description: '@default TCP' })),
};
/** How a port's settings are described. */
export const PORT_DESCRIPTION = 'A port of the container, e.g. { port: 8080 } (or { port: 53, protocol: UDP }).';
