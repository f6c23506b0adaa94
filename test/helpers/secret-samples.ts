/** Values for the tests of secret detection: made up, none is a real credential. */

/** A public certificate (self-signed, made for this test): public by design, never a secret. */
export const PUBLIC_CERTIFICATE = `-----BEGIN CERTIFICATE-----
MIIBhzCCAS2gAwIBAgIUOEcXOK00KmkDLIDexIz60YvR/l8wCgYIKoZIzj0EAwIw
GTEXMBUGA1UEAwwOY2EuZXhhbXBsZS5jb20wHhcNMjYxMjAxMTQ1OTA2WhcNMzYx
MTI4MTQ1OTA2WjAZMRcwFQYDVQQDDA5jYS5leGFtcGxlLmNvbTBZMBMGByqGSM49
AgEGCCqGSM49AwEHA0IABBaugxJI4Op/N6rWDtb+6Zx52UR9ferLDPOrE1zG5GRw
QC1kbZ2BvIZW9yzQflmHgeykChi2ZXuJqWcJcd4OPRqjUzBRMB0GA1UdDgQWBBTA
TII4Y1Iy3uv070tJw/hRu63uyDAfBgNVHSMEGDAWgBTATII4Y1Iy3uv070tJw/hR
u63uyDAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIGao4U4wEOhD
yZhalvkt8KdlLZLqQgEpMSfXWjimz0uQAiEAhSG+M6wJ1y8SWi+EsWaizaholeMP
I4He037wCGXQgfU=
-----END CERTIFICATE-----
`;

/** One value per rule that the rule must find (made up for these tests; none is a real credential). */
export const SECRET_SAMPLES: Readonly<Record<string, string>> = {
  'private-key': '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEAx9f2\n-----END RSA PRIVATE KEY-----\n',
  'url-credentials': 'mysql://admin:hunter2pw@db.internal:3306/shop',
  'redis-url-password': 'redis://Xk9vQ2mLr7pT@cache.internal:6379/0',
  'url-token-user': 'git clone https://3f9a1c2b4d5e6f708192a3b4c5d6e7f8091a2b3c@github.com/example/shop.git',
  'host-credentials': 'HTTPS_PROXY=proxyuser:hunter2pw@proxy.example.com:3128',
  'url-parameter': 'https://hooks.example.com/notify?access_token=hunter2pw9Xq&channel=ops',
  'basic-auth': 'Basic YWRtaW46aHVudGVyMg==',
  'bearer-token': 'Bearer 8f3kQz71LmA0pX9wQv2b',
  'authorization-header': "curl -fsS -H 'Authorization: Token 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b' https://api.example.com/",
  jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
  'aws-access-key-id': 'AKIAIOSFODNN7EXAMPLE',
  'google-api-key': 'AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW',
  'github-token': 'ghp_0123456789abcdefghijABCDEFGHIJ012345',
  'slack-token': 'xoxb-123456789012-abcdefghijklmnop',
  'service-token': 'npm_abcdefghijklmnopqrstuvwxyz0123456789',
  'webhook-url': 'https://discord.com/api/webhooks/123456789012345678/hunter2pw9XqAbCdEfGhIjKl',
  'command-password': 'mysqldump -h db.internal -uroot -phunter2k shop',
  'piped-password': 'echo hunter2k | docker login -u ci --password-stdin registry.example.com',
  'secret-setting': 'server.port=8080\nspring.datasource.password=S3cr3tP4ssw0rd!\n',
  'secret-list': 'auth:\n  tokens:\n    - kR3x9vLm2pQ7\n    - Xk9vQ2mLr7pT\n',
  'yaml-block-setting': 'db:\n  host: mysql\n  password: |-\n    S3cr3tP4ssw0rd!\n  pool: 5\n',
  'spaced-setting': 'port 6379\nrequirepass S3cr3tP4ssw0rd!\nappendonly yes\n',
  'flag-argument': 'exec redis-server --port 6379 --requirepass S3cr3tP4ssw0rd! --appendonly yes',
  'netrc-password': 'machine git.example.com\n  login deploy\n  password S3cr3tP4ssw0rd!\n',
  'pgpass-password': 'db.example.com:5432:shop:app:S3cr3tP4ssw0rd!\n',
  'sentinel-password': 'sentinel monitor mymaster redis-0 6379 2\nsentinel auth-pass mymaster S3cr3tP4ssw0rd!\n',
  'userlist-password': '"app" "S3cr3tP4ssw0rd!"\n',
  'provider-token': 'gitlab-runner register --token glrt-2CR8_eVxiioB1QmzPZwa\n',
  'twilio-auth-token': 'from twilio.rest import Client\nclient = Client(account_sid, "9f8e7d6c5b4a39281706f5e4d3c2b1a0")\n',
  'bootstrap-token': 'kubeadm token create 9a08jv.c0izixklcxtmnze7 --ttl 0\n',
  'jwk-symmetric-key': '{"keys":[{"kty":"oct","kid":"hmac","alg":"HS256","k":"GawgguFyGrWKav7AX4VKUg"}]}',
  'sql-password': "CREATE USER 'app'@'%' IDENTIFIED BY 'S3cr3tP4ssw0rd!';\n",
  'proxy-header': 'location /api {\n  proxy_set_header X-Api-Key "S3cr3tP4ssw0rd!";\n}\n',
  'haproxy-password': 'userlist admins\n  user admin insecure-password S3cr3tP4ssw0rd!\n',
  'redis-acl-password': 'user default off\nuser app on >S3cr3tP4ssw0rd ~app:* +@all\n',
  'config-set': 'aws configure set aws_secret_access_key S3cr3tP4ssw0rd!',
  'defined-setting': "define( 'DB_PASSWORD', 'S3cr3tP4ssw0rd!' );\n",
  'setter-setting': 'ds.setPassword("S3cr3tP4ssw0rd!");\n',
  'read-fallback': 'conn.connect(user, props.getProperty("db.password", "S3cr3tP4ssw0rd!"));\n',
  'code-literal': 'var password = Encoding.UTF8.GetBytes("S3cr3tP4ssw0rd!");\n',
  'credential-call': 'var cred = new NetworkCredential("svc", "S3cr3tP4ssw0rd!");\n',
  'set-variable': "set -gx DB_PASSWORD 'S3cr3tP4ssw0rd!'\n",
  'command-list-password': 'healthcheck:\n  test: ["CMD", "mysqladmin", "ping", "-uroot", "-pS3cr3tP4ssw0rd!"]\n',
  'terraform-variable': 'variable "db_password" {\n  type    = string\n  default = "Hunter2pwX"\n}\n',
  'heredoc-setting': 'resource "aws_db_instance" "db" {\n  password = <<-EOT\n    Hunter2pwX\n  EOT\n}\n',
  'consul-token': 'acl {\n  tokens {\n    agent = "6a174c20-f6de-a53c-74d2-6018fcceff64"\n  }\n}\n',
  'named-value': '{"users": [{"username": "alice", "credentials": [{"type": "password", "value": "S3cr3tP4ssw0rd!"}]}]}',
  'keyed-setting': '<appSettings><add key="DbPassword" value="S3cr3tP4ssw0rd!"/></appSettings>',
  'oracle-credentials': 'sqlplus -s scott/Tiger123@//db.example.com:1521/ORCLPDB1 @report.sql',
  'password-hash': 'admin:$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/',
  'aws-secret-access-key': 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  'high-entropy': 'q8ZrT3vX0pLm2Nk7Yb4Wc9Fh1Jd6Gs5Ae8Ru0Tz3Iv',
};

/** An nginx reverse proxy's configuration, as a ConfigMap holds it: every `*_pass` directive passes a request on, and holds no password. */
export const NGINX_CONF = `upstream api {
    server api:8080;
    keepalive 16;
}

server {
    listen 80;
    server_name shop.example.com;

    location / {
        proxy_pass http://api:8080;
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }
    location /v2/ {
        proxy_pass http://api;
    }
    location ~ \\.php$ {
        fastcgi_pass unix:/run/php/php-fpm.sock;
        include fastcgi_params;
    }
    location /legacy/ {
        uwsgi_pass 127.0.0.1:3031;
    }
    location /rpc/ {
        grpc_pass grpc://backend:50051;
    }
    location /scgi/ {
        scgi_pass backend;
    }
    location /cache/ {
        memcached_pass 127.0.0.1:11211;
    }
}
`;
