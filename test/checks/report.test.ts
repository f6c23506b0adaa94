import { RULES } from '../../lib/model/rules.js';
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
        shortDescription: { text: RULES['refs/claim'].short },
        fullDescription: { text: RULES['refs/claim'].help },
        help: { text: `${RULES['refs/claim'].help} Mirrors: ${RULES['refs/claim'].mirrors}.` },
      },
    ]);
    expect(log.runs[0].results[0]).toMatchObject({ ruleId: 'refs/claim', ruleIndex: 0, level: 'error' });
  });
});
