/*
 * check_addr.c - mio_addr_parse and mio_addr_format: every form API.md
 * names, round trips, and garbage rejected with -EINVAL.  (Rust mio has
 * no such functions; these stand in for std's SocketAddr FromStr/Display
 * that mio's tests lean on.)
 *
 * SPDX-License-Identifier: MIT
 */
#include "netutil.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <stddef.h>
#include <stdio.h>

/* parse(text) succeeds and format gives `text` back exactly. */
static void round_trip(const char *text)
{
	struct sockaddr_storage ss;
	socklen_t len = 0;
	char buf[128];
	ck_assert_msg(mio_addr_parse(text, &ss, &len) == 0, "parse(\"%s\") failed", text);
	int n = mio_addr_format((struct sockaddr *)&ss, len, buf, sizeof(buf));
	ck_assert_msg(n == (int)strlen(text) && strcmp(buf, text) == 0,
		      "format(parse(\"%s\")) = %d \"%s\"", text, n, n >= 0 ? buf : "");
}

START_TEST(test_addr_parse_ipv4)
{
	struct sockaddr_storage ss;
	socklen_t len = 0;
	ck_assert_ok(mio_addr_parse("127.0.0.1:8080", &ss, &len));
	ck_assert_uint_eq(len, sizeof(struct sockaddr_in));
	const struct sockaddr_in *sin = (const struct sockaddr_in *)&ss;
	ck_assert_int_eq(sin->sin_family, AF_INET);
	ck_assert_uint_eq(ntohs(sin->sin_port), 8080);
	ck_assert_uint_eq(ntohl(sin->sin_addr.s_addr), INADDR_LOOPBACK);
	round_trip("127.0.0.1:8080");
	round_trip("0.0.0.0:0");
	round_trip("255.255.255.255:65535");
	round_trip("10.1.2.3:80");
}
END_TEST

START_TEST(test_addr_parse_ipv6)
{
	struct sockaddr_storage ss;
	socklen_t len = 0;
	ck_assert_ok(mio_addr_parse("[::1]:80", &ss, &len));
	ck_assert_uint_eq(len, sizeof(struct sockaddr_in6));
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&ss;
	ck_assert_int_eq(sin6->sin6_family, AF_INET6);
	ck_assert_uint_eq(ntohs(sin6->sin6_port), 80);
	ck_assert_mem_eq(&sin6->sin6_addr, &in6addr_loopback, sizeof(struct in6_addr));
	ck_assert_uint_eq(sin6->sin6_scope_id, 0);
	round_trip("[::1]:80");
	round_trip("[::]:0");
	round_trip("[2001:db8::17]:65535");
	round_trip("[::ffff:1.2.3.4]:9");
}
END_TEST

/* "%scope": a number, or an interface name (if_nametoindex, not DNS).
 * format may print the scope as the interface name, so the check is that
 * what it prints parses back to the same address. */
START_TEST(test_addr_parse_ipv6_scope)
{
	struct sockaddr_storage ss, again;
	socklen_t len = 0, len2 = 0;
	char buf[128];
	ck_assert_ok(mio_addr_parse("[fe80::1%7]:443", &ss, &len));
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&ss;
	ck_assert_uint_eq(sin6->sin6_scope_id, 7);
	ck_assert_uint_eq(ntohs(sin6->sin6_port), 443);
	int n = mio_addr_format((struct sockaddr *)&ss, len, buf, sizeof(buf));
	ck_assert_int_gt(n, 0);
	ck_assert_msg(strstr(buf, "%") != NULL, "scope lost: %s", buf);
	ck_assert_ok(mio_addr_parse(buf, &again, &len2));
	ck_assert_uint_eq(len2, len);
	ck_assert_mem_eq(&again, &ss, len);

	unsigned lo = if_nametoindex("lo");
	if (lo != 0) {
		ck_assert_ok(mio_addr_parse("[fe80::1%lo]:1", &ss, &len));
		ck_assert_uint_eq(sin6->sin6_scope_id, lo);
	}
	ck_assert_errno(mio_addr_parse("[fe80::1%]:1", &ss, &len), EINVAL);
	ck_assert_errno(mio_addr_parse("[fe80::1%no-such-if0]:1", &ss, &len), EINVAL);
}
END_TEST

START_TEST(test_addr_parse_garbage)
{
	static const char *const bad[] = {
		"", ":", "127.0.0.1", "127.0.0.1:", ":80", "127.0.0.1:65536", "127.0.0.1:-1",
		"127.0.0.1:+80", "127.0.0.1:80x", "127.0.0.1: 80", " 127.0.0.1:80", "127.0.0.1:80 ",
		"127.0.0.256:80", "127.0.0:80", "1.2.3.4.5:80", "localhost:80", "example.com:80",
		"::1:80", "[::1]", "[::1]:", "[::1:80", "::1]:80", "[127.0.0.1]:80", "[::g]:80",
		"[::1]:99999", "[]:80", "/tmp/sock", "@abstract", "127.0.0.1:8080:1",
		"127.0.0.1:0x50", "[::1]x:80",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct sockaddr_storage ss;
		socklen_t len = 0;
		int rc = mio_addr_parse(bad[i], &ss, &len);
		ck_assert_msg(rc == -EINVAL, "parse(\"%s\") = %d, expected -EINVAL", bad[i], rc);
	}
	struct sockaddr_storage ss;
	socklen_t len;
	ck_assert_errno(mio_addr_parse(NULL, &ss, &len), EINVAL);
	ck_assert_errno(mio_addr_parse("1.2.3.4:5", NULL, &len), EINVAL);
	ck_assert_errno(mio_addr_parse("1.2.3.4:5", &ss, NULL), EINVAL);
}
END_TEST

START_TEST(test_addr_format_unix)
{
	struct sockaddr_un sun;
	char buf[256];
	socklen_t len = nt_sun_path(&sun, "/tmp/mio.sock");
	ck_assert_int_eq(mio_addr_format((struct sockaddr *)&sun, len, buf, sizeof(buf)), 13);
	ck_assert_str_eq(buf, "/tmp/mio.sock");
	/* Without the NUL in len (as some kernels hand back) it is the same. */
	ck_assert_int_eq(mio_addr_format((struct sockaddr *)&sun, len - 1, buf, sizeof(buf)), 13);
	ck_assert_str_eq(buf, "/tmp/mio.sock");

	len = nt_sun_abstract(&sun, "mio-abstract");
	ck_assert_int_eq(mio_addr_format((struct sockaddr *)&sun, len, buf, sizeof(buf)), 13);
	ck_assert_str_eq(buf, "@mio-abstract");

	/* Unnamed: only the family, as getsockname gives for an unbound socket. */
	ck_assert_int_eq(mio_addr_format((struct sockaddr *)&sun, sizeof(sa_family_t), buf,
					 sizeof(buf)), 9);
	ck_assert_str_eq(buf, "(unnamed)");

	/* A path filling sun_path, with no NUL in the address at all. */
	memset(sun.sun_path, 'a', sizeof(sun.sun_path));
	len = sizeof(sun);
	ck_assert_int_eq(mio_addr_format((struct sockaddr *)&sun, len, buf, sizeof(buf)),
			 (int)sizeof(sun.sun_path));
	ck_assert_uint_eq(strlen(buf), sizeof(sun.sun_path));
}
END_TEST

/* Too small a buffer is -ENOSPC, never a truncated string. */
START_TEST(test_addr_format_nospc)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char buf[64];
	ck_assert_ok(mio_addr_parse("127.0.0.1:8080", &ss, &len));
	size_t need = strlen("127.0.0.1:8080");
	ck_assert_errno(mio_addr_format((struct sockaddr *)&ss, len, buf, need), ENOSPC);
	ck_assert_errno(mio_addr_format((struct sockaddr *)&ss, len, buf, 1), ENOSPC);
	ck_assert_int_eq(mio_addr_format((struct sockaddr *)&ss, len, buf, need + 1), (int)need);
	ck_assert_str_eq(buf, "127.0.0.1:8080");

	ck_assert_ok(mio_addr_parse("[::1]:1", &ss, &len));
	ck_assert_errno(mio_addr_format((struct sockaddr *)&ss, len, buf, 7), ENOSPC);
	ck_assert_int_eq(mio_addr_format((struct sockaddr *)&ss, len, buf, 8), 7);

	struct sockaddr_un sun;
	len = nt_sun_abstract(&sun, "x");
	ck_assert_errno(mio_addr_format((struct sockaddr *)&sun, len, buf, 2), ENOSPC);
	ck_assert_errno(mio_addr_format((struct sockaddr *)&sun, sizeof(sa_family_t), buf, 9),
			ENOSPC);
}
END_TEST

START_TEST(test_addr_format_bad_args)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char buf[64];
	ck_assert_ok(mio_addr_parse("127.0.0.1:1", &ss, &len));
	ck_assert_errno(mio_addr_format(NULL, len, buf, sizeof(buf)), EINVAL);
	ck_assert_errno(mio_addr_format((struct sockaddr *)&ss, len, NULL, sizeof(buf)), EINVAL);
	/* A length too short for the family's address. */
	ck_assert_errno(mio_addr_format((struct sockaddr *)&ss, len - 1, buf, sizeof(buf)), EINVAL);
	ck_assert_errno(mio_addr_format((struct sockaddr *)&ss, 0, buf, sizeof(buf)), EINVAL);
	ck_assert_ok(mio_addr_parse("[::1]:1", &ss, &len));
	ck_assert_errno(mio_addr_format((struct sockaddr *)&ss, sizeof(struct sockaddr_in), buf,
					sizeof(buf)), EINVAL);
	/* A family it has no text form for. */
	ss.ss_family = AF_APPLETALK;
	ck_assert_errno(mio_addr_format((struct sockaddr *)&ss, sizeof(ss), buf, sizeof(buf)), EINVAL);
}
END_TEST

/* What the socket objects hand back formats as what was asked for. */
START_TEST(test_addr_format_bound_listener)
{
	struct sockaddr_storage ss;
	socklen_t len;
	ck_assert_ok(mio_addr_parse("127.0.0.1:0", &ss, &len));
	mio_tcp_listener *l = NULL;
	ck_assert_ok(mio_tcp_listener_bind((struct sockaddr *)&ss, len, &l));
	len = sizeof(ss);
	ck_assert_ok(mio_tcp_listener_local_addr(l, &ss, &len));
	char buf[64], want[64];
	snprintf(want, sizeof(want), "127.0.0.1:%u", nt_port(&ss));
	ck_assert_int_eq(mio_addr_format((struct sockaddr *)&ss, len, buf, sizeof(buf)),
			 (int)strlen(want));
	ck_assert_str_eq(buf, want);
	mio_tcp_listener_free(l);
}
END_TEST

MIO_SUITE(addr)
{
	Suite *s = suite_create("addr");
	TCase *tc = mio_tcase("addr");
	tcase_add_test(tc, test_addr_parse_ipv4);
	tcase_add_test(tc, test_addr_parse_ipv6);
	tcase_add_test(tc, test_addr_parse_ipv6_scope);
	tcase_add_test(tc, test_addr_parse_garbage);
	tcase_add_test(tc, test_addr_format_unix);
	tcase_add_test(tc, test_addr_format_nospc);
	tcase_add_test(tc, test_addr_format_bad_args);
	tcase_add_test(tc, test_addr_format_bound_listener);
	suite_add_tcase(s, tc);
	return s;
}
