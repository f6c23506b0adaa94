import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/cli.js';
import { runAlone } from '../helpers/secret-rules.js';

describe('sealed and encrypted values, a module of their own', () => {
  // secret-shapes.ts asks them and they make a once-per-text verdict at their load: a module that imported secret-shapes.ts back
  // would find oncePerText not yet defined when loaded first (a TypeError at import), whatever the tests that load it second say
  it.each(['once-per-text', 'sealed-secret-values', 'secret-shapes', 'secret-setting-text'])(
    'loads first of the secret screen (%s.ts), and a Jasypt value and a secret are told as when loaded in any order',
    (first) => {
      const found = runAlone(`import ${JSON.stringify(join(REPO, `lib/model/${first}.ts`))};
        const { isEncryptedValue } = await import(${JSON.stringify(join(REPO, 'lib/model/sealed-secret-values.ts'))});
        const { detectSecret } = await import(${JSON.stringify(join(REPO, 'lib/model/secret-rules.ts'))});
        console.log(isEncryptedValue('ENC(G6N718UuyPE5bHyWKyuLQSm02auQPUtm)'), isEncryptedValue('ENC(Hunter2xyz)'));
        console.log(detectSecret('password = ENC(G6N718UuyPE5bHyWKyuLQSm02auQPUtm)')?.rule.id ?? 'none', detectSecret('password = Xk9vQ2mLr7pT')?.rule.id);`);
      expect(found).toEqual(['true false', 'none secret-setting']);
    },
  );
});
