/*
 * check_raw.c - mio_poll_wait_raw and mio_raw_event (libmio 1.2), on
 * every backend.
 *
 *  - the record is struct epoll_event bit for bit, and the MIO_RAW_*
 *    values are epoll's and poll's (what mio.h freezes);
 *  - a wait stores the events, at most n, writes nothing past them, and
 *    keeps mio_poll_wait's rules for timeouts, edges and -EBUSY (the two
 *    calls share the one-waiter guard);
 *  - a randomised comparison: two polls with the same registrations, one
 *    read through mio_poll_wait and the 1.0 accessors, the other through
 *    mio_poll_wait_raw and the inline readers, must report the same
 *    events after the same random I/O, round after round.  The seed is
 *    printed; MIO_RANDOM_SEED=<seed> replays a run.
 *
 * The inline readers against the library's mio_event_readiness, over
 * every flag combination, are in check_events.c (which can fill an
 * events buffer by hand).
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#ifdef HAVE_SYS_EPOLL_H
#include <sys/epoll.h>
#endif


/* ThreadSanitizer takes minutes over the shadow of a 2 GB mapping. */
#if defined(__SANITIZE_THREAD__)
#define MIO_TEST_UNDER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define MIO_TEST_UNDER_TSAN 1
#endif
#endif

static const struct timespec zero = { 0, 0 };

/* A wait of up to 10 s, retried after signals. */
static int wait_raw(mio_poll *p, mio_raw_event *out, size_t n, const struct timespec *t)
{
	int rc;
	do
		rc = mio_poll_wait_raw(p, out, n, t);
	while (rc == -EINTR);
	return rc;
}

static void socketpair_nb(int sv[2])
{
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv), 0);
}

/* ------------------------------------------------------------------ */
/* The record                                                          */
/* ------------------------------------------------------------------ */

START_TEST(test_raw_layout_is_the_kernels)
{
#ifdef HAVE_SYS_EPOLL_H
	ck_assert_uint_eq(sizeof(mio_raw_event), sizeof(struct epoll_event));
	ck_assert_uint_eq(offsetof(mio_raw_event, flags), offsetof(struct epoll_event, events));
#if defined(__x86_64__)
	ck_assert_uint_eq(offsetof(mio_raw_event, token_lo), offsetof(struct epoll_event, data));
	ck_assert_uint_eq(offsetof(mio_raw_event, token_hi), offsetof(struct epoll_event, data) + 4);
#else
	ck_assert_uint_eq(offsetof(mio_raw_event, token), offsetof(struct epoll_event, data));
#endif
	ck_assert_uint_eq(MIO_RAW_IN, EPOLLIN);
	ck_assert_uint_eq(MIO_RAW_PRI, EPOLLPRI);
	ck_assert_uint_eq(MIO_RAW_OUT, EPOLLOUT);
	ck_assert_uint_eq(MIO_RAW_ERR, EPOLLERR);
	ck_assert_uint_eq(MIO_RAW_HUP, EPOLLHUP);
	ck_assert_uint_eq(MIO_RAW_RDHUP, EPOLLRDHUP);
	/* A token the kernel wrote reads back whole. */
	struct epoll_event ev[2];
	memset(ev, 0, sizeof(ev));
	ev[1].events = EPOLLIN;
	ev[1].data.u64 = (uint64_t)(mio_token)UINTPTR_MAX - 5;
	mio_raw_event r[2];
	memcpy(r, ev, sizeof(r));
	ck_assert_uint_eq(mio_raw_event_token(&r[1]), (mio_token)UINTPTR_MAX - 5);
	ck_assert_uint_eq(mio_raw_event_readiness(&r[1]), MIO_EVENT_READABLE);
#endif
	ck_assert_uint_eq(MIO_RAW_IN, POLLIN);
	ck_assert_uint_eq(MIO_RAW_PRI, POLLPRI);
	ck_assert_uint_eq(MIO_RAW_OUT, POLLOUT);
	ck_assert_uint_eq(MIO_RAW_ERR, POLLERR);
	ck_assert_uint_eq(MIO_RAW_HUP, POLLHUP);
#ifdef POLLRDHUP
	ck_assert_uint_eq(MIO_RAW_RDHUP, POLLRDHUP);
#endif
}
END_TEST

/* Rust mio's epoll.rs definitions, written out: what every reader of a
 * record must answer for the six flags a record can carry. */
static unsigned readiness_by_definition(uint32_t f)
{
	bool in = f & MIO_RAW_IN, pri = f & MIO_RAW_PRI, out = f & MIO_RAW_OUT;
	bool err = f & MIO_RAW_ERR, hup = f & MIO_RAW_HUP, rdhup = f & MIO_RAW_RDHUP;
	return (in || pri ? MIO_EVENT_READABLE : 0) | (out ? MIO_EVENT_WRITABLE : 0) |
	       (pri ? MIO_EVENT_PRIORITY : 0) | (err ? MIO_EVENT_ERROR : 0) |
	       (hup || (in && rdhup) ? MIO_EVENT_READ_CLOSED : 0) |
	       (hup || (out && err) || f == MIO_RAW_ERR ? MIO_EVENT_WRITE_CLOSED : 0);
}

/* The inline readers (and the exported ones, where dlsym finds them) on
 * every combination of the six flags, with tokens of every width. */
START_TEST(test_raw_readers_every_flag_combination)
{
	static const uint32_t bits[] = { MIO_RAW_IN, MIO_RAW_PRI, MIO_RAW_OUT, MIO_RAW_ERR,
					 MIO_RAW_HUP, MIO_RAW_RDHUP };
	unsigned (*exported)(const mio_raw_event *) =
		(unsigned (*)(const mio_raw_event *))dlsym(RTLD_DEFAULT, "mio_raw_event_readiness");
	for (unsigned mask = 0; mask < 64; mask++) {
		uint32_t f = 0;
		for (int i = 0; i < 6; i++)
			if (mask & (1u << i))
				f |= bits[i];
		mio_raw_event rec;
		memset(&rec, 0, sizeof(rec));
		rec.flags = f;
		unsigned want = readiness_by_definition(f);
		ck_assert_msg(mio_raw_event_readiness(&rec) == want, "flags %#x: inline %#x, want %#x",
			      f, mio_raw_event_readiness(&rec), want);
		if (exported != NULL)
			ck_assert_msg(exported(&rec) == want, "flags %#x: exported %#x, want %#x", f,
				      exported(&rec), want);
	}
	/* Tokens: what the kernel or the poll(2) backend wrote, read back. */
	const uint64_t tokens[] = { 0, 1, 0xffffffffu, (uint64_t)UINTPTR_MAX,
				    (uint64_t)(mio_token)0x8000000000000001ull };
	for (size_t i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++) {
		mio_raw_event rec;
#if defined(__x86_64__)
		rec.token_lo = (uint32_t)tokens[i];
		rec.token_hi = (uint32_t)(tokens[i] >> 32);
#else
		rec.token = tokens[i];
#endif
		ck_assert_uint_eq(mio_raw_event_token(&rec), (mio_token)tokens[i]);
	}
}
END_TEST

/* The exported copies of the inline readers, as an FFI calls them: the
 * same answers, and 0 for NULL. */
START_TEST(test_raw_exported_readers)
{
	mio_token (*token)(const mio_raw_event *) =
		(mio_token (*)(const mio_raw_event *))dlsym(RTLD_DEFAULT, "mio_raw_event_token");
	unsigned (*readiness)(const mio_raw_event *) =
		(unsigned (*)(const mio_raw_event *))dlsym(RTLD_DEFAULT, "mio_raw_event_readiness");
	if (token == NULL || readiness == NULL) {
		/* A static libmio (--disable-shared) has no dynamic symbols. */
		fprintf(stderr, "check_raw: exported readers not found by dlsym (static build?): skipped\n");
		return;
	}
	ck_assert_uint_eq(token(NULL), 0);
	ck_assert_uint_eq(readiness(NULL), 0);
	mio_poll *p;
	mio_waker *w;
	mio_raw_event out[2];
	ck_assert_ok(mio_poll_new(&p));
	ck_assert_ok(mio_waker_new(mio_poll_registry(p), (mio_token)UINTPTR_MAX, &w));
	ck_assert_ok(mio_waker_wake(w));
	ck_assert_int_eq(wait_raw(p, out, 2, &(struct timespec){ 10, 0 }), 1);
	ck_assert_uint_eq(token(&out[0]), (mio_token)UINTPTR_MAX);
	ck_assert_uint_eq(mio_raw_event_token(&out[0]), (mio_token)UINTPTR_MAX);
	ck_assert_uint_eq(readiness(&out[0]), mio_raw_event_readiness(&out[0]));
	ck_assert_uint_eq(readiness(&out[0]), MIO_EVENT_READABLE);
	mio_waker_free(w);
	mio_poll_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Waiting                                                             */
/* ------------------------------------------------------------------ */

START_TEST(test_raw_wait_reports_edges)
{
	mio_poll *p;
	int sv[2];
	mio_raw_event out[4];
	ck_assert_ok(mio_poll_new(&p));
	socketpair_nb(sv);
	ck_assert_ok(mio_registry_register(mio_poll_registry(p), sv[0], 42, MIO_READABLE));
	ck_assert_int_eq(wait_raw(p, out, 4, &zero), 0);
	ck_assert_int_eq(write(sv[1], "ab", 2), 2);
	ck_assert_int_eq(wait_raw(p, out, 4, &(struct timespec){ 10, 0 }), 1);
	ck_assert_uint_eq(mio_raw_event_token(&out[0]), 42);
	ck_assert_uint_eq(mio_raw_event_readiness(&out[0]), MIO_EVENT_READABLE);
	ck_assert(out[0].flags & MIO_RAW_IN);
	/* Edge-triggered: reported once until new data. */
	ck_assert_int_eq(wait_raw(p, out, 4, &(struct timespec){ 0, 20 * 1000 * 1000 }), 0);
	char buf[8];
	ck_assert_int_eq(read(sv[0], buf, sizeof(buf)), 2);
	ck_assert_int_eq(mio_registry_reregister(mio_poll_registry(p), sv[0], 42, MIO_READABLE), 0);
	ck_assert_int_eq(wait_raw(p, out, 4, &zero), 0);
	/* A peer that shuts down its side: readable and read-closed. */
	ck_assert_int_eq(shutdown(sv[1], SHUT_WR), 0);
	ck_assert_int_eq(wait_raw(p, out, 4, &(struct timespec){ 10, 0 }), 1);
	ck_assert_uint_eq(mio_raw_event_readiness(&out[0]) &
			  (MIO_EVENT_READABLE | MIO_EVENT_READ_CLOSED),
			  MIO_EVENT_READABLE | MIO_EVENT_READ_CLOSED);
	ck_assert_ok(mio_registry_deregister(mio_poll_registry(p), sv[0]));
	close(sv[0]);
	close(sv[1]);
	mio_poll_free(p);
}
END_TEST

START_TEST(test_raw_wait_timeouts)
{
	mio_poll *p;
	mio_raw_event out[1];
	ck_assert_ok(mio_poll_new(&p));
	double t0 = mio_test_now_ms();
	ck_assert_int_eq(wait_raw(p, out, 1, &zero), 0);
	ck_assert_msg(mio_test_now_ms() - t0 < 1000, "a zero timeout blocked");
	t0 = mio_test_now_ms();
	ck_assert_int_eq(wait_raw(p, out, 1, &(struct timespec){ 0, 30 * 1000 * 1000 }), 0);
	ck_assert_msg(mio_test_now_ms() - t0 >= 25, "a 30 ms timeout returned early");
	/* Under a millisecond: rounded up, never down to a busy loop. */
	t0 = mio_test_now_ms();
	ck_assert_int_eq(wait_raw(p, out, 1, &(struct timespec){ 0, 1000 }), 0);
	ck_assert_msg(mio_test_now_ms() - t0 >= 0.5, "a 1 us timeout did not wait");
	mio_poll_free(p);
}
END_TEST

/* NULL blocks until something happens: a wake from another thread. */
static void *wake_later(void *arg)
{
	usleep(50 * 1000);
	(void)mio_waker_wake(arg);
	return NULL;
}

START_TEST(test_raw_wait_null_timeout_blocks)
{
	mio_poll *p;
	mio_waker *w;
	mio_raw_event out[2];
	pthread_t th;
	ck_assert_ok(mio_poll_new(&p));
	ck_assert_ok(mio_waker_new(mio_poll_registry(p), 7, &w));
	ck_assert_int_eq(pthread_create(&th, NULL, wake_later, w), 0);
	ck_assert_int_eq(wait_raw(p, out, 2, NULL), 1);
	ck_assert_uint_eq(mio_raw_event_token(&out[0]), 7);
	ck_assert_int_eq(pthread_join(th, NULL), 0);
	mio_waker_free(w);
	mio_poll_free(p);
}
END_TEST

/* At most n records, nothing written past them; the rest come with the
 * next waits, each source once. */
START_TEST(test_raw_wait_small_array)
{
	enum { NSRC = 5 };
	mio_poll *p;
	int sv[NSRC][2];
	ck_assert_ok(mio_poll_new(&p));
	for (int i = 0; i < NSRC; i++) {
		socketpair_nb(sv[i]);
		ck_assert_ok(mio_registry_register(mio_poll_registry(p), sv[i][0],
						   (mio_token)(100 + i), MIO_READABLE));
		ck_assert_int_eq(write(sv[i][1], "x", 1), 1);
	}
	unsigned seen = 0;
	int total = 0;
	for (int round = 0; round < NSRC + 2; round++) {
		mio_raw_event out[4];
		memset(out, 0xa5, sizeof(out));
		int n = wait_raw(p, out, 2, &zero);
		ck_assert_msg(n >= 0 && n <= 2, "wait of 2: %d", n);
		for (int k = 0; k < n; k++) {
			mio_token t = mio_raw_event_token(&out[k]);
			ck_assert_msg(t >= 100 && t < 100 + NSRC, "token %ju", (uintmax_t)t);
			ck_assert_msg(!(seen & (1u << (t - 100))), "token %ju twice", (uintmax_t)t);
			seen |= 1u << (t - 100);
		}
		total += n;
		const unsigned char *tail = (const unsigned char *)&out[n];
		for (size_t b = 0; b < sizeof(out) - (size_t)n * sizeof(out[0]); b++)
			ck_assert_msg(tail[b] == 0xa5, "byte %zu past %d records written", b, n);
	}
	ck_assert_int_eq(total, NSRC);
	ck_assert_uint_eq(seen, (1u << NSRC) - 1);
	for (int i = 0; i < NSRC; i++) {
		close(sv[i][0]);
		close(sv[i][1]);
	}
	mio_poll_free(p);
}
END_TEST

/*
 * n larger than any wait may store is clamped to that limit, not refused
 * (mio_events(3)).  epoll_wait(2) checks that the whole clamped range
 * (2 GB on x86-64) is the caller's memory, and valgrind checks it byte by
 * byte, so the array really is that large: an anonymous mapping, never
 * touched past its first record, with its own time limit (about 20 s
 * under valgrind).  Where 2 GB of address space cannot be had (32-bit
 * targets) the test says so and stops.
 */
START_TEST(test_raw_wait_huge_n)
{
#ifdef MIO_TEST_UNDER_TSAN
	fprintf(stderr, "test_raw_wait_huge_n: not run under TSan\n");
	return;
#endif
	size_t records = (size_t)INT_MAX / sizeof(mio_raw_event) + 1;
	size_t bytes = records * sizeof(mio_raw_event);
	mio_raw_event *out = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (out == MAP_FAILED) {
		fprintf(stderr, "SKIP: test_raw_wait_huge_n: no %zu bytes of address space (%s)\n",
			bytes, strerror(errno));
		return;
	}
	mio_poll *p;
	mio_waker *w;
	ck_assert_ok(mio_poll_new(&p));
	ck_assert_ok(mio_waker_new(mio_poll_registry(p), 3, &w));
	ck_assert_ok(mio_waker_wake(w));
	/* SIZE_MAX: clamped, the one pending event stored, nothing else. */
	out[1].flags = 0xdeadbeefu;
	ck_assert_int_eq(wait_raw(p, out, SIZE_MAX, &(struct timespec){ 10, 0 }), 1);
	ck_assert_uint_eq(mio_raw_event_token(&out[0]), 3);
	ck_assert_uint_eq(out[1].flags, 0xdeadbeefu);
	mio_waker_free(w);
	mio_poll_free(p);
	munmap(out, bytes);
}
END_TEST

/*
 * One waiter per poll, whichever call each thread makes: a thread inside
 * mio_poll_wait refuses mio_poll_wait_raw with -EBUSY and the other way
 * round (the two share the guard).  `raw` says which call the first
 * waiter makes.
 */
struct first_waiter {
	mio_poll *poll;
	bool raw;
	atomic_bool inside, done;
	int rc;
};

static void *first_waiter_main(void *arg)
{
	struct first_waiter *w = arg;
	mio_events *ev = NULL;
	mio_raw_event out[4];
	if (!w->raw && mio_events_new(4, &ev) < 0) {
		w->rc = -ENOMEM;
		atomic_store(&w->done, true);
		return NULL;
	}
	for (;;) {
		atomic_store(&w->inside, true);
		int n = w->raw ? mio_poll_wait_raw(w->poll, out, 4, &(struct timespec){ 10, 0 })
			       : mio_poll_wait(w->poll, ev, &(struct timespec){ 10, 0 });
		atomic_store(&w->inside, false);
		if (n == -EINTR || n == -EBUSY) {
			usleep(1000);
			continue;
		}
		w->rc = n;
		break;
	}
	mio_events_free(ev);
	atomic_store(&w->done, true);
	return NULL;
}

START_TEST(test_raw_second_waiter_busy)
{
	bool first_raw = _i == 1;
	mio_poll *p;
	mio_waker *wk;
	mio_events *ev;
	mio_raw_event out[4];
	ck_assert_ok(mio_poll_new(&p));
	ck_assert_ok(mio_events_new(4, &ev));
	ck_assert_ok(mio_waker_new(mio_poll_registry(p), 77, &wk));
	struct first_waiter w = { .poll = p, .raw = first_raw };
	pthread_t th;
	ck_assert_int_eq(pthread_create(&th, NULL, first_waiter_main, &w), 0);
	bool busy = false;
	for (int i = 0; i < 200 && !busy; i++) {
		if (!atomic_load(&w.inside)) {
			usleep(5000);
			continue;
		}
		/* The other call than the first waiter's.  `inside` is set just
		 * before the first thread's call, so ours may still come first:
		 * then it is the waiter, and only a limit brings it back (with no
		 * limit it waited for ever, once in the s390x matrix). */
		const struct timespec limit = { 0, 20 * 1000 * 1000 };
		double t0 = mio_test_now_ms();
		int n = first_raw ? mio_poll_wait(p, ev, &limit) : mio_poll_wait_raw(p, out, 4, &limit);
		ck_assert_msg(mio_test_now_ms() - t0 < 1000, "a second waiter's 20 ms wait blocked");
		ck_assert_msg(n == -EBUSY || n == 0 || n == -EINTR, "second waiter: %d", n);
		busy = n == -EBUSY;
		if (busy && first_raw)
			ck_assert_uint_eq(mio_events_len(ev), 0);
		if (busy) {
			/* No limit at all: still refused, not blocked. */
			t0 = mio_test_now_ms();
			n = first_raw ? mio_poll_wait(p, ev, NULL) : mio_poll_wait_raw(p, out, 4, NULL);
			ck_assert_msg(mio_test_now_ms() - t0 < 1000, "a second waiter blocked");
			ck_assert_int_eq(n, -EBUSY);
		}
	}
	ck_assert_msg(busy, "the second call was never refused with -EBUSY");
	ck_assert_ok(mio_waker_wake(wk));
	ck_assert_int_eq(pthread_join(th, NULL), 0);
	ck_assert_msg(w.rc == 1, "first waiter: %d", w.rc);
	/* Free again once it returned. */
	ck_assert_int_eq(mio_poll_wait_raw(p, out, 4, &zero), 0);
	ck_assert_int_eq(mio_poll_wait(p, ev, &zero), 0);
	mio_waker_free(wk);
	mio_events_free(ev);
	mio_poll_free(p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Randomised: mio_poll_wait_raw against mio_poll_wait + accessors      */
/* ------------------------------------------------------------------ */

enum { NPAIRS = 12, ROUNDS = 300 };

static uint64_t rng_state;

/* splitmix64: seeded from one number, the same sequence everywhere. */
static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static unsigned rnd_below(unsigned n)
{
	return (unsigned)(rnd() % n);
}

struct seen {
	mio_token token;
	unsigned  readiness;
};

static int seen_cmp(const void *a, const void *b)
{
	const struct seen *x = a, *y = b;
	if (x->token != y->token)
		return x->token < y->token ? -1 : 1;
	return x->readiness < y->readiness ? -1 : x->readiness > y->readiness;
}

/* The 1.0 way: the predicates, one call each, as bits. */
static unsigned readiness_by_predicates(const mio_event *e)
{
	return (mio_event_is_readable(e) ? MIO_EVENT_READABLE : 0) |
	       (mio_event_is_writable(e) ? MIO_EVENT_WRITABLE : 0) |
	       (mio_event_is_aio(e) ? MIO_EVENT_AIO : 0) |
	       (mio_event_is_lio(e) ? MIO_EVENT_LIO : 0) |
	       (mio_event_is_priority(e) ? MIO_EVENT_PRIORITY : 0) |
	       (mio_event_is_error(e) ? MIO_EVENT_ERROR : 0) |
	       (mio_event_is_read_closed(e) ? MIO_EVENT_READ_CLOSED : 0) |
	       (mio_event_is_write_closed(e) ? MIO_EVENT_WRITE_CLOSED : 0);
}

static mio_interest random_interests(void)
{
	static const mio_interest kinds[] = { MIO_READABLE, MIO_WRITABLE, MIO_PRIORITY };
	mio_interest i = 0;
	while (i == 0)
		for (int k = 0; k < 3; k++)
			if (rnd_below(2))
				i |= kinds[k];
	if (rnd_below(3) == 0)
		i |= MIO_LEVEL;
	return i;
}

static uint64_t seed_from_env(void)
{
	const char *s = getenv("MIO_RANDOM_SEED");
	if (s != NULL && *s != '\0')
		return strtoull(s, NULL, 0);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000007ull ^ (uint64_t)ts.tv_nsec ^ (uint64_t)getpid();
}

START_TEST(test_raw_random_same_events_as_accessors)
{
	uint64_t seed = seed_from_env();
	rng_state = seed;
	fprintf(stderr, "check_raw: random event sets on %s, seed %llu (replay: MIO_RANDOM_SEED=%llu)\n",
		mio_backend(), (unsigned long long)seed, (unsigned long long)seed);

	mio_poll *p1, *p2;
	mio_events *ev;
	mio_raw_event out[NPAIRS + 2];
	ck_assert_ok(mio_poll_new(&p1));
	ck_assert_ok(mio_poll_new(&p2));
	ck_assert_ok(mio_events_new(NPAIRS + 2, &ev));
	mio_registry *r1 = mio_poll_registry(p1), *r2 = mio_poll_registry(p2);
	int a[NPAIRS], b[NPAIRS];
	bool b_open[NPAIRS];
	mio_token tok[NPAIRS];
	mio_interest want[NPAIRS];
	for (int i = 0; i < NPAIRS; i++) {
		int sv[2];
		socketpair_nb(sv);
		a[i] = sv[0];
		b[i] = sv[1];
		b_open[i] = true;
		/* Tokens with high bits, distinct in their low byte. */
		tok[i] = (mio_token)((rnd() << 8) | (uint64_t)i);
		want[i] = random_interests();
		ck_assert_ok(mio_registry_register(r1, a[i], tok[i], want[i]));
		ck_assert_ok(mio_registry_register(r2, a[i], tok[i], want[i]));
	}

	char buf[65536];
	memset(buf, 'r', sizeof(buf));
	long events_total = 0;
	for (int round = 0; round < ROUNDS; round++) {
		int actions = 1 + (int)rnd_below(4);
		for (int k = 0; k < actions; k++) {
			int i = (int)rnd_below(NPAIRS);
			switch (rnd_below(9)) {
			case 0: case 1:  /* data for a */
				if (b_open[i])
					(void)!send(b[i], buf, 1 + rnd_below(64), MSG_NOSIGNAL);
				break;
			case 2:  /* out-of-band byte, where AF_UNIX has them */
				if (b_open[i])
					(void)!send(b[i], "!", 1, MSG_OOB | MSG_NOSIGNAL);
				break;
			case 3:  /* a fills its send buffer */
				while (send(a[i], buf, sizeof(buf), MSG_NOSIGNAL) > 0)
					;
				break;
			case 4:  /* the peer drains it: a writable again */
				if (b_open[i])
					while (read(b[i], buf, sizeof(buf)) > 0)
						;
				break;
			case 5:  /* a drained, then re-armed in both polls */
				while (read(a[i], buf, sizeof(buf)) > 0)
					;
				ck_assert_ok(mio_registry_reregister(r1, a[i], tok[i], want[i]));
				ck_assert_ok(mio_registry_reregister(r2, a[i], tok[i], want[i]));
				break;
			case 6:  /* new interests, mode included */
				want[i] = random_interests();
				ck_assert_ok(mio_registry_reregister(r1, a[i], tok[i], want[i]));
				ck_assert_ok(mio_registry_reregister(r2, a[i], tok[i], want[i]));
				break;
			case 7:  /* the peer stops writing, rarely hangs up */
				if (b_open[i]) {
					if (rnd_below(4) == 0) {
						close(b[i]);
						b_open[i] = false;
					} else {
						(void)shutdown(b[i], SHUT_WR);
					}
				}
				break;
			default:  /* nothing: a wait on unchanged state */
				break;
			}
		}
		int n1 = mio_poll_wait(p1, ev, &zero);
		int n2 = mio_poll_wait_raw(p2, out, NPAIRS + 2, &zero);
		ck_assert_msg(n1 >= 0 && n2 >= 0, "seed %llu round %d: waits %d, %d",
			      (unsigned long long)seed, round, n1, n2);
		struct seen s1[NPAIRS + 2], s2[NPAIRS + 2];
		for (int k = 0; k < n1; k++) {
			const mio_event *e = mio_events_get(ev, (size_t)k);
			s1[k].token = mio_event_token(e);
			s1[k].readiness = readiness_by_predicates(e);
			ck_assert_uint_eq(mio_event_readiness(e), s1[k].readiness);
		}
		for (int k = 0; k < n2; k++) {
			s2[k].token = mio_raw_event_token(&out[k]);
			s2[k].readiness = mio_raw_event_readiness(&out[k]);
			ck_assert_msg((out[k].flags & ~(MIO_RAW_IN | MIO_RAW_PRI | MIO_RAW_OUT | MIO_RAW_ERR |
							MIO_RAW_HUP | MIO_RAW_RDHUP)) == 0,
				      "seed %llu round %d: flags 0x%x", (unsigned long long)seed, round,
				      out[k].flags);
		}
		qsort(s1, (size_t)n1, sizeof(s1[0]), seen_cmp);
		qsort(s2, (size_t)n2, sizeof(s2[0]), seen_cmp);
		bool same = n1 == n2;
		for (int k = 0; same && k < n1; k++)
			same = s1[k].token == s2[k].token && s1[k].readiness == s2[k].readiness;
		if (!same) {
			fprintf(stderr, "seed %llu round %d: mio_poll_wait %d events, raw %d\n",
				(unsigned long long)seed, round, n1, n2);
			for (int k = 0; k < n1 || k < n2; k++)
				fprintf(stderr, "  %2d: %#jx/%#x   %#jx/%#x\n", k,
					k < n1 ? (uintmax_t)s1[k].token : 0, k < n1 ? s1[k].readiness : 0,
					k < n2 ? (uintmax_t)s2[k].token : 0, k < n2 ? s2[k].readiness : 0);
		}
		ck_assert_msg(same, "seed %llu round %d: the two waits differ (see above)",
			      (unsigned long long)seed, round);
		events_total += n1;
	}
	fprintf(stderr, "check_raw: %d rounds, %ld events, all equal\n", ROUNDS, events_total);
	ck_assert_int_gt(events_total, ROUNDS / 4);
	for (int i = 0; i < NPAIRS; i++) {
		close(a[i]);
		if (b_open[i])
			close(b[i]);
	}
	mio_events_free(ev);
	mio_poll_free(p1);
	mio_poll_free(p2);
}
END_TEST

MIO_SUITE(raw)
{
	Suite *s = suite_create("raw");
	TCase *tc = mio_tcase("record");
	tcase_add_test(tc, test_raw_layout_is_the_kernels);
	tcase_add_test(tc, test_raw_readers_every_flag_combination);
	tcase_add_test(tc, test_raw_exported_readers);
	suite_add_tcase(s, tc);
	tc = mio_tcase("wait");
	tcase_add_test(tc, test_raw_wait_reports_edges);
	tcase_add_test(tc, test_raw_wait_timeouts);
	tcase_add_test(tc, test_raw_wait_null_timeout_blocks);
	tcase_add_test(tc, test_raw_wait_small_array);
	tcase_add_loop_test(tc, test_raw_second_waiter_busy, 0, 2);
	suite_add_tcase(s, tc);
	/* Its own time limit: valgrind checks the 2 GB array byte by byte. */
	tc = mio_tcase("huge");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_raw_wait_huge_n);
	suite_add_tcase(s, tc);
	tc = mio_tcase("random");
	tcase_add_test(tc, test_raw_random_same_events_as_accessors);
	suite_add_tcase(s, tc);
	return s;
}
