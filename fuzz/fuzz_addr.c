/*
 * fuzz_addr.c - libFuzzer target for mio_addr_parse and mio_addr_format.
 *
 * Three things per input:
 *  1. the input as text to parse: it either fails with -EINVAL leaving
 *     *out untouched, or gives an AF_INET/AF_INET6 address whose
 *     formatted form parses back to the same address;
 *  2. the input as raw sockaddr bytes of an arbitrary length (the buffer
 *     is exactly that long, so ASan sees any read past it), formatted
 *     into a buffer of arbitrary size: -EINVAL, -ENOSPC, or a
 *     NUL-terminated string of the returned length, that for the inet
 *     families parses back to the same host, port and scope;
 *  3. every buffer size below the needed one gives -ENOSPC, never a
 *     truncated string.
 *
 * SPDX-License-Identifier: MIT
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include "mio.h"

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

static void check_same_inet(const struct sockaddr *a, const struct sockaddr_storage *b,
			    socklen_t blen)
{
	CHECK(b->ss_family == a->sa_family);
	if (a->sa_family == AF_INET) {
		struct sockaddr_in x, y;
		memcpy(&x, a, sizeof(x));
		memcpy(&y, b, sizeof(y));
		CHECK(blen == sizeof(y));
		CHECK(x.sin_port == y.sin_port && x.sin_addr.s_addr == y.sin_addr.s_addr);
	} else {
		struct sockaddr_in6 x, y;
		memcpy(&x, a, sizeof(x));
		memcpy(&y, b, sizeof(y));
		CHECK(blen == sizeof(y));
		CHECK(x.sin6_port == y.sin6_port);
		CHECK(memcmp(&x.sin6_addr, &y.sin6_addr, sizeof(x.sin6_addr)) == 0);
		CHECK(x.sin6_scope_id == y.sin6_scope_id);
	}
}

/* Formats and checks the result; returns its length or the error. */
static int format_checked(const struct sockaddr *sa, socklen_t len, size_t buf_len)
{
	char *buf = malloc(buf_len ? buf_len : 1);
	CHECK(buf != NULL);
	int n = mio_addr_format(sa, len, buf, buf_len);
	CHECK(n == -EINVAL || n == -ENOSPC || n >= 0);
	if (n >= 0) {
		CHECK((size_t)n < buf_len && buf[n] == '\0');
		/* Smaller buffers: all -ENOSPC, nothing partial. */
		for (size_t small = 0; small <= (size_t)n; small += 1 + (size_t)n / 8) {
			char *sb = malloc(small ? small : 1);
			CHECK(sb != NULL);
			CHECK(mio_addr_format(sa, len, sb, small) == -ENOSPC);
			CHECK(small == 0 || sb[0] == '\0');
			free(sb);
		}
		if (sa->sa_family == AF_INET || sa->sa_family == AF_INET6) {
			struct sockaddr_storage back;
			socklen_t back_len = 0;
			CHECK(mio_addr_parse(buf, &back, &back_len) == 0);
			check_same_inet(sa, &back, back_len);
		}
	} else if (n == -ENOSPC && buf_len > 0) {
		CHECK(buf[0] == '\0');
	}
	free(buf);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* 1. Text. */
	char *text = malloc(size + 1);
	CHECK(text != NULL);
	memcpy(text, data, size);
	text[size] = '\0';
	struct sockaddr_storage ss;
	memset(&ss, 0xa5, sizeof(ss));
	socklen_t len = 0x5a5a;
	int rc = mio_addr_parse(text, &ss, &len);
	if (rc == 0) {
		CHECK((ss.ss_family == AF_INET && len == sizeof(struct sockaddr_in)) ||
		      (ss.ss_family == AF_INET6 && len == sizeof(struct sockaddr_in6)));
		CHECK(format_checked((struct sockaddr *)&ss, len, 128) > 0);
	} else {
		CHECK(rc == -EINVAL);
		/* A failed parse leaves its outputs alone. */
		CHECK(len == 0x5a5a);
		for (size_t i = 0; i < sizeof(ss); i++)
			CHECK(((unsigned char *)&ss)[i] == 0xa5);
	}
	free(text);

	/* 2. Raw bytes: [len lo][len hi][buf_len][sockaddr bytes...]. */
	if (size >= 3) {
		socklen_t alen = (socklen_t)(data[0] | (data[1] << 8)) % (sizeof(struct sockaddr_un) + 16);
		size_t buf_len = data[2];
		size_t have = size - 3;
		unsigned char *raw = malloc(alen ? alen : 1);
		CHECK(raw != NULL);
		/* Exactly alen bytes, the input repeated if it is shorter. */
		for (socklen_t i = 0; i < alen; i++)
			raw[i] = have ? data[3 + i % have] : 0;
		format_checked((struct sockaddr *)raw, alen, buf_len);
		free(raw);
	}
	return 0;
}
