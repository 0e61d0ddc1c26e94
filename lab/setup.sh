#!/usr/bin/env bash
# Installs what the lab needs, once per machine, idempotently, and says what it installs:
#   Debian: docker.io docker-compose busybox-static nginx caddy haproxy git iproute2 (apt-get, only the missing ones)
#   npm:    node@24 (the openclaw package refuses Node 20) and openclaw@$OPENCLAW_VERSION, in the lab cache
#   files:  the gateway image's root file system (node 24 + its libraries + busybox + openclaw) and the proxies'
#           (nginx, caddy, haproxy + libraries + busybox), as tar files in the cache; `docker import` happens later,
#           inside the lab's own engine.
# Cache: $CLAWTRAIL_LAB_CACHE (default /var/cache/clawtrail-lab), outside the repository.
set -euo pipefail
CACHE=${CLAWTRAIL_LAB_CACHE:-/var/cache/clawtrail-lab}
OPENCLAW_VERSION=${OPENCLAW_VERSION:-2026.9.6}
export DEBIAN_FRONTEND=noninteractive
mkdir -p "$CACHE"

say() { echo "lab setup: $*"; }

# 1. Debian packages
need=()
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
[ -x /bin/busybox ] || need+=(busybox-static)
[ -x /usr/sbin/nginx ] || need+=(nginx)
command -v caddy >/dev/null 2>&1 || need+=(caddy)
command -v haproxy >/dev/null 2>&1 || need+=(haproxy)
command -v git >/dev/null 2>&1 || need+=(git)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v nsenter >/dev/null 2>&1 || need+=(util-linux)
if [ "${#need[@]}" -gt 0 ]; then
  say "installing Debian packages: ${need[*]} (apt-get)"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}"
else
  say "Debian packages present (docker.io docker-compose busybox-static nginx caddy haproxy git iproute2)"
fi

# 2. Node 24 from the npm registry (package node@24)
NODE24="$CACHE/node24/node_modules/node/bin/node"
if [ ! -x "$NODE24" ]; then
  say "installing node@24 from the npm registry into $CACHE/node24 (~190 MB)"
  mkdir -p "$CACHE/node24"
  (cd "$CACHE/node24" && { [ -f package.json ] || npm init -y >/dev/null; } && npm install --no-audit --no-fund node@24 >/dev/null)
fi
say "node 24: $("$NODE24" --version)"

# 3. openclaw, installed with Node 24 first on PATH (its preinstall checks the version)
OC="$CACHE/openclaw-$OPENCLAW_VERSION"
if [ ! -f "$OC/node_modules/openclaw/package.json" ]; then
  say "installing openclaw@$OPENCLAW_VERSION from the npm registry into $OC (~650 MB, 30-60 s)"
  mkdir -p "$OC"
  (cd "$OC" && { [ -f package.json ] || npm init -y >/dev/null; } && PATH="$(dirname "$NODE24"):$PATH" npm install --no-audit --no-fund "openclaw@$OPENCLAW_VERSION" >/dev/null)
fi
say "openclaw: $(PATH="$(dirname "$NODE24"):$PATH" node "$OC/node_modules/openclaw/openclaw.mjs" --version 2>/dev/null | tail -1)"

# Copies a program and every shared library ldd lists for it into a root file system.
copy_with_libs() {
  local root=$1; shift
  for bin in "$@"; do
    ldd "$bin" 2>/dev/null | grep -oE '/[^ ]+' | while read -r lib; do
      [ -e "$lib" ] || continue
      mkdir -p "$root$(dirname "$lib")"; cp -Ln "$lib" "$root$lib" 2>/dev/null || true
    done
  done
}
base_rootfs() {
  local root=$1
  mkdir -p "$root"/{bin,etc,tmp,home/node/.openclaw/state,usr/local/bin,var/log,run}   # state/: a volume mounted there starts owned by node
  chmod 1777 "$root/tmp"
  cp /bin/busybox "$root/bin/busybox"
  chroot "$root" /bin/busybox --install -s /bin
  mkdir -p "$root/usr/bin"; ln -sf /bin/busybox "$root/usr/bin/env"   # for the '#!/usr/bin/env node' shebangs
  printf 'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000:node:/home/node:/bin/sh\nwww-data:x:33:33:www-data:/var/www:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/sh\n' > "$root/etc/passwd"
  printf 'root:x:0:\nnode:x:1000:\nwww-data:x:33:\nnogroup:x:65534:\n' > "$root/etc/group"
  echo 'hosts: files' > "$root/etc/nsswitch.conf"
  printf '127.0.0.1 localhost\n::1 localhost\n' > "$root/etc/hosts"
  mkdir -p "$root/etc/ssl/certs"; cp -L /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/" 2>/dev/null || true
}

# 4. the gateway image's root file system
GW_TAR="$CACHE/gateway-rootfs-$OPENCLAW_VERSION-v3.tar"
if [ ! -f "$GW_TAR" ]; then
  say "building the gateway root file system (node 24, its libraries and the openclaw addons' libraries, busybox, openclaw) into $GW_TAR"
  R=$(mktemp -d "$CACHE/rootfs.XXXXXX")
  base_rootfs "$R"
  cp "$NODE24" "$R/usr/local/bin/node"
  copy_with_libs "$R" "$NODE24" $(find "$OC/node_modules" -name '*.node' -path '*linux*x64*' ! -path '*musl*')
  mkdir -p "$R/app"; cp -a "$OC/node_modules" "$R/app/node_modules"
  ln -s /app/node_modules/openclaw/openclaw.mjs "$R/usr/local/bin/openclaw"
  chown -R 1000:1000 "$R/home/node"
  tar -C "$R" -cf "$GW_TAR.part" . && mv "$GW_TAR.part" "$GW_TAR"
  rm -rf "$R"
fi
say "gateway rootfs: $GW_TAR ($(du -h "$GW_TAR" | cut -f1))"

# 5. the proxies' image root file system (Debian's nginx, caddy and haproxy binaries)
PX_TAR="$CACHE/proxy-rootfs-v2.tar"
if [ ! -f "$PX_TAR" ]; then
  say "building the proxy root file system (Debian nginx, caddy, haproxy + libraries, busybox) into $PX_TAR"
  R=$(mktemp -d "$CACHE/rootfs.XXXXXX")
  base_rootfs "$R"
  mkdir -p "$R/usr/sbin" "$R/usr/bin" "$R/var/lib/nginx" "$R/var/log/nginx" "$R/etc/nginx" "$R/run/haproxy" "$R/var/lib/haproxy" "$R/etc/caddy" "$R/etc/haproxy"
  cp /usr/sbin/nginx "$R/usr/sbin/nginx"; cp "$(command -v caddy)" "$R/usr/bin/caddy"; cp "$(command -v haproxy)" "$R/usr/sbin/haproxy"
  copy_with_libs "$R" /usr/sbin/nginx "$(command -v caddy)" "$(command -v haproxy)"
  cp -a /etc/nginx/mime.types "$R/etc/nginx/"
  [ -d /usr/lib/nginx/modules ] && { mkdir -p "$R/usr/lib/nginx"; cp -a /usr/lib/nginx/modules "$R/usr/lib/nginx/"; }
  tar -C "$R" -cf "$PX_TAR.part" . && mv "$PX_TAR.part" "$PX_TAR"
  rm -rf "$R"
fi
say "proxy rootfs: $PX_TAR ($(du -h "$PX_TAR" | cut -f1))"
echo "NODE24=$NODE24"
echo "OPENCLAW_DIR=$OC"
