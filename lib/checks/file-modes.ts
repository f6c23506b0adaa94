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
    if (octal === undefined || !(mode & GROUP_OTHER_WRITE) || octal & GROUP_OTHER_WRITE) return undefined;
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
