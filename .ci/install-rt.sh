#!/usr/bin/env bash
# Installs Request Tracker 5 from Debian with SQLite, non-interactively (idempotent).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
if [ ! -x /usr/share/request-tracker5/libexec/rt-server ]; then
  password="${RT_ROOT_PASSWORD:-loopdesk-rt}"
  debconf-set-selections <<SEL
request-tracker5 request-tracker5/database-type select sqlite3
request-tracker5 request-tracker5/dbconfig-install boolean true
request-tracker5 request-tracker5/initial-root-password password $password
request-tracker5 request-tracker5/rtname string loopdesk-ci
request-tracker5 request-tracker5/organization string loopdesk.test
request-tracker5 request-tracker5/correspondaddress string rt@loopdesk.test
request-tracker5 request-tracker5/commentaddress string rt-comment@loopdesk.test
request-tracker5 request-tracker5/webbaseurl string http://127.0.0.1:8090
request-tracker5 request-tracker5/webpath string /rt
SEL
  apt-get install -y -qq request-tracker5 rt5-db-sqlite rt5-standalone >/dev/null
fi
echo "Request Tracker installed: $(dpkg-query -W -f '${Version}' request-tracker5)"
