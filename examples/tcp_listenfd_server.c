/*
 * tcp_listenfd_server.c - the echo server of tcp_server.c, taking its
 * listening socket from whoever started it, systemd style (Rust mio's
 * examples/tcp_listenfd_server.rs; see sd_listen_fds(3)): the socket is
 * fd 3, LISTEN_FDS=1 and LISTEN_PID is this process's pid.
 *
 *   systemd-socket-activate -l 127.0.0.1:9000 ./tcp_listenfd_server
 *
 * The inherited socket is usually blocking; mio_tcp_listener_from_fd
 * makes it non-blocking.  ECHO_IDLE_TIMEOUT=SECONDS closes idle
 * connections, as in tcp_server.c.
 *
 * SPDX-License-Identifier: MIT
 */
/* unsetenv is POSIX.1-2001: not declared under -std=c99 without this. */
#define _POSIX_C_SOURCE 200809L
#include "tcp_echo.h"

#include <fcntl.h>
#include <unistd.h>

#define SD_LISTEN_FDS_START 3

int main(void)
{
	int64_t idle_ms = echo_idle_ms(getenv("ECHO_IDLE_TIMEOUT"));
	if (idle_ms < 0) {
		fprintf(stderr, "ECHO_IDLE_TIMEOUT: not a number of seconds\n");
		return 2;
	}
	const char *fds = getenv("LISTEN_FDS");
	const char *pid = getenv("LISTEN_PID");
	if (fds == NULL || strcmp(fds, "1") != 0) {
		fprintf(stderr, "LISTEN_FDS must be 1 (start me with systemd-socket-activate)\n");
		return 2;
	}
	/* LISTEN_PID guards against variables inherited by a grandchild. */
	if (pid == NULL || strtol(pid, NULL, 10) != (long)getpid()) {
		fprintf(stderr, "LISTEN_PID is not this process; the fds are not for me\n");
		return 2;
	}
	/* Not to be inherited further, as sd_listen_fds() does. */
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDNAMES");
	int flags = fcntl(SD_LISTEN_FDS_START, F_GETFD);
	if (flags < 0 || fcntl(SD_LISTEN_FDS_START, F_SETFD, flags | FD_CLOEXEC) < 0) {
		fprintf(stderr, "fd 3: %s\n", strerror(errno));
		return 1;
	}
	mio_tcp_listener *l;
	int rc = mio_tcp_listener_from_fd(SD_LISTEN_FDS_START, &l);
	if (rc < 0) {
		fprintf(stderr, "fd 3: %s\n", strerror(-rc));
		return 1;
	}
	return echo_serve(l, idle_ms);
}
