import { describe, expect, it } from 'vitest';
import { repoStage } from '../helpers/cli.js';
import { problems } from '../helpers/stage.js';

describe('a demoapp config key', () => {
  it('of more than 253 characters is refused at the key, as the API server would refuse it in the ConfigMap', () => {
    const text = repoStage('qa').replace('      LOG_LEVEL: info\n', `      LOG_LEVEL: info\n      ${'k'.repeat(254)}: x\n`);
    const line = text.split('\n').findIndex((l) => l.includes('k'.repeat(254))) + 1;
    expect(problems(text, 'environments/qa.yaml')).toEqual([
      expect.stringMatching(
        new RegExp(
          `^environments/qa\\.yaml:${line}:7: apps\\.demoapp\\.config: 'k+…k+ \\(254 characters\\)' is not a valid name; it must be a name of at most 253 letters`,
        ),
      ),
    ]);
    expect(problems(text.replace('k'.repeat(254), 'k'.repeat(253)), 'environments/qa.yaml')).toEqual([]);
  });
});
