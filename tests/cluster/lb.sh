# tests/cluster/lb.sh: nginx (Debian's nginx-light) as the load balancer
# in front of a test's cluster nodes, sourced after tests/cluster/nodes.sh.
# The configuration is the one the README's deployment guide shows: round
# robin over the nodes, but the staff pages and API by session or token
# to one node while it lives; a node that refuses or drops a connection
# is passed over (proxy_next_upstream) and left alone for a few seconds;
# the client's address handed on in X-Real-IP (kbd believes it from a
# loopback peer only).
#
#   lb_start N...       nginx on a free loopback port in front of the
#                       nodes N... (their NBASE); sets LB_BASE, LB_PID;
#                       waits until a request through it answers 200
#   lb_stop             (pg.sh's EXIT trap does it too)
#
# Without nginx (kbd/deps.sh test installs nginx-light) the test is
# skipped, which under CI=true fails the run.

LB_DIR=
LB_PID=
LB_BASE=

lb_stop() {
	[ -n "$LB_PID" ] && kill -TERM "$LB_PID" 2>/dev/null &&
	    wait "$LB_PID" 2>/dev/null
	LB_PID=
}

lb_start() {
	local n port user= servers= i
	command -v nginx >/dev/null 2>&1 ||
	    skip_all "no nginx (kbd/deps.sh test installs nginx-light)"
	LB_DIR=$TMP/lb
	mkdir -p "$LB_DIR"
	# As root, nginx hands its workers to nobody, who may not write the
	# test's folder; the user directive means nothing otherwise.
	[ "$(id -u)" = 0 ] && user="user root;"
	for n in "$@"; do
		servers+="		server ${NBASE[$n]#http://} max_fails=1 fail_timeout=5s;"$'\n'
	done
	port=$(pg_free_port)
	cat >"$LB_DIR/nginx.conf" <<CONF
daemon off;
master_process on;
worker_processes 1;
$user
pid $LB_DIR/nginx.pid;
error_log $LB_DIR/error.log;
events {
	worker_connections 1024;
}
http {
	client_body_temp_path $LB_DIR/body;
	proxy_temp_path $LB_DIR/proxy;
	fastcgi_temp_path $LB_DIR/fastcgi;
	uwsgi_temp_path $LB_DIR/uwsgi;
	scgi_temp_path $LB_DIR/scgi;
	access_log $LB_DIR/access.log;
	upstream kbd {
$servers		keepalive 16;
	}
	# Staff stay on one node while it lives: the revision an editor
	# starts from is numbered by the node that showed it.
	upstream kbd_staff {
		hash \$http_authorization\$cookie_kbd_session consistent;
$servers		keepalive 16;
	}
	proxy_http_version 1.1;
	proxy_set_header Connection "";
	proxy_set_header Host \$host;
	proxy_set_header X-Real-IP \$remote_addr;
	proxy_next_upstream error timeout http_502;
	proxy_connect_timeout 2s;
	proxy_read_timeout 30s;
	server {
		listen 127.0.0.1:$port;
		location / {
			proxy_pass http://kbd;
		}
		location /admin {
			proxy_pass http://kbd_staff;
		}
		location /api/admin/ {
			proxy_pass http://kbd_staff;
		}
	}
}
CONF
	nginx -p "$LB_DIR" -e "$LB_DIR/error.log" -c "$LB_DIR/nginx.conf" \
	    2>"$LB_DIR/stderr" &
	LB_PID=$!
	LB_BASE=http://127.0.0.1:$port
	for i in $(seq $((READY_TIMEOUT * 10))); do
		kill -0 "$LB_PID" 2>/dev/null ||
		    die "nginx exited: $(cat "$LB_DIR/stderr" "$LB_DIR/error.log" 2>/dev/null)"
		[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 \
		    "$LB_BASE/healthz")" = 200 ] && return 0
		sleep 0.1
	done
	die "nginx in front of the nodes does not answer /healthz"
}
