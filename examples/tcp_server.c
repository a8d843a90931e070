/*
 * tcp_server.c - an echo server for many clients (Rust mio's
 * examples/tcp_server.rs, as an echo).
 *
 *   ./tcp_server [-t SECONDS] [ADDRESS]   default 127.0.0.1:9000; port 0 picks one
 *
 * -t (or ECHO_IDLE_TIMEOUT=SECONDS in the environment) closes a
 * connection that has been idle that long; fractions are allowed.
 *
 * It prints the address it listens on, then every accept, read, echo and
 * close; SIGINT or SIGTERM stop it cleanly (exit status 0).  Try it with
 * `nc 127.0.0.1 9000`.  The loop itself is in tcp_echo.h.
 *
 * SPDX-License-Identifier: MIT
 */
#include "tcp_echo.h"

int main(int argc, char **argv)
{
	const char *idle = getenv("ECHO_IDLE_TIMEOUT");
	if (argc > 2 && strcmp(argv[1], "-t") == 0) {
		idle = argv[2];
		argc -= 2;
		argv += 2;
	}
	int64_t idle_ms = echo_idle_ms(idle);
	if (idle_ms < 0) {
		fprintf(stderr, "%s: not a number of seconds\n", idle);
		return 2;
	}
	const char *text = argc > 1 ? argv[1] : "127.0.0.1:9000";
	struct sockaddr_storage addr;
	socklen_t len;
	int rc = mio_addr_parse(text, &addr, &len);
	if (rc < 0) {
		fprintf(stderr, "%s: not an address (IPv4 a.b.c.d:port or [v6]:port)\n", text);
		return 2;
	}
	mio_tcp_listener *l;
	rc = mio_tcp_listener_bind((struct sockaddr *)&addr, len, &l);
	if (rc < 0) {
		fprintf(stderr, "bind %s: %s\n", text, strerror(-rc));
		return 1;
	}
	return echo_serve(l, idle_ms);
}
