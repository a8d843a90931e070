/*
 * udp_server.c - a UDP echo server (Rust mio's examples/udp_server.rs).
 *
 *   ./udp_server [ADDRESS]        default 127.0.0.1:9000; port 0 picks one
 *
 * Each READABLE event: receive datagrams until -EAGAIN and send each back
 * to where it came from.  A reply the socket cannot take right now is
 * dropped, as UDP itself would (mio's example does the same).  SIGINT or
 * SIGTERM stop it cleanly through a mio_waker.  Try `nc -u 127.0.0.1 9000`.
 *
 * SPDX-License-Identifier: MIT
 */
#include <mio.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#define SOCKET ((mio_token)0)
#define WAKER  ((mio_token)1)

static mio_waker *waker;

static void on_signal(int sig)
{
	(void)sig;
	mio_waker_wake(waker);
}

int main(int argc, char **argv)
{
	const char *text = argc > 1 ? argv[1] : "127.0.0.1:9000";
	struct sockaddr_storage addr;
	socklen_t len;
	if (mio_addr_parse(text, &addr, &len) < 0) {
		fprintf(stderr, "%s: not an address (IPv4 a.b.c.d:port or [v6]:port)\n", text);
		return 2;
	}
	mio_poll *poll;
	mio_events *events;
	mio_udp_socket *sock;
	int rc;
	if ((rc = mio_poll_new(&poll)) < 0 || (rc = mio_events_new(16, &events)) < 0) {
		fprintf(stderr, "poll: %s\n", strerror(-rc));
		return 1;
	}
	if ((rc = mio_udp_socket_bind((struct sockaddr *)&addr, len, &sock)) < 0) {
		fprintf(stderr, "bind %s: %s\n", text, strerror(-rc));
		return 1;
	}
	mio_registry *r = mio_poll_registry(poll);
	if ((rc = mio_registry_register(r, mio_udp_socket_fd(sock), SOCKET, MIO_READABLE)) < 0 ||
	    (rc = mio_waker_new(r, WAKER, &waker)) < 0) {
		fprintf(stderr, "register: %s\n", strerror(-rc));
		return 1;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	char name[64];
	len = sizeof(addr);
	mio_udp_socket_local_addr(sock, &addr, &len);
	mio_addr_format((struct sockaddr *)&addr, len, name, sizeof(name));
	printf("listening on %s\n", name);
	fflush(stdout);

	/* The largest UDP payload: a datagram is never cut short. */
	static char buf[65536];
	bool running = true;
	unsigned long datagrams = 0;
	while (running) {
		int n = mio_poll_wait(poll, events, NULL);
		if (n == -EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "poll: %s\n", strerror(-n));
			break;
		}
		for (int i = 0; i < n; i++) {
			const mio_event *e = mio_events_get(events, (size_t)i);
			if (mio_event_token(e) == WAKER) {
				running = false;
				continue;
			}
			for (;;) {
				struct sockaddr_storage from;
				socklen_t flen = sizeof(from);
				ssize_t got = mio_udp_socket_recv_from(sock, buf, sizeof(buf), &from, &flen);
				if (got == -EAGAIN)
					break;
				if (got < 0) {
					/* ICMP errors of earlier replies surface
					 * here (ECONNREFUSED): not fatal. */
					printf("recv_from: %s\n", strerror((int)-got));
					continue;
				}
				mio_addr_format((struct sockaddr *)&from, flen, name, sizeof(name));
				ssize_t sent = mio_udp_socket_send_to(sock, buf, (size_t)got,
								      (struct sockaddr *)&from, flen);
				datagrams++;
				if (sent < 0)
					printf("%s: %zd bytes, reply dropped: %s\n", name, got,
					       strerror((int)-sent));
				else
					printf("%s: echoed %zd bytes\n", name, sent);
			}
		}
		fflush(stdout);
	}
	printf("shutting down after %lu datagrams\n", datagrams);
	mio_waker_free(waker);
	mio_udp_socket_free(sock);
	mio_events_free(events);
	mio_poll_free(poll);
	return 0;
}
