# shellcheck shell=sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Sourced by the tests and benchmarks that start nginx in a namespace
# (test/run-proxy.sh, test/run-live-capture.sh, scripts/bench-proxy.sh,
# scripts/mkweb.sh).
#
# nginx_conf_head DIR CONNECTIONS on|off: the start of an nginx.conf on
# stdout, up to and including "http {": root, one worker, its pid file,
# error log and temporary directories under DIR (created here), daemon on
# or off. The caller writes the rest of the http block and closes it.
nginx_conf_head() {
	mkdir -p "$1/nginx-tmp" || return 1
	printf '%s\n' \
		"user root root;" \
		"worker_processes 1;" \
		"worker_rlimit_nofile 16384;" \
		"daemon $3;" \
		"pid $1/nginx.pid;" \
		"error_log $1/nginx.log warn;" \
		"events { worker_connections $2; }" \
		"http {" \
		"	access_log off;" \
		"	client_body_temp_path $1/nginx-tmp/body;" \
		"	proxy_temp_path $1/nginx-tmp/proxy;" \
		"	fastcgi_temp_path $1/nginx-tmp/fastcgi;" \
		"	uwsgi_temp_path $1/nginx-tmp/uwsgi;" \
		"	scgi_temp_path $1/nginx-tmp/scgi;"
}
