// nginx access logs: the builtin shapes (combined, main, ingress-nginx upstreaminfo, common timing extensions) and any
// log_format compiled from an nginx.conf of the bundle or its git history (escape=json|none, $msec, $upstream_* lists).
import type { LineFormat } from '../format.js';
import { nginxAccessSteps } from './parse.js';

export const format: LineFormat = {
  name: 'nginx-access',
  kind: 'proxy-access',
  role: 'payload',
  reads: 'nginx access logs: combined, main, ingress-nginx upstreaminfo, timing extensions, and any log_format compiled from the bundle\'s nginx.conf (includes, escape=json|none, $msec, $upstream_* lists); `--format nginx-access:NAME` picks one',
  // a line is nginx's when one of the known log_formats matches it: detect.ts asks with the case's formats
  claims: () => false,
  scripts: (ctx) => {
    if (!ctx.nginx) throw new Error('nginx-access: no log_format chosen');
    return nginxAccessSteps(ctx.nginx);
  },
};
