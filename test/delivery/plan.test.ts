/** What the delivery plan refuses of the stages' delivery: settings and the project file's, where, and with which hint. */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProjectFile } from '../../lib/config/project-file.js';
import { formatProblem } from '../../lib/errors.js';
import { runCli, tempProject } from '../helpers/cli.js';
import { FLUX_PROJECT, deliveredStageFile } from '../helpers/delivery.js';
import { problemsThrownBy } from '../helpers/problems.js';

const TOKEN = 'Zx8kLm3Qp9RtVw2Y';
const HINT_START =
  'hint: write the URL as https://gitlab.example.com/platform/shop.git, and give the credentials to the engine where it keeps them';

describe('a repository URL with credentials in it', () => {
  it("is refused at a stage's url, with nothing written and the token printed nowhere", () => {
    const dir = tempProject({
      qa: deliveredStageFile(
        `{ cluster: nonprod, repository: { url: "https://gitlab.example.com/platform/shop.git?private_token=${TOKEN}" } }`,
      ),
    });
    writeFileSync(join(dir, 'stagecraft.yaml'), FLUX_PROJECT);
    const r = runCli('synth', [], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "environments/qa.yaml:3:50: error: delivery.repository.url: the repository URL carries a query (private_token=...), which would go into dist/delivery/ (committed) and the engine's objects in the cluster; the URL is not printed",
    );
    expect(r.stderr).toContain(HINT_START);
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
    expect(existsSync(join(dir, 'dist', 'delivery'))).toBe(false);
  });

  it("is refused at the project file's url, whatever the engine", () => {
    const text = FLUX_PROJECT.replace('  engine: flux\n', '').replace(
      'url: https://git.example.com/team/app.git',
      `url: "https://gitlab.example.com/platform/shop.git?private_token=${TOKEN}"`,
    );
    const problems = problemsThrownBy(() => loadProjectFile(text)).map(formatProblem);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^stagecraft\.yaml:2:22: delivery\.repository\.url: the repository URL carries a query \(private_token=\.\.\.\)/,
    );
    expect(problems[0]).toContain(HINT_START);
    expect(problems[0]).not.toContain(TOKEN);
  });
});
