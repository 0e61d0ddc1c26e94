// The reverse proxy's own files, found through the mounts of the project's containers (or named with --add): its
// configuration (nginx, Caddy, Traefik, HAProxy, Envoy) and its log files when it writes them to a mounted folder.
// Only files whose names say they are configs or logs are taken — never keys, certificates or ACME state — and a
// folder is walked to a bounded depth and count.
import { lstatSync, readdirSync } from 'node:fs';
import { basename, join, relative } from 'node:path';

export type ProxyFileKind = 'config' | 'log';
export interface ProxyFile { source: string; inContainer: string; kind: ProxyFileKind; mtimeMs: number; size: number }

interface Mount { Type?: string; Source?: string; Destination?: string }
export interface MountedContainer { Name: string; Config?: { Image?: string }; Mounts?: Mount[] }

const PROXY_IMAGE = /(^|[/_-])(nginx|openresty|caddy|traefik|haproxy|envoy)([:@_-]|$)/i;
const PROXY_PATH = /^\/(etc\/(nginx|caddy|traefik|envoy|haproxy)|usr\/local\/etc\/haproxy|usr\/local\/openresty\/nginx\/conf|var\/log\/(nginx|caddy|traefik|haproxy|envoy)|config\/caddy)(\/|$)/;
const NEVER = /\.(key|pem|crt|cer|p12|pfx|der|csr)$|^acme\.json$|^(htpasswd|\.htpasswd)$/i;
const MAX_DEPTH = 4;
const MAX_FILES = 500;

/** A key, certificate or credential file by its name: never taken, whatever asks for it. */
export const neverTaken = (name: string): boolean => NEVER.test(basename(name).toLowerCase());

/** What a file is by its name: a proxy config, a (possibly rotated or gzipped) log, or neither. */
export function proxyFileKind(name: string): ProxyFileKind | null {
  const n = name.toLowerCase();
  if (neverTaken(n)) return null;
  if (/\.log(\.\d+)?(\.gz)?$|^(access|error)(\.log)?(\.\d+)?(\.gz)?$|\.(access|error)\.log/.test(n)) return 'log';
  if (/\.conf$|^caddyfile$|\.caddyfile$|^caddy\.json$|^(traefik|dynamic)[\w.-]*\.(ya?ml|toml)$|^haproxy\.cfg$|^envoy[\w.-]*\.(ya?ml|json)$/.test(n)) return 'config';
  return null;
}

export const isProxyContainer = (c: MountedContainer): boolean =>
  PROXY_IMAGE.test(c.Config?.Image ?? '') || (c.Mounts ?? []).some((m) => PROXY_PATH.test(m.Destination ?? ''));

/** Config and log files under a host path (a file or a folder), each with the path it has inside the container. */
export function proxyFilesUnder(source: string, inContainer: string): ProxyFile[] {
  const found: ProxyFile[] = [];
  const walk = (path: string, depth: number): void => {
    if (found.length >= MAX_FILES) return;
    let st;
    try {
      st = lstatSync(path);
    } catch {
      return; // gone or unreadable: nothing to take
    }
    if (st.isDirectory() && depth < MAX_DEPTH) {
      let names: string[] = [];
      try {
        names = readdirSync(path).sort();
      } catch {
        return;
      }
      for (const e of names) walk(join(path, e), depth + 1);
      return;
    }
    // regular files only: a symlink to /dev/stdout (the official nginx image) is the container log, already collected
    if (!st.isFile()) return;
    const kind = proxyFileKind(basename(path));
    const rel = relative(source, path);
    if (kind) found.push({ source: path, inContainer: rel ? join(inContainer, rel) : inContainer, kind, mtimeMs: st.mtimeMs, size: st.size });
  };
  walk(source, 0);
  return found;
}

/** Every proxy config and log reachable through a proxy container's bind and volume mounts on this host. */
export function proxyFilesFromMounts(containers: MountedContainer[]): { container: string; files: ProxyFile[] }[] {
  return containers.filter(isProxyContainer).map((c) => ({
    container: c.Name.replace(/^\//, ''),
    files: (c.Mounts ?? []).filter((m) => m.Source && m.Destination && (m.Type === 'bind' || m.Type === 'volume'))
      .flatMap((m) => proxyFilesUnder(m.Source!, m.Destination!)),
  }));
}
