#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster:
#   scripts/with_postgres.sh .venv/bin/pytest
# The cluster lives in a fresh `mktemp -d` folder, listens only on a Unix socket in that folder
# (no TCP), and is stopped and deleted when the command ends, fails or is interrupted. The command
# sees DATABASE_URL=postgres://ROLE@%2Fsocket%2Fdir:PORT/anlan (and PGHOST/PGPORT/PGUSER for psql,
# PGDATA for pg_ctl);
# ROLE is a superuser, so pytest-django can create test_anlan itself.
# As root, initdb and postgres run as the system user anlan-test (created if missing).
set -euo pipefail

if [[ $# -eq 0 ]]; then
  echo "usage: $0 COMMAND [ARG...]" >&2
  exit 2
fi

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [[ -z $bindir || ! -x $bindir/initdb ]]; then
  echo "with_postgres.sh: no PostgreSQL server in /usr/lib/postgresql/*/bin (apt-get install postgresql)" >&2
  exit 1
fi

# initdb refuses to run as root: use an unprivileged system user then.
if [[ $(id -u) -eq 0 ]]; then
  pg_user=anlan-test
  if ! id -u "$pg_user" >/dev/null 2>&1; then
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$pg_user"
  fi
  as_pg=(runuser -u "$pg_user" --)
else
  pg_user=$(id -un)
  as_pg=()
fi

# Under /tmp (not $TMPDIR): the socket path must stay short, and the unprivileged user must be able
# to reach it.
tmp=$(mktemp -d /tmp/anlan-pg.XXXXXX)
data=$tmp/data
started=
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n $started && -f $data/postmaster.pid ]]; then
    (cd "$tmp" && "${as_pg[@]}" "$bindir/pg_ctl" -D "$data" -m fast -t 30 -s stop) ||
      (cd "$tmp" && "${as_pg[@]}" "$bindir/pg_ctl" -D "$data" -m immediate -s stop) || true
  fi
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Any port will do: the socket file .s.PGSQL.<port> is in our private folder. Pick a random one
# anyway so nothing that looks at port numbers alone confuses this cluster with another.
port=$((20000 + RANDOM % 40000))

chmod 700 "$tmp"
[[ -z ${as_pg[*]} ]] || chown "$pg_user:" "$tmp"
(cd "$tmp" && "${as_pg[@]}" "$bindir/initdb" -D "$data" -U "$pg_user" --auth=trust \
  --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$tmp/initdb.log" 2>&1) || {
  cat "$tmp/initdb.log" >&2
  exit 1
}
# A throwaway cluster: no TCP, and no durability (faster tests).
cat >>"$data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$tmp'
port = $port
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 50
CONF

started=1
(cd "$tmp" && "${as_pg[@]}" "$bindir/pg_ctl" -D "$data" -l "$tmp/postgres.log" -w -t 60 -s start) || {
  cat "$tmp/postgres.log" >&2
  exit 1
}
for _ in $(seq 1 100); do
  "$bindir/pg_isready" -q -h "$tmp" -p "$port" && break
  sleep 0.1
done
"$bindir/pg_isready" -q -h "$tmp" -p "$port" || {
  echo "with_postgres.sh: the server did not answer" >&2
  cat "$tmp/postgres.log" >&2
  exit 1
}

db=anlan
"$bindir/createdb" -h "$tmp" -p "$port" -U "$pg_user" "$db"

# PGDATA lets a test restart this cluster (tests/faults/test_postgres_restart.py: pg_ctl as $pg_user).
export PGHOST=$tmp PGPORT=$port PGUSER=$pg_user PGDATABASE=$db PGDATA=$data
export DATABASE_URL="postgres://${pg_user}@${tmp//\//%2F}:${port}/${db}"
echo "with_postgres.sh: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on $tmp (port $port)"

set +e
"$@"
rc=$?
set -e
exit "$rc"
