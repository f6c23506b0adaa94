/**
 * A setting's value written with a shell's or Docker Compose's expansions (lib/model/shell-expansions.ts): the text it holds with
 * its variables unset, its defaults and the text around its references, judged under the setting's name.
 */
/* biome-ignore-all lint/suspicious/noTemplateCurlyInString: the values are a shell's and Compose's expansions */
import { describe, expect, it } from 'vitest';
import { expectRule } from '../helpers/secret-rules.js';
import { unsetText } from '../../lib/model/shell-expansions.js';

describe("a setting's value of expansions", () => {
  it('holds its defaults and the text around its references when its variables are unset', () => {
    expect(unsetText('${X:-Hunter2xyz}', true, '')).toBe('Hunter2xyz');
    expect(unsetText('${X-Hunter2xyz}', true, '')).toBe('Hunter2xyz');
    expect(unsetText('${X:=Hunter2xyz}', true, '')).toBe('Hunter2xyz');
    expect(unsetText('${PREFIX}-Hunter2xyz', true, 'x')).toBe('x-Hunter2xyz');
    expect(unsetText('$(PREFIX)$SUFFIX/db', true, '')).toBe('/db');
    expect(unsetText('${X:?must be set}${Y:+alt}', true, '')).toBe('');
    expect(unsetText('${X:-$DEFAULT_PW}', true, 'x')).toBe('x');
    // a value not quoted ends where a setting's does; a brace within a default is not read, nor a value of no expansion
    expect(unsetText('${X:-abc}, user: admin}', false, '')).toBe('abc');
    // `$$` is a `$` of the text, as Compose and Kubernetes escape one: in a default too, where it was no reference and the
    // default was not read (`${PG_ROOT:-Rt5$$vB8nQ2wZ}` reached dist/ in a ConfigMap's compose.yaml)
    expect(unsetText('${X:-Rt5$$vB8nQ2wZ}', true, '')).toBe('Rt5$vB8nQ2wZ');
    expect(unsetText('$$(PREFIX)/db', true, '')).toBeUndefined();
    expect(unsetText('$$$(PREFIX)/db', true, '')).toBe('$/db');
    // a default of an expansion with a default of its own, as Compose falls back twice, is read too (it was not, and
    // `${MYSQL_ROOT:-${ROOT_PW_DEFAULT:-Qz8wVx3mKp2L}}` reached dist/ in a ConfigMap's compose.yaml); one level within, no deeper
    expect(unsetText('${X:-${Y}}', true, '')).toBe('');
    expect(unsetText('${X:-${Y:-Qz8w$$Vx3m}$Z}', true, 'x')).toBe('Qz8w$Vx3mx');
    expect(unsetText('${X:-${Y:-${Z}}}', true, '')).toBeUndefined();
    expect(unsetText('Hunter2xyz', true, '')).toBeUndefined();
  });

  it("is a secret when its default or its text around a reference is one under the setting's name, not when it has the shape its name names", () => {
    expectRule(
      'secret-setting',
      [
        'password: ${X:-Hunter2xyz}',
        'POSTGRES_PASSWORD: ${PG_PASSWORD-Hunter2xyz}',
        'services:\n  db:\n    environment:\n      - POSTGRES_PASSWORD=${PGPASS:-Hunter2xyz}\n',
        'POSTGRES_PASSWORD: "${PG_ROOT:-Hunter2xyz}"',
        'services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: ${PG_ROOT:-Rt5$$vB8nQ2wZ}\n',
        'MYSQL_ROOT_PASSWORD="${ROOT:-Rt5vB8nQ2wZ$$}"',
        'services:\n  db:\n    environment:\n      MYSQL_ROOT_PASSWORD: ${MYSQL_ROOT:-${ROOT_DEFAULT:-Qz8wVx3mKp2L}}\n',
        'password: ${X:=Hunter2xyz}',
        'DB_PASSWORD=${PREFIX}-Hunter2xyz',
        'DB_PASSWORD="${ENV}_Hunter2xyz"',
        'args: ["--password=${DB_PW:-Sup3rS3cret2024}"]',
      ],
      [
        'password: ${X:-}',
        'password: ${X:?must be set}',
        'DB_PASSWORD=${DB_PASSWORD}',
        'DB_PASSWORD=${DB_PASSWORD_1}${DB_PASSWORD_2}',
        'password: ${X:+--password}',
        'DB_PASSWORD=${DB_PASSWORD:-${VAULT_PW}}',
        'DB_PASSWORD_FILE=${SECRETS_DIR}/db-password',
        'JWT_SECRET_FILE=${SECRETS_DIR:-/run/secrets}/jwt',
        'TOKEN_URL=${BASE_URL}/oauth/token',
        'token_endpoint: ${ISSUER:-https://auth.example.com}/token',
        'TOKEN_TTL=${TOKEN_TTL:-3600}',
        'existingSecret: ${RELEASE}-mysql',
        'API_TOKEN_HEADER=${HEADER:-X-Api-Token}',
        // a default that is a reference, and a method under a name of a password or a method
        'DB_PASSWORD=${DB_PASSWORD:-$DEFAULT_PW}',
        'TOKEN="${GITHUB_TOKEN:-$GH_TOKEN}"',
        'REDIS_AUTH=${REDIS_AUTH:-none}',
        'services:\n  db:\n    environment:\n      POSTGRES_USER: ${POSTGRES_USER:-app}\n      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set it in .env}\n      PGDATA: ${PGDATA:-/var/lib/postgresql/data}\n',
      ],
    );
  });
});
