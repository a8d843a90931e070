/*
 * addr.c - mio_addr_parse and mio_addr_format: the text forms of the
 * addresses the socket objects take and give back.
 *
 * Both are fed untrusted input (configuration, fuzzers), so they never
 * read past what they are given: parse bounds every copy before it
 * makes it, and format reads the sockaddr only within `len`, copying the
 * fixed-size families into locals before looking at them (the caller's
 * pointer need not be aligned for sockaddr_in6).
 *
 * SPDX-License-Identifier: MIT
 */
#include "net.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* parse                                                               */
/* ------------------------------------------------------------------ */

/* A decimal number of at most `max`, all of [s, end): no sign, no
 * spaces, at least one digit.  Leading zeros are fine (Rust's are). */
static int parse_decimal(const char *s, const char *end, uint32_t max, uint32_t *out)
{
	mio__check(s < end, -EINVAL);
	uint32_t v = 0;
	for (; s < end; s++) {
		mio__check(*s >= '0' && *s <= '9', -EINVAL);
		uint32_t d = (uint32_t)(*s - '0');
		mio__check(v <= (max - d) / 10, -EINVAL);
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

static int parse_port(const char *s, in_port_t *port)
{
	uint32_t v;
	int rc = parse_decimal(s, s + strlen(s), 65535, &v);
	if (rc == 0)
		*port = htons((uint16_t)v);
	return rc;
}

/* inet_pton on [s, end), which is not NUL-terminated. */
static int parse_host(int family, const char *s, const char *end, void *dst)
{
	char host[INET6_ADDRSTRLEN];
	size_t n = (size_t)(end - s);
	mio__check(n > 0 && n < sizeof(host), -EINVAL);
	memcpy(host, s, n);
	host[n] = '\0';
	return inet_pton(family, host, dst) == 1 ? 0 : -EINVAL;
}

/* "%2" by number, "%eth0" by interface name. */
static int parse_scope(const char *s, const char *end, uint32_t *scope)
{
	mio__check(s < end, -EINVAL);
	if (*s >= '0' && *s <= '9')
		return parse_decimal(s, end, UINT32_MAX, scope);
	char name[IF_NAMESIZE];
	size_t n = (size_t)(end - s);
	mio__check(n < sizeof(name), -EINVAL);
	memcpy(name, s, n);
	name[n] = '\0';
	*scope = if_nametoindex(name);
	return *scope != 0 ? 0 : -EINVAL;
}

static int parse_v6(const char *text, struct sockaddr_in6 *sin6)
{
	const char *host = text + 1;
	const char *close = strchr(host, ']');
	mio__check(close != NULL && close[1] == ':', -EINVAL);
	const char *pct = memchr(host, '%', (size_t)(close - host));

	int rc = parse_host(AF_INET6, host, pct ? pct : close, &sin6->sin6_addr);
	if (rc == 0 && pct != NULL)
		rc = parse_scope(pct + 1, close, &sin6->sin6_scope_id);
	if (rc == 0)
		rc = parse_port(close + 2, &sin6->sin6_port);
	sin6->sin6_family = AF_INET6;
	return rc;
}

static int parse_v4(const char *text, struct sockaddr_in *sin)
{
	const char *colon = strchr(text, ':');
	mio__check(colon != NULL, -EINVAL);
	int rc = parse_host(AF_INET, text, colon, &sin->sin_addr);
	if (rc == 0)
		rc = parse_port(colon + 1, &sin->sin_port);
	sin->sin_family = AF_INET;
	return rc;
}

MIO_EXPORT int mio_addr_parse(const char *text, struct sockaddr_storage *out, socklen_t *out_len)
{
	mio__check(text != NULL && out != NULL && out_len != NULL, -EINVAL);
	/* Parse into a local so that a failure leaves *out as it was. */
	union {
		struct sockaddr_in v4;
		struct sockaddr_in6 v6;
	} a;
	memset(&a, 0, sizeof(a));
	int rc;
	socklen_t len;
	if (text[0] == '[') {
		rc = parse_v6(text, &a.v6);
		len = sizeof(a.v6);
	} else {
		rc = parse_v4(text, &a.v4);
		len = sizeof(a.v4);
	}
	if (rc < 0)
		return rc;
	memset(out, 0, sizeof(*out));
	memcpy(out, &a, len);
	*out_len = len;
	return 0;
}

/* ------------------------------------------------------------------ */
/* format                                                              */
/* ------------------------------------------------------------------ */

/* Longest result: '@' and a whole sun_path, or
 * "[" v6 "%" scope "]:" port, whichever is longer; plus the NUL. */
#define FORMAT_MAX (sizeof(((struct sockaddr_un *)0)->sun_path) + 2)

static int format_v4(const struct sockaddr *addr, socklen_t len, char *out)
{
	struct sockaddr_in sin;
	mio__check(len >= (socklen_t)sizeof(sin), -EINVAL);
	memcpy(&sin, addr, sizeof(sin));
	char host[INET_ADDRSTRLEN];
	if (inet_ntop(AF_INET, &sin.sin_addr, host, sizeof(host)) == NULL)
		return -EINVAL;
	return snprintf(out, FORMAT_MAX, "%s:%u", host, (unsigned)ntohs(sin.sin_port));
}

static int format_v6(const struct sockaddr *addr, socklen_t len, char *out)
{
	struct sockaddr_in6 sin6;
	mio__check(len >= (socklen_t)sizeof(sin6), -EINVAL);
	memcpy(&sin6, addr, sizeof(sin6));
	char host[INET6_ADDRSTRLEN];
	if (inet_ntop(AF_INET6, &sin6.sin6_addr, host, sizeof(host)) == NULL)
		return -EINVAL;
	unsigned port = ntohs(sin6.sin6_port);
	if (sin6.sin6_scope_id == 0)
		return snprintf(out, FORMAT_MAX, "[%s]:%u", host, port);
	/* By name when the interface still exists (readable, and what
	 * parse takes back), by number otherwise. */
	char name[IF_NAMESIZE];
	if (if_indextoname(sin6.sin6_scope_id, name) != NULL)
		return snprintf(out, FORMAT_MAX, "[%s%%%s]:%u", host, name, port);
	return snprintf(out, FORMAT_MAX, "[%s%%%u]:%u", host,
			(unsigned)sin6.sin6_scope_id, port);
}

static int format_unix(const struct sockaddr *addr, socklen_t len, char *out)
{
	const size_t base = offsetof(struct sockaddr_un, sun_path);
	mio__check((size_t)len >= base, -EINVAL);
	/* Linux may report one byte more than sizeof(sockaddr_un) for a
	 * path that fills sun_path; there is nothing past sun_path to read. */
	size_t n = (size_t)len > sizeof(struct sockaddr_un) ? sizeof(struct sockaddr_un) : (size_t)len;
	n -= base;
	if (n == 0)
		return snprintf(out, FORMAT_MAX, "(unnamed)");
	const char *path = (const char *)addr + base;
	if (path[0] == '\0') {
		/* Abstract: the name is every byte after the NUL, NULs included,
		 * which is why the length is returned. */
		out[0] = '@';
		memcpy(out + 1, path + 1, n - 1);
		out[n] = '\0';
		return (int)n;
	}
	const char *nul = memchr(path, '\0', n);
	if (nul != NULL)
		n = (size_t)(nul - path);
	memcpy(out, path, n);
	out[n] = '\0';
	return (int)n;
}

MIO_EXPORT int mio_addr_format(const struct sockaddr *addr, socklen_t len, char *buf, size_t buf_len)
{
	mio__check(addr != NULL && buf != NULL, -EINVAL);
	mio__check(len >= (socklen_t)sizeof(sa_family_t), -EINVAL);
	sa_family_t family;
	memcpy(&family, (const char *)addr + offsetof(struct sockaddr, sa_family), sizeof(family));

	char tmp[FORMAT_MAX];
	int n;
	switch (family) {
	case AF_INET:
		n = format_v4(addr, len, tmp);
		break;
	case AF_INET6:
		n = format_v6(addr, len, tmp);
		break;
	case AF_UNIX:
		n = format_unix(addr, len, tmp);
		break;
	default:
		return -EINVAL;
	}
	if (n < 0)
		return n;
	if ((size_t)n >= buf_len) {
		/* Nothing partial: a cut-off address could pass for another. */
		if (buf_len > 0)
			buf[0] = '\0';
		return -ENOSPC;
	}
	memcpy(buf, tmp, (size_t)n + 1);
	return n;
}
