import { describe, expect, it } from 'vitest';
import { isCookieHeader, isSecretHeader, secretCookie } from '../../lib/checks/secret-headers.js';

describe("a probe's HTTP headers, judged by their names", () => {
  it("judges the credentials header's value after its scheme, and leaves a placeholder alone", () => {
    expect(isSecretHeader('Authorization', 'Bearer Kq8vR3nZ7wLpX2')).toBe(true);
    expect(isSecretHeader('proxy-authorization', 'Basic dXNlcjpwYXNz')).toBe(true);
    expect(isSecretHeader('Authorization', 'Bearer REPLACE_WITH_TOKEN')).toBe(false);
    expect(isSecretHeader('Authorization', '$(TOKEN)')).toBe(false);
  });

  it('names the first cookie that makes a Cookie header secret, a session placeholder none, a name that is no plain name never said', () => {
    expect(secretCookie('lang=en; JSESSIONID=Kq8vR3nZ7wLpX2')).toBe('JSESSIONID');
    expect(secretCookie('session=anonymous; sid=Kq8vR3nZ7wLpX2')).toBe('sid');
    expect(secretCookie('session=anonymous; lang=en')).toBeUndefined();
    expect(secretCookie('sessionid=qwhjzkxvbnmlpoiuytrewqasdfghjk')).toBe('sessionid');
    expect(secretCookie('auth token=Kq8vR3nZ7wLpX2')).toBe('');
    // were placeholders, being words to isPlaceholderCredential: a session id of letters alone, of letters then digits, of digits
    for (const value of ['sid=abcdefghijklmnop', 'session=qwhxkzvbplmrtn', 'PHPSESSID=abcdefgh12345678', 'JSESSIONID=1234567890123456'])
      expect(secretCookie(value), value).toBe(value.split('=')[0]);
    for (const value of ['sessionid=healthcheck', 'session=test-session', 'sid=REPLACE_WITH_SESSION_ID'])
      expect(secretCookie(value), value).toBeUndefined();
  });

  it("tells the Cookie header of a probe's headers from a setting named Cookie elsewhere", () => {
    expect(isCookieHeader('Cookie', ['spec', 'httpHeaders', 0, 'value'])).toBe(true);
    expect(isCookieHeader('Cookie', ['spec', 'env', 0, 'value'])).toBe(false);
  });
});
