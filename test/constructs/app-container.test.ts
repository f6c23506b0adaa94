import { describe, expect, it } from 'vitest';
import { toProbe } from '../../lib/constructs/app-container.js';

describe('toProbe', () => {
  it("probes HTTP on the app's port unless the probe names one", () => {
    expect(toProbe({ http: { path: '/healthz' }, periodSeconds: 5 }, 8080)).toEqual({
      httpGet: { path: '/healthz', port: { value: 8080 }, scheme: 'HTTP' },
      exec: undefined,
      initialDelaySeconds: undefined,
      periodSeconds: 5,
      timeoutSeconds: undefined,
      failureThreshold: undefined,
    });
    expect((toProbe({ http: { path: '/m', port: 9090 } }, 8080).httpGet!.port as any).value).toBe(9090);
  });

  it('connects over TCP, to the app port or to a port by number or name', () => {
    expect(toProbe({ tcp: {} }, 5432).tcpSocket).toEqual({ port: { value: 5432 } });
    expect(toProbe({ tcp: { port: 'pg' } }, 5432).tcpSocket).toEqual({ port: { value: 'pg' } });
    expect(toProbe({ http: { path: '/ready', port: 'admin' } }, 8080).httpGet).toEqual({
      path: '/ready',
      port: { value: 'admin' },
      scheme: 'HTTP',
    });
  });

  it('runs a command', () => {
    expect(toProbe({ command: ['cat', '/tmp/healthy'] }, 8080).exec).toEqual({ command: ['cat', '/tmp/healthy'] });
  });
});
