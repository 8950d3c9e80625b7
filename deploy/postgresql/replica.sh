#!/usr/bin/env bash
# Make a streaming replica of the primary on this machine (PostgreSQL 15, Debian layout):
#   PRIMARY=10.0.0.20 bash deploy/postgresql/replica.sh
# It stops the local cluster, copies the primary with pg_basebackup -R (which writes
# standby.signal and primary_conninfo) and starts it as a hot standby. Then add its URL to
# TOANDAN_REPLICA_URLS. The test src/toandan/core/tests/test_replica.py does the same in a
# temporary directory.
set -euo pipefail
: "${PRIMARY:?set PRIMARY to the primary's address}"
VERSION=${VERSION:-15}
DATA=/var/lib/postgresql/$VERSION/main
pg_ctlcluster "$VERSION" main stop || true
rm -rf "$DATA"
runuser -u postgres -- pg_basebackup -h "$PRIMARY" -U replica -D "$DATA" -R -X stream -P
pg_ctlcluster "$VERSION" main start
