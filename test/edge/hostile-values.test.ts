/**
 * No value of a stage file (or of a manifest it includes) changes what haproxy.cfg means: a
 * readiness path, a certificate path or an address that HAProxy would cut at a space or a `#`,
 * read as quoting or escaping, or end the line at, is refused at its place with the reason and
 * what to write instead, and nothing is written; a path written percent-encoded goes through as
 * it is. (HAProxy itself checks the configs in haproxy-check.test.ts.)
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileStages } from '../../lib/compile.js';
import { formatProblem } from '../../lib/errors.js';
import { haproxyConfig } from '../../lib/edge/haproxy.js';
import { httpPathProblem, percentEncodePath } from '../../lib/edge/haproxy-words.js';
import type { EdgePlan } from '../../lib/edge/publish.js';
import { errorLines, runCli, tempProject } from '../helpers/cli.js';
import { problemsThrownBy } from '../helpers/problems.js';
import { FILE, compileEdge, edgeProblems, legacy } from './helpers.js';

/** A stage publishing nginx; `readinessPath` (YAML, line 13, column 20), `certificate` (line 8, column 22), addresses as YAML. */
function stage({
  readinessPath = '/',
  certificate = '/etc/haproxy/certs/example.com.pem',
  nodeA = '10.0.0.1',
  machine = '10.0.0.5',
} = {}): string {
  return [
    'nodes:',
    `  a: { address: ${nodeA} }`,
    '  b: { address: 10.0.0.2 }',
    'edge:',
    `  machines: { lb1: { address: ${machine} } }`,
    '  frontends:',
    '    web:',
    `      certificates: [${certificate}]`,
    '      hosts: { www.example.com: nginx }',
    'apps:',
    '  nginx:',
    '    replicas: 1',
    `    readinessPath: ${readinessPath}`,
    '    service: { type: NodePort, nodePort: 30100 }',
    '',
  ].join('\n');
}

/** Each problem's first line (`file:line:col: message`). */
const firstLines = (problems: readonly string[]) => problems.map((p) => p.split('\n')[0]);

describe('a readiness path HAProxy would not read as written', () => {
  // [the path as YAML, what it holds, what the hint suggests]
  it.each([
    ["'/a b'", 'a space, where HAProxy ends the word', '/a%20b'],
    ["'/a\"b'", 'a quote (")', '/a%22b'],
    ["'/a#b'", "'#', where HAProxy starts a comment", '/a%23b'],
    ["'/x hdr Host evil.example'", 'a space, where HAProxy ends the word', '/x%20hdr%20Host%20evil.example'],
    [`"/a'b"`, "a quote (')", '/a%27b'],
    ["'/a\\b'", 'a backslash, which HAProxy reads as an escape', '/a%5Cb'],
    ['"/a\\tb"', 'a tab', '/a%09b'],
    ['"/a\\nb"', 'a line break, which would end the line in haproxy.cfg', '/a%0Ab'],
    ['"/a\\x01b"', 'the control character U+0001', '/a%01b'],
    ["'/a{b}'", "'{', which an HTTP request path cannot hold as written (RFC 3986)", '/a%7Bb%7D'],
    ["'/é'", "'é' (U+00E9), which an HTTP request path cannot hold as written", '/%C3%A9'],
    // the kubelet sends /a%25zz (Go's url.Parse refuses the path, and the prober escapes it as a path): HAProxy would send /a%zz
    ["'/a%zz'", "'%' not followed by two hex digits, which the kubelet sends as %25 (the path is no valid URL)", '/a%25zz'],
    ["'/ready%'", "'%' not followed by two hex digits", '/ready%25'],
  ])('refuses %s at apps.nginx.readinessPath, saying why and how to percent-encode it', (yaml, why, encoded) => {
    const problems = edgeProblems(stage({ readinessPath: yaml }));
    expect(problems).toHaveLength(1);
    const [message, hint] = problems[0].split('\n');
    expect(message).toMatch(
      new RegExp(
        `^${FILE}:13:20: app 'nginx' is published at the edge, and HAProxy checks it with a GET of its pods' readiness path \\(ReplicationController edge/nginx, container nginx\\), .*, which haproxy\\.cfg cannot hold as it is: it holds `,
      ),
    );
    expect(message).toContain(why);
    expect(hint).toBe(
      `  hint: write the path from '/', percent-encoding what a URL path cannot hold as written (a space is %20, '#' %23, '"' %22, "'" %27, '\\' %5C): ${encoded}`,
    );
  });

  it.each([
    ["'/ready '", '/ready', 'end', '/ready%20'],
    ["'/ready\t'", '/ready', 'end', '/ready%09'],
    ["'/ready \u00a0'", '/ready', 'end (U+00A0, a no-break space)', '/ready%20%C2%A0'],
  ])('refuses %s, whose whitespace at its end looks like a slip: the hint says to take it out first', (yaml, trimmed, where, encoded) => {
    const [problem] = edgeProblems(stage({ readinessPath: yaml }));
    expect(problem?.split('\n')[1]).toBe(
      `  hint: take out the whitespace at its ${where}, which looks like a slip: ${trimmed}; or, if the app's path does hold it, percent-encode it: ${encoded}`,
    );
  });

  it.each([
    ['a readiness path of the nginx stack', stage({ readinessPath: "' /ready'" }), '13:20', 'apps.nginx.readinessPath', '"/ready"'],
    [
      "a service app's readiness probe",
      stage().replace(
        / {2}nginx:\n.*$/s,
        '  api:\n    stack: service\n    image: "team/api:1"\n    ports: { http: { port: 8080, nodePort: 30200 } }\n    service: { type: NodePort }\n    probes: { readiness: { http: { path: " /healthz", port: http } } }\n',
      ),
      '16:42',
      'apps.api.probes.readiness.http.path',
      '"/healthz"',
    ],
    [
      'a certificate path',
      stage({ certificate: "' /etc/haproxy/certs/x.pem'" }),
      '8:22',
      'edge.frontends.web.certificates[0]',
      '"/etc/haproxy/certs/x.pem"',
    ],
  ])(
    "refuses %s with a blank at its start ('must start with /') at its place, the hint giving it without the blank",
    (_, text, at, setting, trimmed) => {
      const [problem, ...more] = edgeProblems(text);
      expect(more).toEqual([]);
      expect(problem).toMatch(new RegExp(`^${FILE}:${at}: ${setting.replace(/[.[\]]/g, '\\$&')} must be `));
      expect(problem?.split('\n')[1]).toBe(`  hint: take out the whitespace at its start, which looks like a slip: ${trimmed}`);
    },
  );

  it('gives no such hint for a blank that is not the only fault, nor prints a path that holds a secret', () => {
    expect(edgeProblems(stage({ readinessPath: "' ready'" }))[0]).not.toContain('hint:');
    const [secret] = edgeProblems(stage({ readinessPath: "' /ready?access_token=ghp_abcdefghijklmnopqrstuvwxyz0123456789'" }));
    expect(secret).not.toMatch(/ghp_|abcdefghij|uvwxyz012/);
  });

  it.each([
    ['whitespace at its end (the hint would give it trimmed)', "'/ready?access_token=ghp_abcdefghijklmnopqrstuvwxyz0123456789 '"],
    ['a space within (the hint would give it percent-encoded)', "'/ready?access_token=ghp_abcdefghijklmnopqrstuvwxyz0123456789 x'"],
  ])('prints no part of a path that holds a secret, in the message or the hint: %s', (_, yaml) => {
    const problems = edgeProblems(stage({ readinessPath: yaml }));
    const edge = problems.find((p) => p.includes('which haproxy.cfg cannot hold as it is'));
    expect(edge).toContain(`(a ${yaml.length - 2}-character value, hidden)`);
    expect(edge).toContain('(not printed: the path holds a secret)');
    for (const p of problems) expect(p).not.toMatch(/ghp_|abcdefghij|uvwxyz012/);
  });

  it("gives the whole message for the tester's case", () => {
    expect(edgeProblems(stage({ readinessPath: "'/x hdr Host evil.example'" }))).toEqual([
      `${FILE}:13:20: app 'nginx' is published at the edge, and HAProxy checks it with a GET of its pods' readiness path (ReplicationController edge/nginx, container nginx), "/x hdr Host evil.example", which haproxy.cfg cannot hold as it is: it holds a space, where HAProxy ends the word and reads what follows as more arguments\n` +
        `  hint: write the path from '/', percent-encoding what a URL path cannot hold as written (a space is %20, '#' %23, '"' %22, "'" %27, '\\' %5C): /x%20hdr%20Host%20evil.example`,
    ]);
  });

  it('writes a percent-encoded path, and one with the other characters a URL path may hold, as they are', () => {
    for (const path of ['/a%20b', '/x%20hdr%20Host%20evil.example', '/a/~b_c-d.e/!$&()*+,;=:@?q=%23&r=1']) {
      const { files } = compileEdge(stage({ readinessPath: `'${path}'` }));
      expect(files.get('edge/haproxy.cfg')).toContain(`\n    http-check send meth GET uri ${path} ver HTTP/1.1 hdr Host www.example.com\n`);
    }
  });

  it('is placed at probes.readiness.http.path for a demoapp, once for both colors', () => {
    const text = stage()
      .replace('hosts: { www.example.com: nginx }', 'hosts: { www.example.com: demoapp }')
      .replace(/ {2}nginx:[\s\S]*$/, '')
      .concat(
        [
          '  demoapp:',
          '    blueGreen: { live: blue, blue: demoapp:1, green: demoapp:1.1 }',
          '    replicas: 1',
          '    probes:',
          "      readiness: { http: { path: '/ready now' } }",
          '    service: { colorNodePorts: { blue: 30091, green: 30092 } }',
          '    database:',
          '      storage: 1Gi',
          '      secret: { name: mysqlsecret, keys: [username, password, database] }',
          '      backup: { schedule: "0 2 * * *", storage: 1Gi }',
          '',
        ].join('\n'),
      );
    const problems = edgeProblems(text);
    expect(firstLines(problems)).toEqual([
      `${FILE}:15:34: app 'demoapp' is published at the edge, and HAProxy checks it with a GET of its pods' readiness path (Deployment edge/demoapp-blue, container demoapp), "/ready now", which haproxy.cfg cannot hold as it is: it holds a space, where HAProxy ends the word and reads what follows as more arguments`,
    ]);
    expect(problems[0]).toContain(': /ready%20now');
  });

  it('is placed at the app for a path written in a manifest the app includes, which may also lack its leading /', () => {
    const manifest = (path: string) =>
      legacy(
        [
          `{ name: web, image: "nginx:1.25", ports: [{ containerPort: 80 }], readinessProbe: { httpGet: { path: ${JSON.stringify(path)}, port: 80 } } }`,
        ],
        '[{ port: 80, nodePort: 30200 }]',
      );
    const text = stage()
      .replace('hosts: { www.example.com: nginx }', 'hosts: { www.example.com: legacy }')
      .replace(/ {2}nginx:[\s\S]*$/, '  legacy:\n    stack: manifests\n    include: [in]\n');
    const compile = (path: string) =>
      problemsThrownBy(() =>
        compileStages([
          { stage: 'edge', file: FILE, text, readSource: (p) => (p === 'in' ? new Map([['in/a.yaml', manifest(path)]]) : undefined) },
        ]),
      )
        .map(formatProblem)
        .filter((p) => p.includes('is published at the edge'));
    expect(compile('/a#b')).toEqual([
      `${FILE}:12:5: app 'legacy' is published at the edge, and HAProxy checks it with a GET of its pods' readiness path (Deployment edge/legacy, container web), "/a#b", which haproxy.cfg cannot hold as it is: it holds '#', where HAProxy starts a comment (it would ignore the rest of the line)\n` +
        `  hint: write the path from '/', percent-encoding what a URL path cannot hold as written (a space is %20, '#' %23, '"' %22, "'" %27, '\\' %5C): /a%23b`,
    ]);
    expect(compile('healthz')[0]).toMatch(
      /"healthz", which haproxy\.cfg cannot hold as it is: it does not start with '\/'.*\n {2}hint: .*: \/healthz$/,
    );
  });
});

describe("a readiness probe's Host header HAProxy would not send as written", () => {
  /** The problems of publishing manifests app `legacy`, whose readiness probe sends Host header `host` (YAML). */
  const problemsWithHost = (host: string) => {
    const probe = `readinessProbe: { httpGet: { path: /ready, port: 80, httpHeaders: [{ name: Host, value: ${host} }] } }`;
    const manifest = legacy(
      [`{ name: web, image: "nginx:1.25", ports: [{ containerPort: 80 }], ${probe} }`],
      '[{ port: 80, nodePort: 30200 }]',
    );
    const text = stage()
      .replace('hosts: { www.example.com: nginx }', 'hosts: { www.example.com: legacy }')
      .replace(/ {2}nginx:[\s\S]*$/, '  legacy:\n    stack: manifests\n    include: [in]\n');
    return problemsThrownBy(() =>
      compileStages([
        { stage: 'edge', file: FILE, text, readSource: (p) => (p === 'in' ? new Map([['in/a.yaml', manifest]]) : undefined) },
      ]),
    )
      .map(formatProblem)
      .filter((p) => p.includes('is published at the edge'));
  };

  it.each([
    ["'a.example.com hdr X-Admin yes'", 'a space, where HAProxy ends the word'],
    ["'a.example.com#x'", "'#', where HAProxy starts a comment"],
    ['"a.example.com\\nfrontend x"', 'a line break'],
    ["'%[src]'", "'%', where HAProxy reads an expression of its own"],
    ["'a.example.com/admin'", 'it is not a host name or an IP address'],
  ])('refuses %s at the app that includes the manifest, saying why and what to write', (host, why) => {
    const problems = problemsWithHost(host);
    expect(problems).toHaveLength(1);
    const [message, hint] = problems[0]!.split('\n');
    expect(message).toMatch(
      new RegExp(
        `^${FILE}:12:5: app 'legacy' is published at the edge, and HAProxy checks it with a GET of its pods' readiness path, with the Host header their probe sends \\(Deployment edge/legacy, container web\\), .*, which haproxy\\.cfg cannot hold as it is: `,
      ),
    );
    expect(message).toContain(why);
    expect(hint).toBe(
      '  hint: write the Host header (httpGet.httpHeaders) as a host name or an IP address, with an optional :port (e.g. api.example.com), or leave it out: HAProxy then sends the first host name the edge sends to the app',
    );
  });
});

describe('a certificate path HAProxy would not read as written', () => {
  it.each([
    ["'/etc/haproxy/certs/x.pem#c'", "'#', where HAProxy starts a comment", '/etc/haproxy/certs/x.pem-c'],
    ['\'/etc/haproxy/certs/"x".pem\'', 'a quote (")', '/etc/haproxy/certs/-x-.pem'],
    ['"/etc/haproxy/certs/x\'.pem"', "a quote (')", '/etc/haproxy/certs/x-.pem'],
    ["'/etc/haproxy/certs/x\\.pem'", 'a backslash', '/etc/haproxy/certs/x-.pem'],
    ['"/etc/haproxy/certs/x\\x7f.pem"', 'the control character U+007F', '/etc/haproxy/certs/x-.pem'],
  ])('refuses %s at its place in edge.frontends.web.certificates', (yaml, why, suggested) => {
    const problems = edgeProblems(stage({ certificate: yaml }));
    expect(problems).toHaveLength(1);
    const [message, hint] = problems[0].split('\n');
    expect(message).toMatch(
      new RegExp(
        `^${FILE}:8:22: edge\\.frontends\\.web\\.certificates\\[0\\] .* cannot be written into haproxy\\.cfg as one path \\(bind \\.\\.\\. ssl crt <path>\\): it holds `,
      ),
    );
    expect(message).toContain(why);
    expect(hint).toBe(
      `  hint: name the PEM file on the edge machine with a path without whitespace, '#', quotes, backslashes or control characters, e.g. ${JSON.stringify(suggested)}`,
    );
  });

  it("gives the whole message for the tester's case", () => {
    expect(edgeProblems(stage({ certificate: '/etc/haproxy/certs/x.pem#c' }))).toEqual([
      `${FILE}:8:22: edge.frontends.web.certificates[0] "/etc/haproxy/certs/x.pem#c" cannot be written into haproxy.cfg as one path (bind ... ssl crt <path>): it holds '#', where HAProxy starts a comment (it would ignore the rest of the line)\n` +
        `  hint: name the PEM file on the edge machine with a path without whitespace, '#', quotes, backslashes or control characters, e.g. "/etc/haproxy/certs/x.pem-c"`,
    ]);
  });
});

describe('an address HAProxy would not read as written', () => {
  it.each([
    ["'10.0.0.1 backup'", 'a space, where HAProxy ends the word'],
    ["'10.0.0.1#x'", "'#', where HAProxy starts a comment"],
    ['"10.0.0.1\\nfrontend evil"', 'a line break'],
    ["'10.0.0.1:8080'", undefined],
    ["'node_a'", undefined],
  ])("refuses node address %s at nodes.a.address: the servers' addresses", (yaml, why) => {
    const problems = edgeProblems(stage({ nodeA: yaml }));
    expect(problems).toHaveLength(1);
    const [message, hint] = problems[0].split('\n');
    expect(message).toMatch(
      new RegExp(`^${FILE}:2:17: nodes\\.a\\.address ".*" is not an IP address or a host name${why ? ' \\(it holds ' : ''}`),
    );
    expect(message).toMatch(/; haproxy\.cfg sends traffic to it \(server a <address>:<node port>\)$/);
    if (why) expect(message).toContain(why);
    expect(hint).toBe("  hint: write the node's IPv4 or IPv6 address, or its host name");
  });

  it.each([
    ['10.1.0.256', 'the number 256 is more than 255'],
    ['10.0.1', "'10.0.1' does not have four numbers separated by '.'"],
    ['10.0.0.01', 'the number 01 has a leading zero, which some tools read as octal'],
  ])('refuses %s, a malformed IPv4 address, rather than take it for a host name (HAProxy would disable the server)', (address, why) => {
    const expected = (at: string, setting: string, rest: string, hint: string) =>
      `${FILE}:${at}: ${setting} "${address}" is not an IP address (${why}; an IPv4 address is four numbers 0-255), and a name of digits only is not a host name; ${rest}\n  hint: ${hint}`;
    expect(edgeProblems(stage({ nodeA: address }))).toEqual([
      expected(
        '2:17',
        'nodes.a.address',
        'haproxy.cfg sends traffic to it (server a <address>:<node port>)',
        "write the node's IPv4 or IPv6 address, or its host name",
      ),
    ]);
    expect(edgeProblems(stage({ machine: address }))).toEqual([
      expected(
        '5:31',
        'edge.machines.lb1.address',
        'haproxy.cfg names the edge machines by address',
        "write the machine's IPv4 or IPv6 address, or its host name",
      ),
    ]);
  });

  it('refuses an edge machine address with a line break (haproxy.cfg names the machines in a comment) at edge.machines.lb1.address', () => {
    expect(edgeProblems(stage({ machine: '"10.0.0.5\\nfrontend evil"' }))).toEqual([
      `${FILE}:5:31: edge.machines.lb1.address "10.0.0.5\\nfrontend evil" is not an IP address or a host name (it holds a line break, which would end the line in haproxy.cfg); haproxy.cfg names the edge machines by address\n` +
        "  hint: write the machine's IPv4 or IPv6 address, or its host name",
    ]);
  });

  it('writes IPv4 and IPv6 addresses and host names as they are', () => {
    const { files } = compileEdge(stage({ nodeA: "'fd00::1'", machine: 'lb1.example.com' }));
    const config = files.get('edge/haproxy.cfg')!;
    expect(config).toContain('\n    server a fd00::1:30100 check\n    server b 10.0.0.2:30100 check\n');
    expect(config).toContain('# For the edge machines lb1 (lb1.example.com): copy to');
  });
});

describe('haproxyConfig', () => {
  const plan: EdgePlan = {
    stage: 'lab',
    source: 'environments/lab.yaml',
    machines: [{ name: 'lb1', address: '10.0.0.5' }],
    frontends: [
      {
        name: 'web',
        httpPort: 80,
        httpsPort: 443,
        certificates: ['/c/a.pem'],
        redirectHttp: true,
        gzip: false,
        routes: [{ host: 'a.example.com', app: 'a', backend: 'a' }],
      },
    ],
    backends: [
      {
        name: 'a',
        service: 'Service lab/a',
        nodePort: 30080,
        healthPath: '/',
        host: 'a.example.com',
        servers: [{ name: 'n1', address: '10.0.0.1' }],
      },
    ],
  };

  it.each<[string, EdgePlan]>([
    ['a readiness path', { ...plan, backends: [{ ...plan.backends[0], healthPath: '/a hdr Host x' }] }],
    ['a certificate', { ...plan, frontends: [{ ...plan.frontends[0], certificates: ['/c/a.pem#c'] }] }],
    ['a node address', { ...plan, backends: [{ ...plan.backends[0], servers: [{ name: 'n1', address: '10.0.0.1 backup' }] }] }],
    ['a machine address', { ...plan, machines: [{ name: 'lb1', address: '10.0.0.5\nfrontend x' }] }],
    ['a Host header', { ...plan, backends: [{ ...plan.backends[0], host: 'a.example.com%[src]' }] }],
  ])('never writes %s that escaped the checks: it throws', (_what, hostile) => {
    expect(() => haproxyConfig(plan)).not.toThrow();
    expect(() => haproxyConfig(hostile)).toThrow(/^internal: .* (reached haproxy\.cfg unchecked|would hold a line break)/);
  });
});

describe('httpPathProblem and percentEncodePath', () => {
  it('accept what a URL path may hold, and encode the rest as UTF-8 bytes', () => {
    expect(httpPathProblem('/a/b-c_d.e~f/!$&()*+,;=:@?x=%20')).toBeUndefined();
    expect(httpPathProblem('')).toBe('it is empty');
    expect(percentEncodePath('/a b#c"d\'e\\f\u0001é?x=1')).toBe('/a%20b%23c%22d%27e%5Cf%01%C3%A9?x=1');
  });
});

describe('npm run synth with a hostile readiness path', () => {
  const dir = tempProject({ edge: stage({ readinessPath: "'/a b'" }) });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 2, as for any bad stage file, and writes nothing', () => {
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toEqual([
      `${FILE}:13:20: error: app 'nginx' is published at the edge, and HAProxy checks it with a GET of its pods' readiness path (ReplicationController edge/nginx, container nginx), "/a b", which haproxy.cfg cannot hold as it is: it holds a space, where HAProxy ends the word and reads what follows as more arguments`,
      '1 problem; nothing was written.',
    ]);
    expect(existsSync(join(dir, 'dist'))).toBe(false);
  });
});
