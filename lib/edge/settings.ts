/**
 * The `edge:` section of a stage file: the HAProxy machines in front of a bare-metal stage, their
 * frontends (host names, certificates, redirect, gzip) and which app each host name is sent to.
 * Schema only; the rules across settings are in refine.ts, the configuration in haproxy.ts.
 */
import { DnsLabel, PortNumber, Settings, Type, type Static, Mapping } from '../config/types.js';

/** A host name such as nginx.traininglab.com (at least two labels, lowercase), as a route names it. */
export const HOST_NAME_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$';
/**
 * A host of `hosts` as the schema lets it through: HOST_NAME_PATTERN, or that name in capitals or with
 * the final dot of an absolute name (valid DNS names of the same host), which refine.ts refuses with
 * the name to write; any other mistake (`my_app.example.com`) is the schema's, said generically.
 */
const HOST_NAME_WRITTEN_PATTERN = '^[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)+\\.?$';
/** The largest `hsts.maxAge`: browsers read max-age as a signed 32-bit number of seconds at most. */
const HSTS_MAX_AGE_LIMIT = 2 ** 31 - 1;
/** A name HAProxy accepts for a frontend or a machine, and that reads well in its logs. */
const EDGE_NAME_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';

const Frontend = Settings(
  {
    hosts: Mapping(
      Type.String({
        pattern: HOST_NAME_WRITTEN_PATTERN,
        expected: 'a lowercase host name of at least two labels, such as shop.example.com',
      }),
      Type.String({
        minLength: 1,
        expected: 'the name of an app under apps:',
        description: "The app under apps: that receives the host's traffic.",
      }),
      { minProperties: 1, description: 'Host name -> the app (under apps:) that receives its traffic; routed on the Host header.' },
    ),
    certificates: Type.Array(
      Type.String({ pattern: '^/[^\\s]*$', expected: 'an absolute path without spaces, e.g. /etc/haproxy/certs/example.com.pem' }),
      {
        minItems: 1,
        uniqueItems: true,
        description:
          'PEM files on the edge machine, each holding a certificate, its chain and its key (HAProxy picks one by SNI); the frontend offloads TLS with them.',
      },
    ),
    redirectHttp: Type.Optional(
      Type.Boolean({
        description:
          'Answer plain HTTP with a permanent redirect to HTTPS (308: the client repeats the method and body, a POST stays a POST). @default true',
      }),
    ),
    hsts: Type.Optional(
      Settings(
        {
          maxAge: Type.Integer({
            minimum: 0,
            maximum: HSTS_MAX_AGE_LIMIT,
            expected: 'a number of seconds, such as 31536000 (a year); 0 tells browsers to forget it',
            description:
              'How long a browser that saw the header goes to HTTPS by itself for these hosts, in seconds; 0 withdraws it (serve it a while before removing hsts:).',
          }),
          includeSubDomains: Type.Optional(
            Type.Boolean({
              description:
                'Whether the browser does so for every subdomain of the host too, which then must all serve HTTPS. @default false',
            }),
          ),
        },
        {
          description:
            "Strict-Transport-Security on every response over TLS (the app's and HAProxy's own): the browser then never asks over plain HTTP, until maxAge has passed; opt-in, since it cannot be taken back from a browser before then. @default - none",
        },
      ),
    ),
    gzip: Type.Optional(Type.Boolean({ description: 'Compress text responses (HTML, CSS, JavaScript, JSON) with gzip. @default false' })),
    httpsPort: Type.Optional(PortNumber({ description: 'Port of the TLS listener. @default 443' })),
    httpPort: Type.Optional(PortNumber({ description: 'Port of the plain HTTP listener. @default 80' })),
  },
  { description: 'One HAProxy frontend: its listeners, certificates and host names.' },
);

/**
 * What one edge does on dual-stack machines, for the hint of a second address written under a machine: keepalived moves an
 * IPv4 and an IPv6 address in VRRP instances of their own (VRRP goes between addresses of one family, floating-ip.ts), and
 * keepalived.ts writes one, of the machines' family; an IPv6 edge machine makes every frontend listen on IPv4 too
 * (haproxy-frontend.ts), so the IPv4 clients still reach the machines.
 */
export const DUAL_STACK =
  "write the machines' addresses and the floating IP in one family, the one DNS names for the edge (machines named by their IPv6 addresses make the frontends listen on IPv4 too); keepalived moves an IPv4 and an IPv6 address in VRRP instances of their own, and stagecraft writes one";
/** The keys a second address of an edge machine is written under, by habit: each is answered with DUAL_STACK. */
const SECOND_ADDRESS_KEYS = ['address6', 'ipv6', 'addresses'] as const;
/** The keys a second floating IP of an edge is written under, by habit (`floatingIp6: { address: fd00::100/64, ... }`): answered with DUAL_STACK. */
const SECOND_FLOATING_KEYS = ['floatingIp6', 'floatingIpv6', 'floatingIps'] as const;

export const edgeSettings = Settings(
  {
    machines: Mapping(
      // a DNS label, as a machine's host name is: its keepalived-<machine>.conf must be a file name the file system takes
      DnsLabel({ expected: "a name of lowercase letters, digits and '-', at most 63 characters (a host name's label)" }),
      Settings(
        {
          address: Type.String({
            minLength: 1,
            // said in full, as a list of two addresses is answered with this description
            description: `The machine's IP address or host name, one: ${DUAL_STACK}.`,
          }),
        },
        { unknownKeyHints: Object.fromEntries(SECOND_ADDRESS_KEYS.map((k) => [k, `an edge machine has one address: ${DUAL_STACK}`])) },
      ),
      { minProperties: 1, description: 'The machines that run HAProxy outside the cluster, by name; each gets the same haproxy.cfg.' },
    ),
    floatingIp: Type.Optional(
      Settings(
        {
          address: Type.String({
            // IPv4's dotted numbers, or IPv6's hex groups with a ':' (floating-ip.ts says what is wrong with either)
            pattern: '^(([0-9]{1,3}\\.){3}[0-9]{1,3}/[0-9]{1,2}|[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*/[0-9]{1,3})$',
            expected: 'an IPv4 or IPv6 address with its prefix length, e.g. 192.168.122.150/24 or fd00::150/64',
            description:
              "The address clients (and DNS) use, IPv4 or IPv6 (the edge machines' addresses of the same family); it moves to a healthy edge machine. " +
              `One address, not one of each family: ${DUAL_STACK}.`,
          }),
          interface: Type.String({
            pattern: '^[a-zA-Z0-9][-a-zA-Z0-9_.]*$',
            maxLength: 15,
            expected: 'a network interface name such as eth0',
            description: 'Network interface of the edge machines that carries it.',
          }),
          routerId: Type.Integer({ minimum: 1, maximum: 255, description: 'The VRRP virtual router id, unique in the network segment.' }),
        },
        {
          description:
            'A floating IP moved between the edge machines by keepalived (VRRP, unicast between the machines), when haproxy stops answering on the one holding it; needs two machines or more. Writes dist/<stage>/edge/keepalived-<machine>.conf. One address, IPv4 or IPv6, not both: ' +
            `${DUAL_STACK}. @default - none`,
        },
      ),
    ),
    drainedNodes: Type.Optional(
      Type.Array(Type.String({ minLength: 1, expected: 'the name of a node under nodes:' }), {
        uniqueItems: true,
        description:
          "Nodes the edge sends no new connections to while another node is up, in every backend (HAProxy's backup servers: still checked, UP with bck 1 in show stat, and sent traffic only when every other server is down, rather than answering 503), e.g. before their maintenance; the connections open to them finish. Kept across reloads, since haproxy.cfg says it (a drain set on the admin socket ends at the next reload). @default - none",
      }),
    ),
    frontends: Mapping(Type.String({ pattern: EDGE_NAME_PATTERN, expected: "a name of lowercase letters, digits and '-'" }), Frontend, {
      minProperties: 1,
      description: 'The HAProxy frontends by name.',
    }),
  },
  {
    unknownKeyHints: Object.fromEntries(SECOND_FLOATING_KEYS.map((k) => [k, `an edge has one floating IP, of one family: ${DUAL_STACK}`])),
    description:
      "An HAProxy load balancer outside the cluster (section D of the spec): TLS offload and host routing to the published apps' NodePort Services on every node; written to dist/<stage>/edge/haproxy.cfg. @default - none",
  },
);

export type EdgeSettings = Static<typeof edgeSettings>;
export type FrontendSettings = Static<typeof Frontend>;

/** Defaults of a frontend, resolved once. */
export const FRONTEND_DEFAULTS = { redirectHttp: true, gzip: false, httpsPort: 443, httpPort: 80, hstsIncludeSubDomains: false } as const;

/**
 * keepalived's priority of the first edge machine by name; each next one is lower (keepalived.ts),
 * so the names' order elects the machine that takes the floating IP when they start together. keepalived takes 1 to 255 and keeps 255 for the machine that
 * owns the address, which none of these does.
 */
export const TOP_PRIORITY = 150;
/** The most edge machines a floating IP moves between: each gets a distinct priority from TOP_PRIORITY down to 1. */
export const MAX_FLOATING_MACHINES = TOP_PRIORITY;

/**
 * The port of haproxy's monitor on each edge machine (haproxy.ts: `bind 127.0.0.1:<port>`, which
 * keepalived asks): no frontend may listen on it. Here, in the config layer, for refine.ts.
 */
export const MONITOR_PORT = 8404;
