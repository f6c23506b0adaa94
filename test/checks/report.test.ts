import { describe, expect, it } from 'vitest';
import { sarifReport } from '../../lib/checks/report.js';
import type { Finding } from '../../lib/checks/finding.js';

const finding: Finding = {
  code: 'refs/claim',
  severity: 'error',
  object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'n' } },
  path: ['spec', 'volumes', 0],
  message: "claim 'data' is not defined",
};

describe('the SARIF report', () => {
  it("describes each rule with the catalogue's title and help", () => {
    const log = JSON.parse(sarifReport([{ finding }], '0.0.0'));
    expect(log.runs[0].tool.driver.rules).toEqual([
      {
        id: 'refs/claim',
        shortDescription: { text: 'Unknown PersistentVolumeClaim' },
        help: { text: 'A volume names a claim that none of the objects define.' },
      },
    ]);
    expect(log.runs[0].results[0]).toMatchObject({ ruleId: 'refs/claim', ruleIndex: 0, level: 'error' });
  });
});
