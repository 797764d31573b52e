#!/usr/bin/env bash
# Installs the Debian 12 packages the project needs, only those that are missing.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libabsl-dev libpqxx-dev libutf8proc-dev libspdlog-dev libssl-dev prometheus-cpp-dev
  libgtest-dev
  postgresql-15 postgresql-contrib
  postgresql-15-rum        # search's access path in publish-time order (docs/discovery.md)
  libsqlite3-dev           # client-sample's offline copy (docs/sync.md)
  libcurl4-openssl-dev     # webhook delivery (docs/live.md)
  patroni etcd-server etcd-client  # scripts/cluster.sh (docs/scaling.md)
  openssl  # tests/server/tls_test.cc makes its certificate with the CLI
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing missing packages: ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
