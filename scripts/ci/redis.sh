#!/usr/bin/env bash
# Install Redis for the BullMQ runner tests (Debian/Ubuntu). The tests start their own redis-server on a
# free port with `--save '' --appendonly no` and skip without it unless TWIGA_REQUIRE_REDIS=1.
set -euo pipefail
if command -v redis-server >/dev/null 2>&1; then
  redis-server --version
  exit 0
fi
SUDO=''
if [ "$(id -u)" -ne 0 ]; then SUDO='sudo'; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends redis-server >/dev/null
# The package starts a system service on 6379 on some images; the tests never use it.
redis-server --version
