/*
 * fuzz_api.c - libFuzzer target driving random sequences of libmio calls.
 *
 * The input is a program: each op is one byte (which call) followed by
 * argument bytes, on a small set of slots holding Unix stream pairs
 * (mio_unix_stream_pair), pipes and wakers, all around one poll.  A model
 * kept alongside says what each call must return, and checks:
 *
 *  - register/reregister/deregister answer as the registration model says
 *    (-EEXIST, -ENOENT, -EINVAL for bad interests, -EOPNOTSUPP for AIO/LIO);
 *  - a zero-timeout wait returns 0..capacity events, each carrying a token
 *    that was registered at some point (stale ones are allowed, invented
 *    ones are not), and mio_events_get stops at len; the same for
 *    mio_poll_wait_raw (1.2) into an array of random size, which writes
 *    nothing past what it returns, carries only the six MIO_RAW_* flags,
 *    and refuses n == 0; registrations may be level-triggered (MIO_LEVEL);
 *  - every byte read is the next byte written on that channel (a FIFO per
 *    direction), EOF comes only after shutdown or close and after the
 *    last byte, and writes after the peer closed give -EPIPE;
 *  - a constructor given a bad argument fails and leaves every
 *    out-pointer it was given NULL, whatever it held before;
 *  - after the input, everything freed, the process has exactly the fds
 *    it had before (no leak), and ASan/LSan/UBSan have seen nothing.
 *
 * SPDX-License-Identifier: MIT
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "mio.h"

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

enum { N_CHAN = 4, N_WAKER = 2, FIFO_CAP = 1 << 16, MAX_OPS = 256 };

/* One direction of a channel, as the model sees it. */
struct dir {
	unsigned char *fifo;  /* written, not yet read */
	size_t head, len;
	bool write_closed;    /* writer shut down or freed: EOF after fifo */
	bool reader_gone;     /* writes must fail with -EPIPE */
	bool may_reset;       /* writer closed with bytes it had not read:
	                       * Linux reports ECONNRESET to the reader
	                       * (unix_release_sock), once its queue is empty */
};

/* A stream pair (two ends, two directions) or a pipe (one direction). */
struct chan {
	bool used, is_pipe;
	mio_unix_stream *a, *b;      /* a -> b is d[0], b -> a is d[1] */
	mio_pipe_sender *tx;
	mio_pipe_receiver *rx;
	struct dir d[2];
	bool reg[2];                 /* end a / b (or rx / tx) registered */
	int fd[2];
};

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	CHECK(d != NULL);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n - 1;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
#define POISON(o) ((o) = (void *)0x1)

static void bad_constructor(unsigned which)
{
	mio_pipe_sender *tx;
	mio_pipe_receiver *rx;
	mio_unix_stream *sa, *sb;
	mio_unix_datagram *da, *db;
	mio_events *ev;
	mio_waker *w;
	mio_registry *r;
	POISON(tx), POISON(rx), POISON(sa), POISON(sb), POISON(da), POISON(db);
	POISON(ev), POISON(w), POISON(r);
	switch (which % 10) {
	case 0: CHECK(mio_pipe_new(NULL, &rx) == -EINVAL); break;
	case 1: CHECK(mio_pipe_new(&tx, NULL) == -EINVAL); break;
	case 2: CHECK(mio_pipe_new((mio_pipe_sender **)&rx, &rx) == -EINVAL); break;
	case 3: CHECK(mio_unix_stream_pair(NULL, &sb) == -EINVAL); break;
	case 4: CHECK(mio_unix_stream_pair(&sa, &sa) == -EINVAL); break;
	case 5: CHECK(mio_unix_datagram_pair(&da, NULL) == -EINVAL); break;
	case 6: CHECK(mio_events_new(0, &ev) == -EINVAL); break;
	case 7: CHECK(mio_waker_new(NULL, 1, &w) == -EINVAL); break;
	case 8: CHECK(mio_registry_try_clone(NULL, &r) == -EINVAL); break;
	case 9: CHECK(mio_pipe_receiver_from_fd(-1, &rx) == -EBADF); break;
	}
	/* Untouched ones are still poisoned; the ones passed must be NULL. */
	switch (which % 10) {
	case 0: case 2: case 9: CHECK(rx == NULL); break;
	case 1: CHECK(tx == NULL); break;
	case 3: CHECK(sb == NULL); break;
	case 4: CHECK(sa == NULL); break;
	case 5: CHECK(da == NULL); break;
	case 6: CHECK(ev == NULL); break;
	case 7: CHECK(w == NULL); break;
	case 8: CHECK(r == NULL); break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* Pipes raise SIGPIPE by design (mio_pipe(3)); the model expects
	 * -EPIPE instead. */
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

/* Input reader: past the end every byte is 0. */
struct in {
	const uint8_t *p;
	size_t n;
};

static unsigned byte(struct in *in)
{
	if (in->n == 0)
		return 0;
	in->n--;
	return *in->p++;
}

static void dir_push(struct dir *d, const unsigned char *buf, size_t n)
{
	CHECK(d->len + n <= FIFO_CAP);
	for (size_t i = 0; i < n; i++)
		d->fifo[(d->head + d->len + i) % FIFO_CAP] = buf[i];
	d->len += n;
}

/* Checks that what was read is the front of the FIFO, and pops it. */
static void dir_pop(struct dir *d, const unsigned char *buf, size_t n)
{
	CHECK(n <= d->len);
	for (size_t i = 0; i < n; i++)
		CHECK(buf[i] == d->fifo[(d->head + i) % FIFO_CAP]);
	d->head = (d->head + n) % FIFO_CAP;
	d->len -= n;
}

static mio_token token_of(int chan, int end)
{
	return (mio_token)(100 + chan * 2 + end);
}

static void chan_free(struct chan *c)
{
	if (c->is_pipe) {
		mio_pipe_sender_free(c->tx);
		mio_pipe_receiver_free(c->rx);
	} else {
		mio_unix_stream_free(c->a);
		mio_unix_stream_free(c->b);
	}
	free(c->d[0].fifo);
	free(c->d[1].fifo);
	memset(c, 0, sizeof(*c));
}

static bool end_alive(const struct chan *c, int end)
{
	if (c->is_pipe)
		return end == 0 ? c->rx != NULL : c->tx != NULL;
	return end == 0 ? c->a != NULL : c->b != NULL;
}

/* The direction `end` writes into, and the one it reads from.  For a
 * pipe, end 0 is the receiver (reads d[0]) and end 1 the sender. */
static struct dir *dir_out(struct chan *c, int end) { return &c->d[c->is_pipe ? 0 : end]; }
static struct dir *dir_in(struct chan *c, int end) { return &c->d[c->is_pipe ? 0 : 1 - end]; }

static ssize_t do_write(struct chan *c, int end, const unsigned char *buf, size_t n)
{
	if (c->is_pipe)
		return mio_pipe_sender_write(c->tx, buf, n);
	return mio_unix_stream_write(end == 0 ? c->a : c->b, buf, n);
}

static ssize_t do_read(struct chan *c, int end, unsigned char *buf, size_t n)
{
	if (c->is_pipe)
		return mio_pipe_receiver_read(c->rx, buf, n);
	return mio_unix_stream_read(end == 0 ? c->a : c->b, buf, n);
}

/* A token a wait reported: a live waker's, or one of a channel end that
 * was registered at some point (stale ones are allowed, invented ones are
 * not). */
static void check_token(mio_token t, mio_waker *const w[N_WAKER], const bool *ever_registered)
{
	if (t == 10 || t == 11) {
		CHECK(w[t - 10] != NULL);
		return;
	}
	CHECK(t >= 100 && t < 100 + N_CHAN * 2);
	CHECK(ever_registered[t - 100]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Per input, not once: libFuzzer itself opens and closes files
	 * between inputs (corpus, artifacts, the leak checker). */
	int fds_at_start = count_fds();

	struct in in = { data, size };
	mio_poll *p = NULL;
	mio_events *ev = NULL;
	mio_registry *clone = NULL;
	mio_waker *w[N_WAKER] = { NULL };
	struct chan ch[N_CHAN];
	memset(ch, 0, sizeof(ch));
	static unsigned char buf[4096];
	bool ever_registered[N_CHAN * 2] = { false };

	CHECK(mio_poll_new(&p) == 0);
	size_t cap = 1 + byte(&in) % 16;
	CHECK(mio_events_new(cap, &ev) == 0);

	for (int op = 0; op < MAX_OPS && in.n > 0; op++) {
		unsigned code = byte(&in) % 16;
		int k = (int)(byte(&in) % N_CHAN);
		int end = (int)(byte(&in) & 1);
		struct chan *c = &ch[k];
		mio_registry *reg = (clone && (byte(&in) & 1)) ? clone : mio_poll_registry(p);

		switch (code) {
		case 0:  /* new stream pair */
		case 1:  /* new pipe */
			if (c->used)
				break;
			c->is_pipe = code == 1;
			if (c->is_pipe) {
				CHECK(mio_pipe_new(&c->tx, &c->rx) == 0);
				c->fd[0] = mio_pipe_receiver_fd(c->rx);
				c->fd[1] = mio_pipe_sender_fd(c->tx);
			} else {
				CHECK(mio_unix_stream_pair(&c->a, &c->b) == 0);
				c->fd[0] = mio_unix_stream_fd(c->a);
				c->fd[1] = mio_unix_stream_fd(c->b);
			}
			c->d[0].fifo = malloc(FIFO_CAP);
			c->d[1].fifo = malloc(FIFO_CAP);
			CHECK(c->d[0].fifo && c->d[1].fifo);
			c->used = true;
			break;

		case 2:  /* register */
		case 3: { /* reregister */
			/* Bits 0-4 interests, 5 MIO_LEVEL, 6 unknown. */
			mio_interest interests = byte(&in) & 0x7f;
			if (!c->used || !end_alive(c, end))
				break;
			int rc = code == 2
				? mio_registry_register(reg, c->fd[end], token_of(k, end), interests)
				: mio_registry_reregister(reg, c->fd[end], token_of(k, end), interests);
			if ((interests & 0x1fu) == 0 || (interests & ~0x3fu))
				CHECK(rc == -EINVAL);
			else if (interests & (MIO_AIO | MIO_LIO))
				CHECK(rc == -EOPNOTSUPP);
			else if (code == 2)
				CHECK(rc == (c->reg[end] ? -EEXIST : 0));
			else
				CHECK(rc == (c->reg[end] ? 0 : -ENOENT));
			if (rc == 0) {
				c->reg[end] = true;
				ever_registered[k * 2 + end] = true;
			}
			break;
		}

		case 4:  /* deregister */
			if (!c->used || !end_alive(c, end))
				break;
			CHECK(mio_registry_deregister(reg, c->fd[end]) == (c->reg[end] ? 0 : -ENOENT));
			c->reg[end] = false;
			break;

		case 5: { /* wake (making the waker on first use) */
			int i = end;
			if (w[i] == NULL)
				CHECK(mio_waker_new(reg, (mio_token)(10 + i), &w[i]) == 0);
			CHECK(mio_waker_wake(w[i]) == 0);
			break;
		}

		case 6: { /* wait, zero timeout */
			struct timespec zero = { 0, 0 };
			int n = mio_poll_wait(p, ev, &zero);
			CHECK(n >= 0 && (size_t)n <= cap);
			CHECK(mio_events_len(ev) == (size_t)n);
			CHECK(mio_events_get(ev, (size_t)n) == NULL);
			for (int i = 0; i < n; i++)
				check_token(mio_event_token(mio_events_get(ev, (size_t)i)), w,
					    ever_registered);
			break;
		}

		case 7: { /* write */
			size_t n = (byte(&in) << 4) % sizeof(buf);
			if (!c->used || !end_alive(c, end) || (c->is_pipe && end == 0))
				break;
			for (size_t i = 0; i < n; i++)
				buf[i] = (unsigned char)byte(&in);
			struct dir *d = dir_out(c, end);
			if (d->len + n > FIFO_CAP)
				break;
			ssize_t r = do_write(c, end, buf, n);
			if (n == 0) {
				/* Nothing to send: 0, or the error a send would get. */
				CHECK(r == 0 || r == -EPIPE || r == -EAGAIN);
			} else if (d->reader_gone) {
				CHECK(r == -EPIPE);
			} else if (d->write_closed) {
				CHECK(r == -EPIPE);
			} else {
				CHECK(r == -EAGAIN || (r >= 0 && (size_t)r <= n));
				if (r > 0)
					dir_push(d, buf, (size_t)r);
			}
			break;
		}

		case 8: { /* read */
			size_t n = 1 + (byte(&in) << 4) % sizeof(buf);
			if (!c->used || !end_alive(c, end) || (c->is_pipe && end == 1))
				break;
			struct dir *d = dir_in(c, end);
			ssize_t r = do_read(c, end, buf, n);
			if (r > 0) {
				dir_pop(d, buf, (size_t)r);
			} else if (r == 0) {
				CHECK(d->write_closed && d->len == 0);
			} else if (r == -ECONNRESET) {
				CHECK(d->may_reset && d->len == 0);
			} else {
				/* Nothing to read yet: only while the model agrees. */
				CHECK(r == -EAGAIN);
				CHECK(d->len == 0 && !d->write_closed);
			}
			break;
		}

		case 9: /* free one end */
			if (!c->used || !end_alive(c, end))
				break;
			if (c->is_pipe) {
				if (end == 0) {
					mio_pipe_receiver_free(c->rx);
					c->rx = NULL;
					c->d[0].reader_gone = true;
				} else {
					mio_pipe_sender_free(c->tx);
					c->tx = NULL;
					c->d[0].write_closed = true;
				}
			} else {
				mio_unix_stream_free(end == 0 ? c->a : c->b);
				if (end == 0)
					c->a = NULL;
				else
					c->b = NULL;
				dir_out(c, end)->write_closed = true;
				dir_out(c, end)->may_reset |= dir_in(c, end)->len > 0;
				dir_in(c, end)->reader_gone = true;
			}
			c->reg[end] = false;
			if (!end_alive(c, 0) && !end_alive(c, 1))
				chan_free(c);
			break;

		case 10: /* shutdown(SHUT_WR) on a stream end */
			if (!c->used || c->is_pipe || !end_alive(c, end))
				break;
			CHECK(mio_unix_stream_shutdown(end == 0 ? c->a : c->b, SHUT_WR) == 0);
			dir_out(c, end)->write_closed = true;
			break;

		case 11: /* events buffer: clear or replace */
			if (byte(&in) & 1) {
				mio_events_clear(ev);
				CHECK(mio_events_len(ev) == 0 && mio_events_is_empty(ev));
			} else {
				mio_events_free(ev);
				cap = 1 + byte(&in) % 16;
				CHECK(mio_events_new(cap, &ev) == 0);
				CHECK(mio_events_capacity(ev) == cap);
			}
			break;

		case 12: /* registry clone: make or drop */
			if (clone == NULL) {
				CHECK(mio_registry_try_clone(mio_poll_registry(p), &clone) == 0);
			} else {
				mio_registry_free(clone);
				clone = NULL;
			}
			break;

		case 13: /* free a waker */
			mio_waker_free(w[end]);
			w[end] = NULL;
			break;

		case 15: { /* the one-call wait, zero timeout, n of 0..16 */
			struct timespec zero = { 0, 0 };
			static mio_raw_event out[17];
			size_t want = byte(&in) % 17;
			memset(out, 0xee, sizeof(out));
			bool null_out = want == 16 && (byte(&in) & 1);
			int n = mio_poll_wait_raw(p, null_out ? NULL : out, want, &zero);
			if (want == 0 || null_out) {
				CHECK(n == -EINVAL);
				break;
			}
			CHECK(n >= 0 && (size_t)n <= want);
			const unsigned char *tail = (const unsigned char *)&out[n];
			for (size_t b = 0; b < sizeof(out) - (size_t)n * sizeof(out[0]); b++)
				CHECK(tail[b] == 0xee);
			for (int i = 0; i < n; i++) {
				CHECK((out[i].flags & ~(MIO_RAW_IN | MIO_RAW_PRI | MIO_RAW_OUT | MIO_RAW_ERR |
							MIO_RAW_HUP | MIO_RAW_RDHUP)) == 0);
				CHECK((mio_raw_event_readiness(&out[i]) & ~0xffu) == 0);
				check_token(mio_raw_event_token(&out[i]), w, ever_registered);
			}
			break;
		}

		case 14: /* a constructor with a bad argument: every out-pointer
			  * it was given, poisoned here, must come back NULL
			  * (API.md; issue 12 finding 14) */
			bad_constructor(byte(&in));
			break;
		}
	}

	for (int k = 0; k < N_CHAN; k++)
		if (ch[k].used)
			chan_free(&ch[k]);
	for (int i = 0; i < N_WAKER; i++)
		mio_waker_free(w[i]);
	mio_registry_free(clone);
	mio_events_free(ev);
	mio_poll_free(p);
	CHECK(count_fds() == fds_at_start);
	return 0;
}
