#!/usr/bin/env bash
# Installs code-server (VS Code 1.100.3 server + web workbench: the Node extension host) into
# .vscode-test/code-server without the internet: its install scripts fetch ripgrep from GitHub, so they are
# skipped and the native modules are rebuilt against Node's local headers. Needs Debian's build-essential,
# libkrb5-dev and ripgrep (installed here when missing and running as root).
set -euo pipefail
cd "$(dirname "$0")/../.."
DIR=.vscode-test/code-server
VERSION=4.100.3
if [ -f "$DIR/node_modules/code-server/lib/vscode/.vram-lens-ready" ]; then
  echo "code-server $VERSION already installed in $DIR"
  exit 0
fi
need=()
command -v rg >/dev/null || need+=(ripgrep)
[ -f /usr/include/krb5.h ] || [ -f /usr/include/krb5/krb5.h ] || need+=(libkrb5-dev)
command -v g++ >/dev/null || need+=(build-essential)
if [ ${#need[@]} -gt 0 ] && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  echo "Installing ${need[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" python3 pkg-config >/dev/null
fi
export npm_config_yes=true
# Debian's Node has its headers under /usr: native modules build without downloading them.
if [ -f /usr/include/node/node_version.h ]; then export npm_config_nodedir=/usr; fi
mkdir -p "$DIR"
cd "$DIR"
[ -f package.json ] || echo '{"name":"vram-lens-code-server","private":true}' > package.json
npm install --no-audit --no-fund --ignore-scripts --no-save "code-server@$VERSION" >/dev/null
npm rebuild argon2 >/dev/null
cd node_modules/code-server/lib/vscode
npm install --omit=dev --no-audit --no-fund --ignore-scripts >/dev/null
npm rebuild kerberos node-pty @parcel/watcher @vscode/spdlog @vscode/deviceid native-watchdog >/dev/null
mkdir -p node_modules/@vscode/ripgrep/bin && ln -sfn "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
ln -sfn node_modules node_modules.asar
(cd bin/remote-cli && ln -sfn code-linux.sh code-server)
(cd bin/helpers && ln -sfn browser-linux.sh browser.sh)
(cd extensions && npm install --omit=dev --no-audit --no-fund >/dev/null)
touch .vram-lens-ready
echo "code-server $VERSION installed in $DIR"
