import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempProject } from '../helpers/cli.js';
import { find, problems, render, serviceStage } from '../helpers/stage.js';

const IANA =
  "a port name (an IANA service name: at most 15 lowercase letters, digits and '-', with at least one letter, no '-' at either end and no '--')";

describe('the port names of a service', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it.each([
    ['8080', 'no letter'],
    ['a--b', "'--'"],
    ['-http', "a leading '-'"],
    ['http-', "a trailing '-'"],
    ['Http', 'a capital'],
    ['metrics-exporter', '16 characters'],
  ])("refuse '%s' (%s) at its key, as the API server would", (name) => {
    const text = serviceStage(['image: team/api:1', `ports: { "${name}": { port: 8080 } }`]);
    expect(problems(text)).toEqual([`environments/x.yaml:5:14: apps.api.ports: '${name}' is not a valid name; it must be ${IANA}`]);
  });

  it.each(['http', 'h2c', '1-a', 'web-8080', 'abcdefghijklmno'])("take '%s'", (name) => {
    const objects = render(serviceStage(['image: team/api:1', `ports: { "${name}": { port: 8080 } }`]));
    expect(find(objects, 'Service', 'api').spec.ports[0]).toMatchObject({ name, targetPort: name });
  });

  it('refuse a bad ingress port name at its place too', () => {
    const text = serviceStage([
      'image: team/api:1',
      'ports: { http: { port: 8080 } }',
      'ingress: { host: api.example.com, tlsSecret: api-tls, port: "8080" }',
    ]);
    expect(problems(text)).toEqual([`environments/x.yaml:6:65: apps.api.ingress.port must be ${IANA} (found "8080")`]);
  });

  it('are refused by npm run synth as bad input (exit 2) at the stage file, with nothing written, not by the checks on the objects', () => {
    const dir = tempProject({ lab: serviceStage(['image: team/api:1', 'ports: { "8080": { port: 8080 }, "a--b": { port: 9090 } }']) });
    dirs.push(dir);
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`environments/lab.yaml:5:14: error: apps.api.ports: '8080' is not a valid name; it must be ${IANA}`);
    expect(r.stderr).toContain(`environments/lab.yaml:5:38: error: apps.api.ports: 'a--b' is not a valid name; it must be ${IANA}`);
    expect(r.stderr).not.toContain('Deployment lab/api');
  });
});
