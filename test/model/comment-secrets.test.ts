/** The secrets of a YAML text's comments (lib/model/comment-secrets.ts), where each comment starts. */
import { describe, expect, it } from 'vitest';
import { commentSecrets } from '../../lib/model/comment-secrets.js';

const TOKEN = 'ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5';

/** Each comment with secrets as `line:column rule ids`. */
const found = (text: string) => commentSecrets(text).map((c) => `${c.line}:${c.column} ${c.secrets.map((s) => s.rule.id).join(' ')}`);

describe('the secrets of comments', () => {
  it('finds a token or a password in a comment of its own line or after a value, at its #', () => {
    expect(
      found(`# old password: Xk9vQ2mLr7pT (rotated)\napps:\n  web: # token ${TOKEN}\n    a: 1  # ${TOKEN} and password=Xk9vQ2mLr7pT\n`),
    ).toEqual(['1:1 secret-setting', '3:8 github-token', '4:11 github-token secret-setting']);
  });

  it("takes no # within a quoted value or a block scalar's lines for a comment (the values' own screen reads them), nor a commented-out placeholder", () => {
    const text =
      `a: "x # ${TOKEN}"\nb: 'y # password: Xk9vQ2mLr7pT'\nc: |\n  # password: Xk9vQ2mLr7pT\n  ${TOKEN}\n` +
      'd: 1 # password: changeme\n# DB_PASSWORD=<your password>\ne: x#password=Xk9vQ2mLr7pT\n';
    expect(found(text)).toEqual([]);
  });

  it('reads comments each on its own line one after another as one text: a commented-out private key is one secret, at its BEGIN line', () => {
    const body = 'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0';
    const key = `#   -----BEGIN RSA PRIVATE KEY-----\n#   ${body}\n#   ${body.split('').reverse().join('')}\n#   -----END RSA PRIVATE KEY-----\n`;
    // was: one a line, each base64 line and the END line said as secrets of their own
    expect(found(`apps: {}\n# tls.key: |\n${key}`)).toEqual(['3:1 private-key']);
    // indented under a key, as a commented-out setting of an app is
    expect(found(`apps:\n  web:\n    # tls.key: |\n${key.replace(/^/gm, '    ')}`)).toEqual(['4:5 private-key']);
    // comments of a run that each hold a secret are each said at their own line; a comment after a value starts no run
    expect(found(`# token ${TOKEN}\n# old password: Xk9vQ2mLr7pT\na: 1 # ${TOKEN}\n# ${TOKEN}\n`)).toEqual([
      '1:1 github-token',
      '2:1 secret-setting',
      '3:6 github-token',
      '4:1 github-token',
    ]);
  });

  it('places a comment of a CRLF file, and after a byte order mark, as an editor shows it; reads a deeply nested text', () => {
    expect(found(`a: 1\r\n# ${TOKEN}\r\n`)).toEqual(['2:1 github-token']);
    expect(found(`\uFEFF# ${TOKEN}\n`)).toEqual(['1:1 github-token']);
    expect(found(`${'['.repeat(20000)} # ${TOKEN}\n${']'.repeat(20000)}\n`)).toEqual(['1:20002 github-token']);
  });
});
