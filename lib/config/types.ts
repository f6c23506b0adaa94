/**
 * Building blocks for stage-file schemas, shared by every stack.
 *
 * Schemas are TypeBox values: plain JSON Schema that ajv validates, whose TypeScript type is
 * derived from the schema itself (`Static<typeof S>`), so the two cannot drift apart.
 * The `expected` keyword is ours: the words used in messages ("must be <expected>"); so is
 * `unknownKeyHints` on a settings mapping: key -> the hint for that key, which Kubernetes has but the
 * mapping does not take.
 */
import { Type, type ObjectOptions, type Static, type TSchema, type TString, type SchemaOptions } from '@sinclair/typebox';
import { MAX_CONFIG_KEY } from '../model/config-key.js';
import { imageReferencePattern } from '../model/image.js';
import { DNS1123_SUBDOMAIN } from '../model/object-names.js';

export { Type, type Static, type TSchema };

export const DNS_LABEL_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';

/** A DNS-1123 label: what namespaces, stage names and most object names must be. */
export const DnsLabel = (options: SchemaOptions = {}) =>
  Type.String({
    pattern: DNS_LABEL_PATTERN,
    maxLength: 63,
    expected: "a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)",
    ...options,
  });

/** One of a fixed set of strings, as a plain JSON Schema `enum` (clearer messages than a union of literals). */
export const StringEnum = <const T extends readonly string[]>(values: T, options: SchemaOptions = {}) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });

/** The largest int32: the Kubernetes fields that counts feed (replicas, seconds, thresholds) are int32. */
export const INT32_MAX = 2_147_483_647;

/**
 * A whole number, at least `minimum` and at most INT32_MAX: a larger one would be refused only
 * once rendered, by the API limits check, at an object's field instead of the stage file's line.
 */
export const Count = (minimum = 0, options: SchemaOptions = {}) => Type.Integer({ minimum, maximum: INT32_MAX, ...options });

/** A TCP/UDP port number. */
export const PortNumber = (options: SchemaOptions = {}) => Type.Integer({ minimum: 1, maximum: 65535, ...options });

/**
 * An image reference: the distribution grammar (lib/model/image.ts), so that one the kubelet could
 * not pull is refused at its setting; a tag may hold capitals (nginx:1.25-Alpine).
 */
export const IMAGE_REF_PATTERN = imageReferencePattern();

/**
 * An image reference whose tag may say `{tag}` (lib/model/image.ts `TAG_PLACEHOLDER`) where a
 * character of a tag may stand: whatever tag is put in, it is an image reference as
 * IMAGE_REF_PATTERN says (`registry/demoapp:{tag}-arm`; `{tag}` in the name is not one).
 */
export const TAG_TEMPLATE_PATTERN = imageReferencePattern('(?:[\\w]|\\{tag\\})(?:[\\w.-]|\\{tag\\})*');

/** The patterns of image references: a value that fails one for capitals in its name is told so (lib/config/validate.ts). */
export const IMAGE_PATTERNS: ReadonlySet<string> = new Set([IMAGE_REF_PATTERN, TAG_TEMPLATE_PATTERN]);

/** A container image reference, `repository[:tag][@digest]`. */
export const ImageRef = (options: SchemaOptions = {}) =>
  Type.String({
    pattern: IMAGE_REF_PATTERN,
    expected: 'an image reference such as nginx, demoapp:1.1 or localhost:5000/team/app:2',
    ...options,
  });

/**
 * Names -> values, each name a valid `key`. TypeBox's Type.Record turns the key's pattern into
 * `patternProperties`, which let a key that does not match through unchecked (and ignore the key's
 * other rules, such as maxLength): the key's schema is also the mapping's `propertyNames`.
 */
export const Mapping = <K extends TString, V extends TSchema>(key: K, value: V, options: ObjectOptions = {}) =>
  Type.Record(key, value, { propertyNames: { ...key }, ...options });

/** A mapping closed to unknown keys: a misspelled setting is an error, never silently ignored. */
export const Settings = <T extends Parameters<typeof Type.Object>[0]>(properties: T, options: SchemaOptions = {}) =>
  Type.Object(properties, { additionalProperties: false, ...options });

/**
 * A label or annotation key as the API server takes it: an optional prefix (a DNS-1123 subdomain of
 * at most 253 characters) and '/', then a name of 1-63 letters, digits, '-', '_' and '.', starting
 * and ending with a letter or digit. The lookahead holds the lengths (and so bounds the work on a
 * long key) before the pattern reads the characters.
 */
export const QUALIFIED_KEY_PATTERN =
  '^(?=(?:[^/]{1,253}/)?[^/]{1,63}$)(?:[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?$';

/** A label or annotation key (QUALIFIED_KEY_PATTERN), `what` saying which, e.g. 'a taint key such as dedicated'. */
export const QualifiedKey = (what: string) =>
  Type.String({
    pattern: QUALIFIED_KEY_PATTERN,
    expected: `${what} (an optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit)`,
  });

/** A label value as the API server takes it: empty, or at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit. */
export const LABEL_VALUE_PATTERN = '^(?=.{0,63}$)(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?)?$';

/** A node's host name, as the stage file's `nodes:` keys it. */
export const NodeName = (options: SchemaOptions = {}) =>
  Type.String({ pattern: DNS_SUBDOMAIN_PATTERN, expected: "a host name under the stage's nodes:", ...options });

/*
 * Patterns of the API server's rules for settings that go into the output as they are, so that a
 * value it would refuse is refused at its setting (lib/checks/api-rules-*.ts check the output).
 */

/** A DNS-1123 subdomain: a node's name, a host (`a..b` is none). */
export const DNS_SUBDOMAIN_PATTERN = DNS1123_SUBDOMAIN.source;
/**
 * The name of an object the stage refers to and does not make (a Secret made outside stagecraft, an
 * IngressClass, a StorageClass): a DNS-1123 subdomain, as the API server names them (cert-manager's
 * Secrets are often dotted: www.example.com-tls); `what` it is in messages.
 */
export const SubdomainName = (what: string, options: SchemaOptions = {}) =>
  Type.String({
    pattern: DNS_SUBDOMAIN_PATTERN,
    maxLength: 253,
    expected: `${what} (labels of lowercase letters, digits and '-', joined by '.'), of at most 253 characters`,
    ...options,
  });
/** A Secret's name (`SubdomainName`): one the stage refers to, made outside stagecraft (cert-manager's are often dotted: www.example.com-tls). */
export const SecretName = (options: SchemaOptions = {}) => SubdomainName('a Secret name', options);
/** Not an IPv4 address: the lookahead of an Ingress host's pattern (a rule's host is a DNS name). */
const NOT_IPV4 = '(?![0-9]{1,3}(\\.[0-9]{1,3}){3}$)';
/**
 * No label of more than 63 characters: the API server takes one in an Ingress host (it checks 253 in
 * all only), but DNS has none (RFC 1035), so no client could reach the host and no certificate names it.
 */
const LABELS_OF_63 = '(?!.*[^.]{64})';
/**
 * The host of an Ingress rule: a DNS subdomain (DNS_SUBDOMAIN_PATTERN) that is not an IPv4 address,
 * which the API server refuses in a rule, of labels of 63 characters at most. `dotted`: of two labels
 * at least (demoapp.example.com, not a bare `localhost`); `wildcard`: may start with `*.`
 * (`*.example.com`), before those labels.
 */
export function ingressHostPattern(options: { readonly dotted?: boolean; readonly wildcard?: boolean } = {}): string {
  // the subdomain's own '^' dropped, so that the lookaheads and the wildcard come before it; no label holds a '.', so a '.' ahead is a second label
  return `^${NOT_IPV4}${LABELS_OF_63}${options.wildcard ? '(\\*\\.)?' : ''}${options.dotted ? '(?=.*\\.)' : ''}${DNS_SUBDOMAIN_PATTERN.slice(1)}`;
}
/**
 * The host of an Ingress rule as a setting (`ingressHostPattern`'s `options`), of at most 253
 * characters, as the API server takes it; `example` says what it must be in messages (the lengths
 * are added). Refused at its line otherwise (an empty string, an IP address, `ünïcode.example.com`,
 * a label of 64 characters), where the checks would refuse the Ingress at its field only.
 */
export const IngressHost = (
  example: string,
  pattern: { readonly dotted?: boolean; readonly wildcard?: boolean },
  options: SchemaOptions = {},
) =>
  Type.String({
    pattern: ingressHostPattern(pattern),
    maxLength: 253,
    expected: `${example} (labels of lowercase letters, digits and '-', each of at most 63 characters, joined by '.', at most 253 in all; not an IP address)`,
    ...options,
  });
/**
 * The host of an Ingress (`TlsIngress`'s `host`), as a setting: a DNS name, or a wildcard for one
 * level of subdomains (`*.example.com`).
 */
export const HostName = (options: SchemaOptions = {}) =>
  IngressHost('a host name such as api.example.com, or a wildcard such as *.example.com', { dotted: true, wildcard: true }, options);
/**
 * A Prefix path of an Ingress: absolute, without '//', '/./', '/../' or '%2F', not ending in '/.'
 * or '/..', without spaces.
 */
export const INGRESS_PATH_PATTERN = '^(?!.*(//|/\\./|/\\.\\./|%2[fF]))(?!.*/\\.\\.?$)/[^\\s]*$';
/** What INGRESS_PATH_PATTERN takes, for messages. */
export const INGRESS_PATH_EXPECTED = "a path starting with '/', without spaces, '//', '/./', '/../' or '%2F', not ending in '/.' or '/..'";
/** A node directory for a hostPath: absolute, without a '..' element. */
export const HOST_PATH_PATTERN = '^/(?!(.*/)?\\.\\.(/|$))';
/**
 * A ConfigMap or Secret key (lib/model/config-key.ts `configKeyProblem`, as a schema): at most 253
 * letters, digits, '-', '_' and '.', not '.' and not starting with '..'; `what` it is in messages.
 */
export const ConfigKey = (what: string) =>
  Type.String({
    pattern: '^(?!\\.$)(?!\\.\\.)[-._a-zA-Z0-9]+$',
    maxLength: MAX_CONFIG_KEY,
    expected: `${what} of at most ${MAX_CONFIG_KEY} letters, digits, '-', '_' and '.' (not '.' and not starting with '..')`,
  });
/** A storage size: a quantity above zero (a claim's request must be), without 'm' (thousandths of a byte). */
/** A Kubernetes quantity of cpu or memory as a setting takes it (workload.ts `Quantity`): `250m`, `512Mi`, `2Gi`. */
export const QUANTITY_SETTING_PATTERN = '^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$';
export const POSITIVE_QUANTITY_PATTERN = '^(?=[0-9.]*[1-9])[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$';
