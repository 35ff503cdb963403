#!/usr/bin/env bash
# Makes sure MariaDB and Redis answer at DATABASE_URL / REDIS_URL (local defaults): starts them
# when they are installed but stopped, installs them (Debian packages, as root) when missing.
set -euo pipefail

db_url="${DATABASE_URL:-mysql://root@127.0.0.1:3306/sla_vigil}"
redis_url="${REDIS_URL:-redis://127.0.0.1:6379}"
db_host=$(echo "$db_url" | sed -E 's#^mysql://([^@]*@)?([^:/]+).*#\2#')
db_port=$(echo "$db_url" | sed -nE 's#^mysql://([^@]*@)?[^:/]+:([0-9]+).*#\2#p'); db_port=${db_port:-3306}
redis_host=$(echo "$redis_url" | sed -E 's#^rediss?://([^@]*@)?([^:/]+).*#\2#')
redis_port=$(echo "$redis_url" | sed -nE 's#^rediss?://([^@]*@)?[^:/]+:([0-9]+).*#\2#p'); redis_port=${redis_port:-6379}

answers() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
is_local() { [ "$1" = "127.0.0.1" ] || [ "$1" = "localhost" ]; }

install_packages() {
  if [ "$(id -u)" != 0 ]; then
    echo "MariaDB/Redis missing: run as root: apt-get install -y mariadb-server redis-server" >&2
    exit 1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

wait_for() {
  for _ in $(seq 1 60); do answers "$1" "$2" && return 0; sleep 0.5; done
  echo "$3 did not start on $1:$2" >&2
  exit 1
}

if ! answers "$db_host" "$db_port"; then
  is_local "$db_host" || { echo "MariaDB does not answer at $db_host:$db_port (DATABASE_URL)" >&2; exit 1; }
  command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ] || install_packages mariadb-server
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql --port="$db_port" --bind-address=127.0.0.1
  wait_for "$db_host" "$db_port" MariaDB
  # Debian's root uses unix_socket auth; the tests connect over TCP as root without a password.
  mariadb -uroot -e "ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('') OR unix_socket" 2>/dev/null || true
fi

if ! answers "$redis_host" "$redis_port"; then
  is_local "$redis_host" || { echo "Redis does not answer at $redis_host:$redis_port (REDIS_URL)" >&2; exit 1; }
  command -v redis-server >/dev/null || install_packages redis-server
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/sla-vigil.log
  wait_for "$redis_host" "$redis_port" Redis
fi
echo "MariaDB at $db_host:$db_port and Redis at $redis_host:$redis_port answer"
