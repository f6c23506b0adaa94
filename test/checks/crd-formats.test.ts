import { describe, expect, it } from 'vitest';
import { checkedFormat } from '../../lib/checks/crd-formats.js';
import { ajv } from '../../lib/checks/crd-schema.js';
import { crdRegistry } from '../../lib/checks/crds.js';
import { checkCustomResource } from '../../lib/checks/custom-resources.js';
import { crdObject } from '../helpers/crd-object.js';

/** Whether `value` passes the format `format` of a CRD field of type string. */
const passes = (format: string, value: string) => {
  const name = checkedFormat(format);
  if (!name) throw new Error(`${format} is not checked`);
  return ajv().validate({ type: 'string', format: name }, value);
};

describe('CRD formats, as the 1.25 API server checks them', () => {
  it('reads a format name as the API server does: without dashes, case-sensitive; the formats it ignores are not checked', () => {
    expect(['date-time', 'datetime', 'uuid-4', 'ip-v4'].map(checkedFormat)).toEqual(['datetime', 'datetime', 'uuid4', 'ipv4']);
    // the API server strips these from the schema (StripUnsupportedFormatsPostProcess): any value passes there
    expect(['dateTime', 'date_time', 'UUID', 'IPv4', 'Date'].map(checkedFormat)).toEqual(Array(5).fill(undefined));
    expect(['int32', 'int64', 'double', 'uri', 'email', 'hostname', 'duration', 'password', 'quantity'].map(checkedFormat)).toEqual(
      Array(9).fill(undefined),
    );
  });

  it('takes a date-time as strfmt.IsDateTime does: a T in either case, a fraction, Z or an offset; not a space or hour 24', () => {
    for (const ok of ['2024-05-01T12:00:00Z', '2024-05-01t12:00:00z', '2024-05-01T12:00:00.123456+05:30', '2024-02-29T00:00:00-00:00'])
      expect(passes('date-time', ok), ok).toBe(true);
    for (const no of [
      '2024-05-01 12:00:00Z',
      '2024-05-01T24:00:00Z',
      '2024-05-01T12:00:00',
      '2023-02-29T00:00:00Z',
      '2024-05-01T12:00Z',
      '',
    ])
      expect(passes('date-time', no), no).toBe(false);
  });

  it('takes addresses as Go 1.19 net.ParseIP and ParseCIDR do: no leading zeros, no zone, an IPv4-mapped IPv6 address holds a dot', () => {
    expect(['10.0.0.1', '::ffff:10.0.0.1'].map((v) => passes('ipv4', v))).toEqual([true, true]);
    expect(['010.0.0.1', '10.0.0', '::1', '256.0.0.1'].map((v) => passes('ipv4', v))).toEqual([false, false, false, false]);
    expect(['::1', 'fe80::1', 'fe80::1%eth0', '10.0.0.1'].map((v) => passes('ipv6', v))).toEqual([true, true, false, false]);
    expect(['10.0.0.0/8', 'fd00::/8', '10.0.0.0/032', 'fd00::/129', '10.0.0.0', '10.0.0.0/'].map((v) => passes('cidr', v))).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
  });

  it('takes base64 as govalidator does (padded, standard alphabet), and UUIDs with or without dashes in any case', () => {
    expect(['aGVsbG8=', 'aGk=', 'YWJj', ''].map((v) => passes('byte', v))).toEqual([true, true, true, true]);
    expect(['aGVsbG8', 'aGVsbG8-', 'a GVs'].map((v) => passes('byte', v))).toEqual([false, false, false]);
    expect(['f81d4fae7dec11d0a76500a0c91e6bf6', '9b2a1c4e-1f2d-4c3b-8a9d-0e1f2a3b4c5d'].map((v) => passes('uuid4', v))).toEqual([
      false,
      true,
    ]);
  });

  it('checks the formats the 1.25 API server checks (date-time, uuid, cidr, byte...), naming each as the CRD writes it, and ignores the others (int32, uri, UUID), never printing a base64 value', () => {
    const crd = crdObject('example.com', 'Lease', 'v1', {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            expires: { type: 'string', format: 'date-time' },
            day: { type: 'string', format: 'date' },
            id: { type: 'string', format: 'uuid' },
            range: { type: 'string', format: 'cidr' },
            address: { type: 'string', format: 'ipv4' },
            key: { type: 'string', format: 'byte' },
            count: { type: 'integer', format: 'int32' },
            link: { type: 'string', format: 'uri' },
            size: { type: 'string', format: 'int64' },
            legacy: { type: 'string', format: 'UUID' },
          },
        },
      },
    });
    const lease = (spec: Record<string, unknown>) => ({ apiVersion: 'example.com/v1', kind: 'Lease', metadata: { name: 'l' }, spec });
    const good = {
      expires: '2024-02-29T23:59:59.5+01:00',
      day: '2024-02-29',
      id: 'F81D4FAE-7DEC-11D0-A765-00A0C91E6BF6',
      range: '10.0.0.0/16',
      address: '192.168.1.10',
      key: 'c2VjcmV0',
      count: 3,
      link: 'not a uri, but the API server does not check it exactly as Go parses it',
      size: '12Gi',
      legacy: 'not a UUID: the API server drops a format it does not read as one of its own',
    };
    expect(checkCustomResource(lease(good), crdRegistry([crd]))).toEqual([]);
    const bad = {
      ...good,
      expires: '2024-05-01 12:00:00',
      day: '2023-02-29',
      id: 'not-a-uuid',
      range: '10.0.0.0/33',
      address: '192.168.01.10',
      key: 'hunter2!',
    };
    expect(
      checkCustomResource(lease(bad), crdRegistry([crd])).map((f) => `${f.code} ${f.path.join('.')}: ${f.message} (${f.hint})`),
    ).toEqual([
      'schema/format spec.expires: "2024-05-01 12:00:00" is not a date and time such as 2024-05-01T12:00:00Z (RFC 3339), which the CRD\'s format (date-time) asks for: the API server refuses it (write a date and time such as 2024-05-01T12:00:00Z (RFC 3339))',
      'schema/format spec.day: "2023-02-29" is not a date such as 2024-05-01 (RFC 3339 full-date), which the CRD\'s format (date) asks for: the API server refuses it (write a date such as 2024-05-01 (RFC 3339 full-date))',
      'schema/format spec.id: "not-a-uuid" is not a UUID, which the CRD\'s format (uuid) asks for: the API server refuses it (write a UUID)',
      'schema/format spec.range: "10.0.0.0/33" is not an address range in CIDR notation such as 10.0.0.0/16, which the CRD\'s format (cidr) asks for: the API server refuses it (write an address range in CIDR notation such as 10.0.0.0/16)',
      'schema/format spec.address: "192.168.01.10" is not an IPv4 address, which the CRD\'s format (ipv4) asks for: the API server refuses it (write an IPv4 address)',
      "schema/format spec.key: the value is not base64 (standard alphabet, padded with =), which the CRD's format (byte) asks for: the API server refuses it (write base64 (standard alphabet, padded with =))",
    ]);
  });
});
