/**
 * A readiness probe HAProxy checks a published app with, whose path or Host header haproxy.cfg cannot hold as written:
 * the problem at its setting, with the value the hint gives instead. Pure.
 */
import { blankEndsPhrase } from '../model/blank-ends.js';
import { describeObject } from '../model/object.js';
import { describeValue, shorten } from '../model/limits.js';
import { detectSecretOrEncoded, maskValue } from '../model/secret-rules.js';
import { READINESS_SETTING } from './readiness-port.js';
import type { ReadinessProbe } from './service-ports.js';
import { hostHeaderProblem, httpPathProblem, percentEncodePath } from './haproxy-words.js';
import type { PathProblem } from '../errors.js';

/**
 * The problem `config/invalid` of a readiness probe HAProxy checks an app with, at its setting
 * (READINESS_SETTING, else apps.<app>): a path, else a Host header, that haproxy.cfg cannot hold as
 * it is; undefined when it can hold both.
 */
export function probeValueProblem(app: string, stack: string, probe: ReadinessProbe): PathProblem | undefined {
  const pathProblem = httpPathProblem(probe.path);
  const hostProblem = probe.host === undefined ? undefined : hostHeaderProblem(probe.host);
  if (!pathProblem && !hostProblem) return undefined;
  const where = `${describeObject(probe.workload)}, container ${probe.container}`;
  // a path that holds a secret (?access_token=...) is printed nowhere, nor what the hint makes of it: the secret screen refuses it too
  const secret = detectSecretOrEncoded(probe.path) !== undefined;
  const shown = (path: string) => (secret ? '(not printed: the path holds a secret)' : shorten(path));
  const encoded = shown(percentEncodePath(probe.path.startsWith('/') ? probe.path : `/${probe.path}`));
  const [what, value, hint] = pathProblem
    ? [
        'readiness path',
        probe.path,
        slipOf(probe.path, encoded, shown) ??
          `write the path from '/', percent-encoding what a URL path cannot hold as written (a space is %20, '#' %23, '"' %22, "'" %27, '\\' %5C): ${encoded}`,
      ]
    : [
        'readiness path, with the Host header their probe sends',
        probe.host!,
        'write the Host header (httpGet.httpHeaders) as a host name or an IP address, with an optional :port (e.g. api.example.com), or leave it out: HAProxy then sends the first host name the edge sends to the app',
      ];
  return {
    code: 'config/invalid',
    path: ['apps', app, ...(Object.hasOwn(READINESS_SETTING, stack) ? READINESS_SETTING[stack]! : [])],
    message:
      `app '${app}' is published at the edge, and HAProxy checks it with a GET of its pods' ${what} (${where}), ` +
      `${detectSecretOrEncoded(value) ? maskValue(value) : describeValue(value)}, which haproxy.cfg cannot hold as it is: ${pathProblem ?? hostProblem}`,
    hint,
  };
}

/**
 * The hint for a readiness path whose only fault is whitespace at its start or end (`'/ready '`), most often a slip of the
 * keyboard, which percent-encoding (`encoded`) would keep: take it out (the path as `shown`); undefined for any other path.
 */
function slipOf(path: string, encoded: string, shown: (path: string) => string): string | undefined {
  const at = blankEndsPhrase(path);
  const trimmed = path.trim();
  if (at === undefined || !trimmed.startsWith('/') || httpPathProblem(trimmed)) return undefined;
  return `take out the whitespace at its ${at}, which looks like a slip: ${shown(trimmed)}; or, if the app's path does hold it, percent-encode it: ${encoded}`;
}
