/*
 * check_fork.c - fork() while another thread is inside mio_poll_wait
 * (issue 12, finding 6), on every backend.
 *
 * On the poll(2) backend the waiting thread holds its selector's lock for
 * the whole wait; a child, which has only the thread that forked, blocked
 * for ever on that lock at its first register or free.  Each test here
 * forks with a thread of the parent blocked in mio_poll_wait, lets the
 * child do what mio_poll(3) says a child may (free inherited handles,
 * register, reregister and deregister on the inherited poll, wait on it
 * with a timeout, make a poll of its own), and waits for the child with a
 * bound: a child still running after CHILD_MS is killed and the test
 * fails.  The parent's poll must work as before.
 *
 * "The thread is inside the wait" is arranged with a short sleep after
 * starting it; a slow machine can only make a test pass wrongly (the fork
 * happening before the wait), never fail wrongly.
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHILD_MS 10000
enum { T_WAKE = 1, T_RX = 2, T_CHILD = 3, T_OWN = 4, T_CHURN = 5 };

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* CHILD_MS, stretched as Check stretches its own limits (CI's valgrind
 * step sets CK_TIMEOUT_MULTIPLIER: there each child ends with a leak
 * check that takes seconds). */
static double child_ms(void)
{
	const char *m = getenv("CK_TIMEOUT_MULTIPLIER");
	double k = m != NULL ? atof(m) : 1.0;
	return CHILD_MS * (k >= 1.0 ? k : 1.0);
}

/* Waits for pid at most child_ms(); kills it if it is still running.
 * Returns its exit status, or -1 if it had to be killed. */
static int reap_bounded(pid_t pid)
{
	int status;
	double t0 = mio_test_now_ms(), limit = child_ms();
	while (mio_test_now_ms() - t0 < limit) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		ck_assert_int_ge(r, 0);
		if (r == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		sleep_ms(5);
	}
	kill(pid, SIGKILL);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return -1;
}

/* A thread of the parent, blocked in mio_poll_wait until T_WAKE. */
struct waiter {
	mio_poll *p;
	mio_events *ev;
	pthread_t thread;
	int rc;          /* < 0: a wait failed with it */
	bool woken;      /* saw T_WAKE */
};

static void *waiter_main(void *arg)
{
	struct waiter *w = arg;
	for (int i = 0; i < 100 && !w->woken; i++) {
		int n = mio_poll_wait(w->p, w->ev, &(struct timespec){ 5, 0 });
		if (n == -EINTR)
			continue;
		if (n < 0) {
			w->rc = n;
			break;
		}
		for (int k = 0; k < n; k++)
			if (mio_event_token(mio_events_get(w->ev, (size_t)k)) == T_WAKE)
				w->woken = true;
	}
	return NULL;
}

static void waiter_start(struct waiter *w, mio_poll *p)
{
	memset(w, 0, sizeof(*w));
	w->p = p;
	ck_assert_ok(mio_events_new(8, &w->ev));
	ck_assert_int_eq(pthread_create(&w->thread, NULL, waiter_main, w), 0);
	sleep_ms(100);  /* inside poll(2) / epoll_wait(2) by now */
}

static void waiter_stop(struct waiter *w, mio_waker *wk)
{
	ck_assert_ok(mio_waker_wake(wk));
	ck_assert_int_eq(pthread_join(w->thread, NULL), 0);
	ck_assert_msg(w->rc == 0, "the parent's waiting thread failed: %s",
		      mio_test_errname(-w->rc));
	ck_assert_msg(w->woken, "the parent's waiting thread missed its wake");
	mio_events_free(w->ev);
}

/* What a child does with what it inherited; the exit code says which
 * step failed (0: none).  Only async-signal-safe-enough libmio calls and
 * _exit: no Check assertions in the child. */
static int child_steps(mio_poll *p, mio_waker *wk, mio_pipe_sender *tx, mio_pipe_receiver *rx)
{
	mio_registry *reg = mio_poll_registry(p);
	/* 1: free an inherited registered handle (the reported hang). */
	mio_pipe_receiver_free(rx);
	mio_pipe_sender_free(tx);

	/* 2: register, reregister, deregister on the inherited poll. */
	mio_pipe_sender *ctx;
	mio_pipe_receiver *crx;
	if (mio_pipe_new(&ctx, &crx) < 0)
		return 2;
	int fd = mio_pipe_receiver_fd(crx);
	if (mio_registry_register(reg, fd, T_CHILD, MIO_READABLE) < 0)
		return 3;
	if (mio_registry_reregister(reg, fd, T_CHILD, MIO_READABLE | MIO_WRITABLE) < 0)
		return 4;
	if (mio_registry_deregister(reg, fd) < 0)
		return 5;

	/* 3: a wait on the inherited poll with a timeout: nothing is ready
	 * (not -EBUSY: the parent's waiting thread is not in this process). */
	mio_events *ev;
	if (mio_events_new(8, &ev) < 0)
		return 6;
	int n = mio_poll_wait(p, ev, &(struct timespec){ 0, 50 * 1000 * 1000 });
	if (n != 0 && n != -EINTR)
		return 7;

	/* 4: a poll of the child's own, which works like any poll. */
	mio_poll *own;
	if (mio_poll_new(&own) < 0)
		return 8;
	if (mio_registry_register(mio_poll_registry(own), fd, T_OWN, MIO_READABLE) < 0)
		return 9;
	if (mio_pipe_sender_write(ctx, "c", 1) != 1)
		return 10;
	bool seen = false;
	for (int i = 0; i < 50 && !seen; i++) {
		n = mio_poll_wait(own, ev, &(struct timespec){ 0, 100 * 1000 * 1000 });
		if (n < 0 && n != -EINTR)
			return 11;
		for (int k = 0; k < n; k++)
			seen |= mio_event_token(mio_events_get(ev, (size_t)k)) == T_OWN;
	}
	if (!seen)
		return 12;

	/* 5: free everything, inherited or not. */
	mio_pipe_receiver_free(crx);
	mio_pipe_sender_free(ctx);
	mio_poll_free(own);
	mio_waker_free(wk);
	mio_events_free(ev);
	mio_poll_free(p);
	return 0;
}

START_TEST(test_fork_while_waiting)
{
	mio_poll *p;
	mio_waker *wk;
	mio_pipe_sender *tx;
	mio_pipe_receiver *rx;
	ck_assert_ok(mio_poll_new(&p));
	ck_assert_ok(mio_waker_new(mio_poll_registry(p), T_WAKE, &wk));
	ck_assert_ok(mio_pipe_new(&tx, &rx));
	ck_assert_ok(mio_registry_register(mio_poll_registry(p), mio_pipe_receiver_fd(rx), T_RX,
					   MIO_READABLE));
	struct waiter w;
	waiter_start(&w, p);

	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(child_steps(p, wk, tx, rx));
	int st = reap_bounded(pid);
	ck_assert_msg(st != -1, "the child hung (killed after %.0f ms)", child_ms());
	ck_assert_msg(st == 0, "the child failed at step %d", st);

	/* The parent: a registration reaches the wait in progress, and the
	 * waiting thread is woken as before. */
	ck_assert_ok(mio_pipe_sender_write(tx, "p", 1));
	waiter_stop(&w, wk);
	ck_assert_ok(mio_registry_deregister(mio_poll_registry(p), mio_pipe_receiver_fd(rx)));
	mio_events *ev;
	ck_assert_ok(mio_events_new(4, &ev));
	ck_assert_int_ge(mio_poll_wait(p, ev, &(struct timespec){ 0, 0 }), 0);
	mio_events_free(ev);
	mio_pipe_sender_free(tx);
	mio_pipe_receiver_free(rx);
	mio_waker_free(wk);
	mio_poll_free(p);
}
END_TEST

/* Forks over and over (8 times: each fork under valgrind copies its
 * shadow memory) while one thread waits and another registers and
 * deregisters in a loop: the fork handlers against structural changes
 * in flight.  Every child registers, frees and waits, and exits. */
struct churn {
	mio_registry *reg;
	atomic_bool stop;
	int rc;
	long rounds;
};

static void *churn_main(void *arg)
{
	struct churn *c = arg;
	while (!atomic_load(&c->stop)) {
		mio_pipe_sender *tx;
		mio_pipe_receiver *rx;
		int rc = mio_pipe_new(&tx, &rx);
		if (rc == 0)
			rc = mio_registry_register(c->reg, mio_pipe_receiver_fd(rx), T_CHURN,
						   MIO_READABLE);
		if (rc == 0)
			rc = mio_registry_deregister(c->reg, mio_pipe_receiver_fd(rx));
		mio_pipe_sender_free(tx);
		mio_pipe_receiver_free(rx);
		if (rc < 0) {
			c->rc = rc;
			break;
		}
		c->rounds++;
	}
	return NULL;
}

START_TEST(test_fork_repeatedly_during_changes)
{
	mio_poll *p;
	mio_waker *wk;
	ck_assert_ok(mio_poll_new(&p));
	ck_assert_ok(mio_waker_new(mio_poll_registry(p), T_WAKE, &wk));
	struct waiter w;
	waiter_start(&w, p);
	struct churn c = { .reg = mio_poll_registry(p) };
	pthread_t churner;
	ck_assert_int_eq(pthread_create(&churner, NULL, churn_main, &c), 0);

	for (int i = 0; i < 8; i++) {
		pid_t pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			mio_pipe_sender *tx;
			mio_pipe_receiver *rx;
			mio_events *ev;
			if (mio_pipe_new(&tx, &rx) < 0)
				_exit(1);
			if (mio_registry_register(mio_poll_registry(p), mio_pipe_receiver_fd(rx),
						  T_CHILD, MIO_READABLE) < 0)
				_exit(2);
			mio_pipe_receiver_free(rx);  /* registered: the backend forgets it */
			mio_pipe_sender_free(tx);
			if (mio_events_new(4, &ev) < 0)
				_exit(3);
			int n = mio_poll_wait(p, ev, &(struct timespec){ 0, 10 * 1000 * 1000 });
			if (n < 0 && n != -EINTR)
				_exit(n == -EBUSY ? 4 : 5);
			mio_events_free(ev);
			mio_waker_free(wk);
			mio_poll_free(p);
			_exit(0);
		}
		int st = reap_bounded(pid);
		ck_assert_msg(st != -1, "child %d hung (killed after %.0f ms)", i, child_ms());
		ck_assert_msg(st == 0, "child %d failed at step %d", i, st);
	}
	atomic_store(&c.stop, true);
	ck_assert_int_eq(pthread_join(churner, NULL), 0);
	ck_assert_msg(c.rc == 0, "the registering thread failed: %s", mio_test_errname(-c.rc));
	ck_assert_int_gt(c.rounds, 0);
	waiter_stop(&w, wk);
	mio_waker_free(wk);
	mio_poll_free(p);
}
END_TEST

/*
 * A child that waits on the inherited poll must not take the wake-ups
 * meant for the parent's waiter.  On the poll(2) backend a registration
 * interrupts the wait in progress through a private fd; a child sharing
 * that fd and draining it would leave the parent's registering thread
 * stuck until the waiter's timeout.  Here the child waits in a loop for
 * 500 ms while the parent registers and deregisters 50 times, each of
 * which must finish well before the waiter's 5 s timeout.
 */
START_TEST(test_fork_child_waits_parent_registers)
{
	mio_poll *p;
	mio_waker *wk;
	mio_pipe_sender *tx;
	mio_pipe_receiver *rx;
	ck_assert_ok(mio_poll_new(&p));
	ck_assert_ok(mio_waker_new(mio_poll_registry(p), T_WAKE, &wk));
	ck_assert_ok(mio_pipe_new(&tx, &rx));
	struct waiter w;
	waiter_start(&w, p);

	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		mio_events *ev;
		if (mio_events_new(4, &ev) < 0)
			_exit(1);
		double t0 = mio_test_now_ms();
		while (mio_test_now_ms() - t0 < 500) {
			int n = mio_poll_wait(p, ev, &(struct timespec){ 0, 10 * 1000 * 1000 });
			if (n < 0 && n != -EINTR)
				_exit(2);
		}
		_exit(0);
	}
	double worst = 0;
	for (int i = 0; i < 50; i++) {
		double t0 = mio_test_now_ms();
		ck_assert_ok(mio_registry_register(mio_poll_registry(p), mio_pipe_receiver_fd(rx),
						   T_RX, MIO_READABLE));
		ck_assert_ok(mio_registry_deregister(mio_poll_registry(p), mio_pipe_receiver_fd(rx)));
		double took = mio_test_now_ms() - t0;
		worst = took > worst ? took : worst;
		sleep_ms(10);
	}
	int st = reap_bounded(pid);
	ck_assert_msg(st == 0, "the child failed (%d)", st);
	ck_assert_msg(worst < 2000, "a registration in the parent took %.0f ms", worst);
	waiter_stop(&w, wk);
	mio_pipe_sender_free(tx);
	mio_pipe_receiver_free(rx);
	mio_waker_free(wk);
	mio_poll_free(p);
}
END_TEST

MIO_SUITE(fork)
{
	Suite *s = suite_create("fork");
	TCase *tc = mio_tcase("fork");
	tcase_add_test(tc, test_fork_while_waiting);
	tcase_add_test(tc, test_fork_repeatedly_during_changes);
	tcase_add_test(tc, test_fork_child_waits_parent_registers);
	suite_add_tcase(s, tc);
	return s;
}
