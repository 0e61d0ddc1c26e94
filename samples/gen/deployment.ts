// The config files of a stock OpenClaw Docker deployment (reference §5.1, §3.2), parameterised per scenario.

export interface ComposeOpts {
  image: string;
  proxy: 'nginx' | 'caddy';
  stateMount?: string;          // volume line for the state dir
  tz?: string;
  extraGatewayEnv?: string[];
}

export function composeFile(o: ComposeOpts): string {
  const proxy = o.proxy === 'nginx'
    ? `  nginx:
    image: nginx:1.22
    volumes:
      - ./nginx/nginx.conf:/etc/nginx/nginx.conf:ro
      - ./logs/nginx:/var/log/nginx
    ports:
      - "80:80"
      - "443:443"
    depends_on:
      - openclaw-gateway
    restart: unless-stopped
`
    : `  caddy:
    image: caddy:2.8
    volumes:
      - ./caddy/Caddyfile:/etc/caddy/Caddyfile:ro
      - ./logs/caddy:/var/log/caddy
    ports:
      - "80:80"
      - "443:443"
    restart: unless-stopped
`;
  return `services:
  openclaw-gateway:
    image: \${OPENCLAW_IMAGE:-${o.image}}
    environment:
      HOME: /home/node
      TERM: xterm-256color
      OPENCLAW_GATEWAY_TOKEN: \${OPENCLAW_GATEWAY_TOKEN:-}
      OPENCLAW_ALLOW_INSECURE_PRIVATE_WS: \${OPENCLAW_ALLOW_INSECURE_PRIVATE_WS:-}
      TZ: \${OPENCLAW_TZ:-${o.tz ?? 'UTC'}}
${(o.extraGatewayEnv ?? []).map((e) => `      ${e}\n`).join('')}    volumes:
      - ${o.stateMount ?? '${OPENCLAW_CONFIG_DIR}:/home/node/.openclaw'}
      - \${OPENCLAW_WORKSPACE_DIR}:/home/node/.openclaw/workspace
    ports:
      - "\${OPENCLAW_GATEWAY_PORT:-18789}:18789"
    init: true
    restart: unless-stopped
    command: ["node", "dist/index.js", "gateway", "--bind", "\${OPENCLAW_GATEWAY_BIND:-lan}", "--port", "18789"]
    healthcheck:
      test: ["CMD", "node", "-e", "fetch('http://127.0.0.1:18789/healthz').then((r)=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"]
      interval: 30s
      timeout: 5s
      retries: 5
      start_period: 20s
  openclaw-cli:
    image: \${OPENCLAW_IMAGE:-${o.image}}
    network_mode: "service:openclaw-gateway"
    cap_drop:
      - NET_RAW
      - NET_ADMIN
    security_opt:
      - no-new-privileges:true
    environment:
      HOME: /home/node
      TERM: xterm-256color
      OPENCLAW_GATEWAY_TOKEN: \${OPENCLAW_GATEWAY_TOKEN:-}
      BROWSER: echo
      TZ: \${OPENCLAW_TZ:-${o.tz ?? 'UTC'}}
    volumes:
      - ${o.stateMount ?? '${OPENCLAW_CONFIG_DIR}:/home/node/.openclaw'}
      - \${OPENCLAW_WORKSPACE_DIR}:/home/node/.openclaw/workspace
    stdin_open: true
    tty: true
    init: true
    entrypoint: ["node", "dist/index.js"]
    depends_on:
      - openclaw-gateway
${proxy}`;
}

export function envFile(vars: Record<string, string>): string {
  return Object.entries(vars).map(([k, v]) => `${k}=${v}`).join('\n') + '\n';
}

export interface OpenclawOpts {
  token: string;
  version: string;
  touchedAt: string;
  trustedProxies?: string[];
  origins?: string[];
  extraGateway?: string;
}

export function openclawJson(o: OpenclawOpts): string {
  // The file as OpenClaw writes it (JSON.stringify(cfg, null, 2) + newline).
  const cfg = {
    meta: { lastTouchedVersion: o.version, lastTouchedAt: o.touchedAt },
    gateway: {
      port: 18789,
      mode: 'local',
      bind: 'lan',
      auth: { mode: 'token', token: o.token },
      controlUi: { allowedOrigins: o.origins ?? ['https://claw.example.com', 'http://localhost:18789', 'http://127.0.0.1:18789'] },
      trustedProxies: o.trustedProxies ?? ['172.20.0.0/16'],
      reload: { mode: 'hybrid' },
    },
    agents: { defaults: { model: 'anthropic/claude-sonnet-4-5' } },
  };
  return JSON.stringify(cfg, null, 2) + '\n';
}

export function nginxConf(o: { readTimeout: string; sendTimeout: string; upgrade: boolean; logFormat: 'kv' | 'timing'; workerShutdown?: string }): string {
  const fmt = o.logFormat === 'kv'
    ? `    log_format clawtrail '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent '
                         '"$http_referer" "$http_user_agent" rt=$request_time urt="$upstream_response_time" '
                         'ust="$upstream_status" wpid=$pid upgrade="$http_upgrade" xff="$http_x_forwarded_for"';
    access_log /var/log/nginx/access.log clawtrail;`
    : `    log_format timing '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent '
                      '"$http_referer" "$http_user_agent" $request_time $upstream_response_time';
    access_log /var/log/nginx/access.log timing;`;
  return `user nginx;
worker_processes 2;
worker_shutdown_timeout ${o.workerShutdown ?? '10s'};
error_log /var/log/nginx/error.log info;
pid /var/run/nginx.pid;

events {
    worker_connections 1024;
}

http {
${fmt}
    keepalive_timeout 65;

    map $http_upgrade $connection_upgrade {
        default upgrade;
        ''      close;
    }

    upstream openclaw {
        server openclaw-gateway:18789;
    }

    server {
        listen 443 ssl;
        server_name claw.example.com;
        ssl_certificate /etc/nginx/certs/claw.crt;
        ssl_certificate_key /etc/nginx/certs/claw.key;

        location / {
            proxy_pass http://openclaw;
            proxy_http_version 1.1;
${o.upgrade ? `            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
` : ''}            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_read_timeout ${o.readTimeout};
            proxy_send_timeout ${o.sendTimeout};
        }
    }
}
`;
}
