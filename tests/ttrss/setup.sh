#!/bin/sh
# A Tiny Tiny RSS server on loopback for the sync tests (Debian 12's tt-rss package).
#
#   sh tests/ttrss/setup.sh start   install what is missing, configure, start the servers
#   sh tests/ttrss/setup.sh stop    stop the servers this script started, and PostgreSQL
#   sh tests/ttrss/setup.sh php-start | php-stop   only tt-rss itself (the offline tests)
#
# Then the JSON API answers at http://127.0.0.1:$TTRSS_PORT/api/ for admin / password, and a
# test feed is served on 127.0.0.1:80 (subscribe to it as http://0.0.0.0/feed.xml?seed=X:
# tt-rss refuses loopback names and ports other than 80 and 443). Needs root: apt-get,
# PostgreSQL administration and port 80. Prints nothing but errors and one "ready" line.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
STATE=${TTRSS_STATE:-/tmp/tui-reader-ttrss}
PORT=${TTRSS_PORT:-8280}
DB_PASS=tuireader-ttrss
export DEBIAN_FRONTEND=noninteractive
mkdir -p "$STATE"

running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
cluster() { pg_lsclusters -h 2>/dev/null | awk 'NR==1 {print $1" "$2}'; }
as_postgres() { su postgres -c "psql -v ON_ERROR_STOP=1 -qAt $*"; }

stop_pid() {
    if running "$1"; then
        kill "$(cat "$1")"
        i=0; while running "$1" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    fi
    rm -f "$1"
}

start_php() {
    running "$STATE/php.pid" && return 0
    # php -S as www-data, which owns tt-rss's cache; setpriv execs, so $! is php itself.
    (cd /usr/share/tt-rss/www && exec setpriv --reuid=www-data --regid=www-data --init-groups \
        php -S "127.0.0.1:$PORT" -t /usr/share/tt-rss/www >"$STATE/php.log" 2>&1) &
    echo $! >"$STATE/php.pid"
}

wait_ready() {
    i=0
    while [ $i -lt 80 ]; do
        if python3 - "$PORT" <<'PY' 2>/dev/null
import json, sys, urllib.request
urllib.request.urlopen("http://0.0.0.0/feed.xml", timeout=2).read()
answer = json.loads(urllib.request.urlopen(
    f"http://127.0.0.1:{sys.argv[1]}/api/", data=b'{"op":"getApiLevel"}', timeout=5).read())
assert answer["content"]["error"] == "NOT_LOGGED_IN"
PY
        then
            echo "tt-rss ready at http://127.0.0.1:$PORT/api/"
            return 0
        fi
        sleep 0.25; i=$((i + 1))
    done
    echo "tt-rss did not answer; see $STATE/php.log and $STATE/feed.log" >&2
    return 1
}

case "${1:-start}" in
stop)
    stop_pid "$STATE/php.pid"; stop_pid "$STATE/feed.pid"
    c=$(cluster); [ -n "$c" ] && pg_ctlcluster $c stop 2>/dev/null || true
    exit 0 ;;
php-stop) stop_pid "$STATE/php.pid"; exit 0 ;;
php-start) start_php; wait_ready; exit $? ;;
start) ;;
*) echo "usage: $0 start|stop|php-start|php-stop" >&2; exit 2 ;;
esac

# Answers for debconf, so that installing asks nothing; dbconfig-common then creates the
# role, the database and the schema.
cat >"$STATE/debconf.txt" <<CONF
tt-rss tt-rss/dbconfig-install boolean true
tt-rss tt-rss/database-type select pgsql
tt-rss tt-rss/pgsql/method select Unix socket
tt-rss tt-rss/pgsql/authmethod-admin select ident
tt-rss tt-rss/pgsql/authmethod-user select password
tt-rss tt-rss/pgsql/app-pass password $DB_PASS
tt-rss tt-rss/app-password-confirm password $DB_PASS
tt-rss tt-rss/db/app-user string ttrss
tt-rss tt-rss/db/dbname string ttrss
tt-rss tt-rss/reconfigure-webserver multiselect
tt-rss tt-rss/self_url_path string http://127.0.0.1:$PORT/
CONF
if ! dpkg -s tt-rss >/dev/null 2>&1; then
    # A purged tt-rss leaves templates without questions behind, and debconf-set-selections
    # then refuses the answers; register any missing question first.
    awk 'NF >= 3 {print $2, $1, $3}' "$STATE/debconf.txt" | perl -MDebconf::Db \
        -MDebconf::Template -MDebconf::Question -e '
        Debconf::Db->load;
        while (<STDIN>) { my ($q, $owner, $type) = split;
            next if Debconf::Question->get($q);
            Debconf::Template->get($q) ? Debconf::Question->new($q, $owner, $type)
                                       : Debconf::Template->new($q, $owner, $type); }
        Debconf::Db->save;'
    debconf-set-selections "$STATE/debconf.txt"
fi

# PostgreSQL must run before tt-rss's post-install script sets up its database; without
# systemd nothing starts it for us.
NEED=""
for pkg in postgresql postgresql-client php-cli php-pgsql php-curl php-intl php-mbstring php-xml; do
    dpkg -s "$pkg" >/dev/null 2>&1 || NEED="$NEED $pkg"
done
if [ -n "$NEED" ]; then
    apt-get install -y -q --no-install-recommends $NEED >"$STATE/apt.log" 2>&1 || {
        apt-get update -q >>"$STATE/apt.log" 2>&1
        apt-get install -y -q --no-install-recommends $NEED >>"$STATE/apt.log" 2>&1
    }
fi
c=$(cluster)
pg_ctlcluster $c status >/dev/null 2>&1 || pg_ctlcluster $c start
i=0; until su postgres -c "psql -qAtc 'select 1'" >/dev/null 2>&1 || [ $i -ge 60 ]; do
    sleep 0.5; i=$((i + 1)); done

# dbconfig-pgsql by name: otherwise apt satisfies tt-rss with the MySQL variant.
if ! dpkg -s tt-rss >/dev/null 2>&1; then
    apt-get install -y -q --no-install-recommends tt-rss dbconfig-pgsql >>"$STATE/apt.log" 2>&1
fi

db_usable() {
    setpriv --reuid=www-data --regid=www-data --init-groups php -r '
        include "/etc/tt-rss/database.php";
        $db = new PDO("pgsql:dbname=$dbname;host=$dbserver", $dbuser, $dbpass);
        exit($db->query("select schema_version from ttrss_version")->fetchColumn() > 0 ? 0 : 1);
    ' 2>/dev/null
}
# When dbconfig-common did nothing (package already there, cluster new), set it up by hand.
if ! db_usable; then
    as_postgres "-c \"do \\\$\\\$ begin if not exists (select from pg_roles where rolname = 'ttrss')
        then create role ttrss login; end if; end \\\$\\\$\""
    as_postgres "-c \"alter role ttrss login password '$DB_PASS'\""
    if [ -z "$(as_postgres "-c \"select 1 from pg_database where datname = 'ttrss'\"")" ]; then
        as_postgres "-c \"create database ttrss owner ttrss encoding 'UTF8' template template0\""
    fi
    cat >/etc/tt-rss/database.php <<PHP
<?php
\$dbuser='ttrss'; \$dbpass='$DB_PASS'; \$basepath=''; \$dbname='ttrss';
\$dbserver='localhost'; \$dbport=''; \$dbtype='pgsql';
PHP
    chown root:www-data /etc/tt-rss/database.php
    chmod 0640 /etc/tt-rss/database.php
    if ! PGPASSWORD=$DB_PASS psql -qAt -h localhost -U ttrss -d ttrss \
            -c 'select 1 from ttrss_version' >/dev/null 2>&1; then
        PGPASSWORD=$DB_PASS psql -qAt -v ON_ERROR_STOP=1 -h localhost -U ttrss -d ttrss \
            -f /usr/share/tt-rss/schema/ttrss_schema_pgsql.sql >/dev/null
    fi
    db_usable || { echo "tt-rss cannot reach its database" >&2; exit 1; }
fi

# The package's config script leaves a placeholder in SELF_URL_PATH; PHP errors go to the
# php -S log rather than into the database.
sed -i "s|define('SELF_URL_PATH', '[^']*');|define('SELF_URL_PATH', 'http://127.0.0.1:$PORT/');|;
        s|define('LOG_DESTINATION', '[^']*');|define('LOG_DESTINATION', '');|" /etc/tt-rss/config.php

# API access for admin (off by default), and admin's password set to "password" (SHA1).
as_postgres "-d ttrss -c \"delete from ttrss_user_prefs where owner_uid = 1
    and pref_name = 'ENABLE_API_ACCESS';
  insert into ttrss_user_prefs (owner_uid, pref_name, profile, value)
    values (1, 'ENABLE_API_ACCESS', NULL, 'true');
  update ttrss_users set pwd_hash = 'SHA1:5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8', salt = ''
    where id = 1;\""

if ! running "$STATE/feed.pid"; then
    python3 "$HERE/feed_server.py" 127.0.0.1 80 >"$STATE/feed.log" 2>&1 &
    echo $! >"$STATE/feed.pid"
fi
start_php
wait_ready
