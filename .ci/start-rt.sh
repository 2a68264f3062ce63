#!/usr/bin/env bash
# Starts Request Tracker 5 on 127.0.0.1:8090/rt, creates a requester and a ticket through its
# REST 2.0 API, and writes what the e2e test needs to $RT_E2E_INFO (JSON).
set -euo pipefail
port="${RT_PORT:-8090}"
password="${RT_ROOT_PASSWORD:-loopdesk-rt}"
info="${RT_E2E_INFO:-/tmp/loopdesk-rt.json}"
base="http://127.0.0.1:$port/rt"
# Debian leaves the site config readable by root only; rt-server runs as www-data.
chgrp www-data /etc/request-tracker5/RT_SiteConfig.pm && chmod 640 /etc/request-tracker5/RT_SiteConfig.pm
if ! curl -fso /dev/null "$base/"; then
  setsid su www-data -s /bin/sh -c \
    "/usr/share/request-tracker5/libexec/rt-server --host 127.0.0.1 --port $port --webpath /rt" \
    >/tmp/loopdesk-rt-server.log 2>&1 < /dev/null &
  for _ in $(seq 1 90); do curl -fso /dev/null "$base/" && break; sleep 1; done
fi
curl -fso /dev/null "$base/" || { echo "RT did not start:"; tail -20 /tmp/loopdesk-rt-server.log; exit 1; }

api() { curl -fsS -u "root:$password" -H 'Content-Type: application/json' "$@"; }
email="grace.hopper@example.org"
api -o /dev/null "$base/REST/2.0/user/$email" 2>/dev/null ||
  api -X POST "$base/REST/2.0/user" -o /dev/null -d "{\"Name\":\"$email\",\"EmailAddress\":\"$email\",\"RealName\":\"Grace Hopper\",\"Organization\":\"Example Org\",\"WorkPhone\":\"+1 415 555 0199\"}"
ticket=$(api -X POST "$base/REST/2.0/ticket" \
  -d "{\"Queue\":\"General\",\"Subject\":\"Charged twice for my order\",\"Requestor\":\"$email\",\"Content\":\"Hello, my card was charged twice.\"}" |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).id))')
cat >"$info" <<JSON
{"baseUrl":"$base","user":"root","password":"$password","ticketId":"$ticket","requester":{"email":"$email","name":"Grace Hopper","phone":"+1 415 555 0199"}}
JSON
echo "RT ready at $base, ticket $ticket for $email ($info)"
