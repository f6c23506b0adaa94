import { describe, expect, it } from 'vitest';
import { haproxyConfig } from '../../lib/edge/haproxy.js';
import { readHaproxyConfig } from '../../lib/edge/haproxy-read.js';
import { floatingAddressIn, keepalivedConfigs } from '../../lib/edge/keepalived.js';
import type { EdgePlan } from '../../lib/edge/publish.js';

const plan: EdgePlan = {
  stage: 'lab',
  source: 'environments/lab.yaml',
  machines: [
    { name: 'lb1', address: '10.0.0.5' },
    { name: 'lb2', address: '10.0.0.6' },
  ],
  frontends: [
    {
      name: 'web',
      httpPort: 80,
      httpsPort: 443,
      certificates: ['/c/a.pem', '/c/b.pem'],
      redirectHttp: false,
      gzip: false,
      routes: [{ host: 'a.example.com', app: 'a', backend: 'a' }],
    },
  ],
  backends: [
    { name: 'a', service: 'Service lab/a', nodePort: 30080, host: 'a.example.com', servers: [{ name: 'n1', address: '10.0.0.1' }] },
  ],
};

describe('haproxyConfig', () => {
  it('writes frontends and backends as the plan says, without redirect, gzip or HTTP check when not asked', () => {
    const text = haproxyConfig(plan);
    expect(text.slice(text.indexOf('frontend web'))).toBe(
      [
        'frontend web',
        '    bind :80',
        '    bind :443 ssl crt /c/a.pem crt /c/b.pem alpn h2,http/1.1',
        // the host read once (a request to a host no route names ran the expression once per route), then compared by each route
        '    http-request set-var(txn.host) req.hdr(host),regsub(:[0-9]*$,),regsub([.]$,)',
        // one valid host: a name or an IPv4 address, or an IPv6 literal; a port not of digits is left, with its ':' (haproxy-tls.test.ts)
        '    http-request deny deny_status 400 unless { req.hdr_cnt(host) eq 1 } { var(txn.host) -m reg ^([^]:[]+|[[][^]]+[]])$ }',
        '    option forwardfor',
        '    http-request set-header X-Forwarded-Proto https if { ssl_fc }',
        '    http-request set-header X-Forwarded-Proto http if !{ ssl_fc }',
        '    use_backend a if { var(txn.host) -m str -i a.example.com }',
        '    default_backend stagecraft_no_app',
        '',
        'frontend stagecraft_monitor',
        '    # answered by haproxy itself while it serves, on this machine only: keepalived asks it (keepalived-<machine>.conf)',
        '    bind 127.0.0.1:8404',
        '    monitor-uri /stagecraft-alive',
        '    maxconn 8',
        '',
        'backend a',
        '    # Service lab/a, node port 30080 on every node',
        '    balance roundrobin',
        '    # no readiness path to GET at this node port: the check only connects to it',
        '    server n1 10.0.0.1:30080 check',
        '',
        'backend stagecraft_no_app',
        '    # a host no route of the frontend names: 404, not the 503 of an app whose servers are down',
        '    http-request return status 404 content-type text/plain string "no app is published at this host"',
        '',
      ].join('\n'),
    );
  });

  it('sets X-Forwarded-Proto from the connection, whatever the client sent, with or without the redirect', () => {
    for (const redirectHttp of [false, true]) {
      const text = haproxyConfig({ ...plan, frontends: [{ ...plan.frontends[0], redirectHttp }] });
      expect(text).toContain(
        '    http-request set-header X-Forwarded-Proto https if { ssl_fc }\n    http-request set-header X-Forwarded-Proto http if !{ ssl_fc }\n',
      );
    }
  });

  it.each([
    [443, '    http-request redirect location https://%[var(txn.host)]%[pathq] code 308 unless { ssl_fc }\n'],
    [18443, '    http-request redirect location https://%[var(txn.host)]:18443%[pathq] code 308 unless { ssl_fc }\n'],
  ])("redirects plain HTTP to the frontend's httpsPort %i (the host without its port, the path and query kept)", (httpsPort, line) => {
    const text = haproxyConfig({ ...plan, frontends: [{ ...plan.frontends[0], httpPort: 18080, httpsPort, redirectHttp: true }] });
    // a request that names no host is answered 400 before it (haproxy-tls.test.ts)
    const noHost =
      '    http-request set-var(txn.host) req.hdr(host),regsub(:[0-9]*$,),regsub([.]$,)\n' +
      '    http-request deny deny_status 400 unless { req.hdr_cnt(host) eq 1 } { var(txn.host) -m reg ^([^]:[]+|[[][^]]+[]])$ }\n';
    expect(text).toContain(`    bind :18080\n    bind :${httpsPort} ssl crt /c/a.pem crt /c/b.pem alpn h2,http/1.1\n${noHost}${line}`);
  });

  it.each([
    [{ maxAge: 31536000, includeSubDomains: false }, 'max-age=31536000'],
    [{ maxAge: 0, includeSubDomains: true }, 'max-age=0; includeSubDomains'],
  ])('with hsts %o, sets Strict-Transport-Security to %s on every answer over TLS, after the redirect', (hsts, value) => {
    const text = haproxyConfig({ ...plan, frontends: [{ ...plan.frontends[0], redirectHttp: true, hsts }] });
    expect(text).toContain(
      '    http-request redirect location https://%[var(txn.host)]%[pathq] code 308 unless { ssl_fc }\n' +
        `    http-after-response set-header Strict-Transport-Security "${value}" if { ssl_fc }\n`,
    );
  });

  it('listens on IPv6 too when an edge machine has an IPv6 address, and reads the host of an IPv6 literal Host header', () => {
    const machines = [...plan.machines, { name: 'lb3', address: 'fd00::5' }];
    const frontends = [{ ...plan.frontends[0], httpsPort: 18443, redirectHttp: true }];
    const text = haproxyConfig({ ...plan, machines, frontends });
    expect(text).toContain(
      [
        '    bind :80',
        '    bind :::80 v6only',
        '    bind :18443 ssl crt /c/a.pem crt /c/b.pem alpn h2,http/1.1',
        '    bind :::18443 v6only ssl crt /c/a.pem crt /c/b.pem alpn h2,http/1.1',
        // Host: [fd00::5]:80 is [fd00::5] without its port (field(1,:) would give '['), and a.example.com: (an empty port) a.example.com
        '    http-request set-var(txn.host) req.hdr(host),regsub(:[0-9]*$,),regsub([.]$,)',
        '    http-request deny deny_status 400 unless { req.hdr_cnt(host) eq 1 } { var(txn.host) -m reg ^([^]:[]+|[[][^]]+[]])$ }',
        '    http-request redirect location https://%[var(txn.host)]:18443%[pathq] code 308 unless { ssl_fc }',
      ].join('\n'),
    );
    expect(text).toContain('    use_backend a if { var(txn.host) -m str -i a.example.com }\n');
    expect(text).not.toContain('field(1,:)');
  });

  it('listens on IPv4 only, as before, when every edge machine has an IPv4 address or a host name', () => {
    const text = haproxyConfig({ ...plan, machines: [...plan.machines, { name: 'lb3', address: 'lb3.example.com' }] });
    expect(text).not.toContain(':::');
    expect(text).toContain('    bind :80\n    bind :443 ssl');
  });

  it('names the stage file, the stage and the edge machines in its header, and how to install it: haproxy enabled and started where it was stopped (an edge taken out, then put back)', () => {
    expect(haproxyConfig(plan).split('\n').slice(0, 5)).toEqual([
      '# Generated by stagecraft from environments/lab.yaml (stage lab); do not edit.',
      '# Change the stage file or the stack, then run: npm run synth',
      '# For the edge machines lb1 (10.0.0.5), lb2 (10.0.0.6): copy to /etc/haproxy/haproxy.cfg, check with',
      '# haproxy -c -f /etc/haproxy/haproxy.cfg, then systemctl enable haproxy and systemctl reload-or-restart haproxy,',
      '# which starts it where it was stopped (see the README, "The edge").',
    ]);
  });

  it('sets every timeout HAProxy warns about when missing', () => {
    const text = haproxyConfig(plan);
    for (const t of ['connect', 'client', 'server']) expect(text).toMatch(new RegExp(`\\n    timeout ${t} \\d+s\\n`));
  });
});

describe('the global section of haproxy.cfg', () => {
  it("keeps the admin socket of Debian's default config, which it replaces, so that an operator can see whether a color's servers are UP before a switch; exposing the listeners to a reload with -x", () => {
    expect(haproxyConfig(plan)).toContain(
      '\nglobal\n    log /dev/log local0\n    chroot /var/lib/haproxy\n    user haproxy\n    group haproxy\n' +
        '    stats socket /run/haproxy/admin.sock mode 660 level admin expose-fd listeners\n    stats timeout 30s\n',
    );
  });
});

describe('the defaults of haproxy.cfg', () => {
  it('try a connection that a node refuses or lets time out again on another node, so that a node going down is not answered 503 before its checks take it out', () => {
    expect(haproxyConfig(plan)).toMatch(/\ndefaults\n( {4}.*\n)* {4}retries 3\n {4}option redispatch 1\n/);
  });
});

describe('the connection limits of haproxy.cfg', () => {
  it("keep room for the monitor beyond every public frontend's: the global maxconn is their sum and the monitor's, so full frontends never stop haproxy accepting on the monitor", () => {
    const two = { ...plan, frontends: [plan.frontends[0]!, { ...plan.frontends[0]!, name: 'api', httpPort: 8080, httpsPort: 8443 }] };
    const text = haproxyConfig(two);
    expect(text).toMatch(/\nglobal\n( {4}.*\n)* {4}maxconn 8200\n/);
    expect(text).toMatch(/\ndefaults\n( {4}.*\n)* {4}maxconn 4096\n/);
    expect(text).toMatch(/\nfrontend stagecraft_monitor\n( {4}.*\n)* {4}maxconn 8\n/);
  });
});

describe('readHaproxyConfig and floatingAddressIn, the readers of the generated files', () => {
  it('read back the machines, routes and backends haproxyConfig wrote, whatever the plan: IPv6 machines, blue/green, drained servers, a check port, TLS to the pods', () => {
    const written: EdgePlan = {
      ...plan,
      machines: [
        { name: 'lb1', address: 'fd00::5' },
        { name: 'lb2', address: 'lb2.example.com' },
        { name: 'lb3', address: '10.0.0.7' },
      ],
      frontends: [
        {
          ...plan.frontends[0]!,
          redirectHttp: true,
          hsts: { maxAge: 600, includeSubDomains: true },
          routes: [
            { host: 'a.example.com', app: 'a', backend: 'a' },
            { host: 'b.example.com', app: 'b', backend: 'b-green', blueGreen: { live: 'green', idle: 'blue', idleBackend: 'b-blue' } },
          ],
        },
      ],
      backends: [
        // checked over TLS at another port (check-ssl), the traffic in plain HTTP
        {
          ...plan.backends[0]!,
          healthPath: '/ready',
          checkPort: 30081,
          https: true,
          servers: [{ name: 'n1', address: '10.0.0.1', drained: true }],
        },
        {
          name: 'b-blue',
          service: 'Service lab/b-blue',
          nodePort: 30091,
          host: 'b.example.com',
          // a node named ssl is no word of TLS
          servers: [{ name: 'ssl', address: '10.0.0.1' }],
        },
        {
          name: 'b-green',
          service: 'Service lab/b-green',
          nodePort: 30092,
          host: 'b.example.com',
          tls: true,
          // an IPv6 node, written bare before its port
          servers: [
            { name: 'n1', address: '10.0.0.1' },
            { name: 'n2', address: 'fd00::2' },
          ],
        },
      ],
    };
    expect(readHaproxyConfig(haproxyConfig(written))).toEqual({
      machines: written.machines,
      routes: [
        { backend: 'a', host: 'a.example.com' },
        { backend: 'b-green', host: 'b.example.com' },
      ],
      backends: [
        { name: 'a', service: 'Service lab/a', nodePort: '30080', checkPort: '30081', tls: false, servers: ['10.0.0.1'] },
        { name: 'b-blue', service: 'Service lab/b-blue', nodePort: '30091', tls: false, servers: ['10.0.0.1'] },
        { name: 'b-green', service: 'Service lab/b-green', nodePort: '30092', tls: true, servers: ['10.0.0.1', 'fd00::2'] },
      ],
    });
  });

  it("read the routes of an output written before the host was read into txn.host (each use_backend line with the host's expression), as dist/ has it until the next synth", () => {
    const before = [
      'frontend web',
      '    use_backend a if { req.hdr(host),field(1,:),regsub([.]$,) -i a.example.com }',
      '    use_backend b if { req.hdr(host),regsub(:[0-9]+$,) -i b.example.com }',
      '    use_backend c if { var(txn.host) -m str -i c.example.com }',
      '',
    ].join('\n');
    expect(readHaproxyConfig(before).routes).toEqual([
      { backend: 'a', host: 'a.example.com' },
      { backend: 'b', host: 'b.example.com' },
      { backend: 'c', host: 'c.example.com' },
    ]);
  });

  it('read nothing of a file of another shape', () => {
    expect(readHaproxyConfig('global\n    maxconn 10\n')).toEqual({ machines: [], routes: [], backends: [] });
    expect(floatingAddressIn('global_defs {\n}\n')).toBeUndefined();
  });

  it("floatingAddressIn reads the address every machine's keepalived.conf moves, with its prefix length, not a peer's", () => {
    const files = keepalivedConfigs('lab', 'environments/lab.yaml', {
      machines: { lb1: { address: '10.0.0.5' }, lb2: { address: '10.0.0.6' } },
      floatingIp: { address: '10.0.0.100/24', interface: 'eth0', routerId: 7 },
      frontends: {},
    });
    expect([...files.values()].map(floatingAddressIn)).toEqual(['10.0.0.100/24', '10.0.0.100/24']);
  });
});
