/** The secret rules of web servers' and proxies' configuration (lib/model/proxy-secret-rules.ts). */
import { describe, it } from 'vitest';
import { expectRule } from '../helpers/secret-rules.js';

describe("the secret rules of web servers' and proxies' configuration", () => {
  it("find a header, parameter or variable set under a secret's name, and leave variables, other headers and placeholders alone", () => {
    expectRule(
      'proxy-header',
      [
        'location /api {\n  proxy_set_header X-Api-Key 8f2kQx9Lm3pZ7vW1aB4c;\n}\n',
        "location /api {\n  proxy_set_header 'X-Auth-Token' 'Hunter2pwX';\n}\n",
        'location ~ \\.php$ {\n  fastcgi_param DB_PASSWORD Hunter2pwX;\n}\n',
        '<VirtualHost *:80>\n  SetEnv DB_PASSWORD Hunter2pwX\n  RequestHeader set X-Api-Key "8f2kQx9Lm3pZ7vW1aB4c"\n</VirtualHost>\n',
        'backend api\n  http-request set-header X-Api-Key 8f2kQx9Lm3pZ7vW1aB4c\n',
        // an Authorization header of any scheme: its credentials (Django REST framework's token, of 40 hex digits)
        'location / {\n  proxy_set_header Authorization "Token 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b";\n}\n',
      ],
      [
        'location /api {\n  proxy_set_header X-Api-Key $http_x_api_key;\n  proxy_set_header Authorization $http_authorization;\n}\n',
        'location / {\n  add_header X-Frame-Options DENY;\n  proxy_set_header Host $host;\n  add_header X-Token-Expires 3600;\n}\n',
        'backend api\n  http-request set-header X-Api-Key %[req.hdr(x-api-key)]\n',
        'location / {\n  proxy_set_header Authorization "Bearer <token>";\n  proxy_set_header Authorization "Token $api_token";\n}\n',
      ],
    );
  });

  it("find HAProxy's passwords in the clear (a userlist's insecure-password, stats auth), and leave references alone", () => {
    expectRule(
      'haproxy-password',
      ['userlist admins\n  user admin insecure-password Hunter2pwX\n', 'listen stats\n  bind :8404\n  stats auth admin:Hunter2pwX\n'],
      [
        // biome-ignore lint/suspicious/noTemplateCurlyInString: HAProxy reads the environment
        'listen stats\n  stats auth admin:"${STATS_PASSWORD}"\n  stats uri /stats\n',
        'userlist admins\n  user admin insecure-password $ADMIN_PASSWORD\n',
        'listen stats\n  stats enable\n  stats refresh 10s\n',
      ],
    );
  });
});
