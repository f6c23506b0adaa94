/**
 * The modes of the files a pod's volumes make (`defaultMode`, and each item's `mode`, of secret,
 * configMap, downwardAPI and projected volumes), which the API server takes from 0 to 0777
 * (pkg/apis/core/validation: "must be a number between 0 and 0777 (octal), both inclusive"). JSON
 * has no octal numbers, and YAML 1.2 none written with a leading 0: a mode is written in decimal
 * (420 is 0644), and `644`, the octal digits written as they are, is refused; `400` (0620) passes
 * the API server, and lets the group write what 0400 would not: a warning. Pure.
 */
import { isRecord } from '../model/object.js';
import { FILE_SOURCES } from '../model/pod-defaults.js';
import type { Emit, FieldPath, Finding } from './finding.js';

/** The largest mode: 0777. */
const MAX_MODE = 0o777;

/** The permission bits that let the group and others write (0022). */
const GROUP_OTHER_WRITE = 0o022;

/** `mode`'s permissions as ls prints them: `rw-r--r--` for 0644. */
const permissions = (mode: number): string =>
  [6, 3, 0].map((shift) => ['r', 'w', 'x'].map((c, i) => ((mode >> shift) & (4 >> i) ? c : '-')).join('')).join('');

/**
 * The mode the digits of a decimal `mode` (644) were likely meant as, read as octal (420): when, read as the decimal they
 * are, they make no mode (644 > 0777) or one that lets the group or others write where the octal would not (400, 0620);
 * else undefined (420 is 0644 as meant, 999 has no octal reading).
 */
export function octalMeant(mode: number): number | undefined {
  const digits = String(mode);
  if (!/^[0-7]{1,3}$/.test(digits)) return undefined;
  const octal = Number.parseInt(digits, 8);
  return mode > MAX_MODE || (mode & GROUP_OTHER_WRITE && !(octal & GROUP_OTHER_WRITE)) ? octal : undefined;
}

/**
 * What to write for a volume's file mode (`defaultMode`, an item's `mode`) written as a string `data`, `numeric` when it is
 * a decimal number (the schema check's hint): undefined where removing the quotes mends it (0o644, which kubectl (YAML
 * 1.1) and stagecraft (YAML 1.2) read alike; 420); the mode meant for octal digits without their 0 ("644", "400"), which
 * bare are another mode or none (`octalMeant`); in decimal or with 0o for one in octal as chmod takes it ("0644"), which
 * the two read apart bare; else a mode in decimal or with 0o.
 */
export function quotedModeHint(data: string, numeric: boolean): string | undefined {
  if (/^0o[0-7]+$/.test(data)) return undefined;
  const meant = numeric ? octalMeant(Number(data)) : undefined;
  if (meant !== undefined)
    return `write ${meant} or 0o${data} without quotes (the mode 0${data}): a mode is a number, and ${data} bare is the decimal ${data}, not 0${data}`;
  if (numeric) return undefined;
  if (/^0[0-7]+$/.test(data))
    return 'write the number without quotes, in decimal or with 0o (a mode of 0644 is 420 or 0o644): a leading 0 alone is octal to kubectl (YAML 1.1) and decimal to stagecraft (YAML 1.2), and refused bare';
  return 'write the mode without quotes, as a decimal number from 0 to 511 or in octal with 0o (a mode of 0644 is 420 or 0o644)';
}

/**
 * A mode outside 0-0777, with the decimal to write when its digits read as octal (644 -> 420); or,
 * a warning, one from 0 to 511 whose digits are octal ones meant as octal (400 for 0400): read as
 * the decimal it is, it lets the group or others write (400 is 0620), which the octal it looks
 * like would not. 420 (0644), 256 (0400), 493 (0755) are what kubectl get -o yaml prints.
 */
function modeFinding(emit: Emit, mode: unknown, at: FieldPath): Finding | undefined {
  if (typeof mode !== 'number') return undefined;
  const field = String(at[at.length - 1]);
  const digits = String(mode);
  // the octal digits of a mode written as they are (644), when they make one
  const octal = /^[0-7]{1,3}$/.test(digits) ? Number.parseInt(digits, 8) : undefined;
  if (mode >= 0 && mode <= MAX_MODE) {
    if (octal === undefined || octalMeant(mode) === undefined) return undefined;
    return {
      ...emit(
        'api/file-mode',
        at,
        `${field} ${mode} is a decimal number here, mode 0${mode.toString(8).padStart(3, '0')} (${permissions(mode)}), which lets ${mode & 0o020 ? 'the group' : 'others'}${(mode & GROUP_OTHER_WRITE) === GROUP_OTHER_WRITE ? ' and others' : ''} write the files; the octal digits of 0${digits} written without their 0 (which would not) were likely meant`,
        `write ${field}: ${octal} (the decimal of 0${digits}, ${permissions(octal)})`,
      ),
      severity: 'warning',
    };
  }
  return emit(
    'api/file-mode',
    at,
    `${field} ${mode} is not a file mode from 0 to 0777 (511): the API server refuses it ("must be a number between 0 and 0777 (octal), both inclusive")${octal === undefined ? '' : `; a mode is a decimal number here, so ${mode} is not 0${digits}`}`,
    octal === undefined
      ? 'write the mode as a decimal number from 0 to 511 (420 for 0644, rw-r--r--)'
      : `write ${field}: ${octal} (0${digits} in decimal)`,
  );
}

/** The modes of one volume source (`source`, at `at`): its defaultMode (unless `items` only) and its items' modes. */
function sourceModes(emit: Emit, source: Record<string, unknown>, at: FieldPath, out: Finding[], defaultMode: boolean): void {
  const bad = defaultMode ? modeFinding(emit, source.defaultMode, [...at, 'defaultMode']) : undefined;
  if (bad) out.push(bad);
  if (!Array.isArray(source.items)) return;
  source.items.forEach((item: unknown, i) => {
    const found = isRecord(item) ? modeFinding(emit, item.mode, [...at, 'items', i, 'mode']) : undefined;
    if (found) out.push(found);
  });
}

/** The file modes of one pod volume (`volume`, at `at`). */
export function checkFileModes(emit: Emit, volume: Record<string, unknown>, at: FieldPath, out: Finding[]): void {
  for (const kind of FILE_SOURCES) {
    const source = volume[kind];
    if (isRecord(source)) sourceModes(emit, source, [...at, kind], out, true);
  }
  const projected = volume.projected;
  if (!isRecord(projected)) return;
  const bad = modeFinding(emit, projected.defaultMode, [...at, 'projected', 'defaultMode']);
  if (bad) out.push(bad);
  if (!Array.isArray(projected.sources)) return;
  projected.sources.forEach((s: unknown, j) => {
    if (!isRecord(s)) return;
    // a projected source has no defaultMode of its own: the volume's
    for (const kind of FILE_SOURCES) {
      const source = s[kind];
      if (isRecord(source)) sourceModes(emit, source, [...at, 'projected', 'sources', j, kind], out, false);
    }
  });
}
