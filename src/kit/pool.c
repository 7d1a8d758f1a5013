/* The worker pool of bk_kit_build: worker processes forked once, each
 * handed one job (a ballot's index) at a time through a pipe, in the
 * order given, and answering through another with a reply and its
 * messages. A worker that dies is reported, its job failed, and no
 * further job is handed to it. docs/kits.md. */
#define _GNU_SOURCE
#include "kit/kit-private.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diag/diag-private.h"

#define IDLE ((size_t)-1)

typedef struct slot {
	pid_t pid;
	int to, from;
	size_t job; /* IDLE when it has none */
	bool alive;
} slot;

typedef struct pool {
	const bki_kit_pool_ops *ops;
	const size_t *todo;
	size_t ntodo, next; /* next: the first job not handed out */
	slot *w;
	int jobs, alive;
	struct pollfd *pf; /* collect's, made before any worker starts */
	int *map;
} pool;

int bki_kit_pool_next(int in, size_t *job)
{
	return bki_fd_read_all(in, job, sizeof *job) ? 0 : -1;
}

int bki_kit_pool_reply(int out, const bki_kit_reply *r, const char *msg)
{
	return bki_fd_write_all(out, r, sizeof *r) &&
	       bki_fd_write_all(out, msg, r->msglen) ? 0 : -1;
}

int bki_kit_pool_log(int out, const char *packed, size_t len)
{
	bki_kit_reply r = {0, BK_OK, 0, 0, len, true};
	return bki_kit_pool_reply(out, &r, packed);
}

int bki_kit_pool_cores(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)n : 1;
}

/* In worker k: closes what belongs to the parent and the other workers,
 * runs the work and leaves. */
static _Noreturn void in_worker(pool *p, int k, int in, int out)
{
	for (int j = 0; j < k; j++) {
		close(p->w[j].to);
		close(p->w[j].from);
	}
	signal(SIGPIPE, SIG_IGN);
	/* the parent's list: the worker's own helpers must not inherit it */
	free(p->w);
	p->ops->work(p->ops->arg, in, out);
	_exit(0);
}

/* Forks worker k with its two pipes. */
static bk_status start_worker(pool *p, int k, bk_diags *diags)
{
	int a[2], r[2];
	if (pipe2(a, O_CLOEXEC)) {
		bki_diags_add(diags, BK_ERROR, "system", "", 0, 0, "",
		             "cannot start a worker: %s", strerror(errno));
		return BK_ERR_IO;
	}
	if (pipe2(r, O_CLOEXEC)) {
		bki_diags_add(diags, BK_ERROR, "system", "", 0, 0, "",
		             "cannot start a worker: %s", strerror(errno));
		close(a[0]);
		close(a[1]);
		return BK_ERR_IO;
	}
	pid_t pid = fork();
	if (pid == 0) {
		close(a[1]);
		close(r[0]);
		in_worker(p, k, a[0], r[1]);
	}
	int err = errno;
	close(a[0]);
	close(r[1]);
	if (pid < 0) {
		close(a[1]);
		close(r[0]);
		bki_diags_add(diags, BK_ERROR, "system", "", 0, 0, "",
		             "cannot start a worker: %s", strerror(err));
		return BK_ERR_IO;
	}
	p->w[k] = (slot){pid, a[1], r[0], IDLE, true};
	p->alive++;
	return BK_OK;
}

/* Hands the next job, if any, to the worker s. */
static void hand_out(pool *p, slot *s)
{
	s->job = IDLE;
	if (s->alive && p->next < p->ntodo &&
	    bki_fd_write_all(s->to, &p->todo[p->next], sizeof(size_t)))
		s->job = p->todo[p->next++];
}

/* The worker s stopped before it answered: its job fails with what
 * stopped it. Returns the message, malloc'd. */
static char *worker_lost(pool *p, slot *s, bki_kit_reply *r)
{
	p->ops->lost(p->ops->arg, s->job, s->pid);
	int wst = 0;
	waitpid(s->pid, &wst, 0);
	s->alive = false;
	p->alive--;
	bki_buf m = {0};
	if (WIFSIGNALED(wst))
		bki_buf_printf(&m, "error: the worker building it was "
		                  "killed by signal %d\n", WTERMSIG(wst));
	else
		bki_buf_printf(&m, "error: the worker building it "
		                  "stopped (exit %d)\n", WEXITSTATUS(wst));
	*r = (bki_kit_reply){s->job, BK_ERR_IO, 0, 0, 0, false};
	return bki_buf_steal(&m);
}

/* Reads the reply of the worker s, passes it on and hands s the next
 * job; or a diagnostic it sent ahead of its reply, passed on alone. */
static void take_reply(pool *p, slot *s)
{
	bki_kit_reply r;
	char *msg = NULL;
	bool got = bki_fd_read_all(s->from, &r, sizeof r);
	if (got && !(msg = bki_malloc(r.msglen + 1))) {
		/* no memory for the messages: read past them, the kit's
		 * status stands without them */
		char skip[4096];
		for (size_t left = r.msglen; got && left;) {
			size_t n = left < sizeof skip ? left : sizeof skip;
			got = bki_fd_read_all(s->from, skip, n);
			left -= n;
		}
	} else if (got) {
		got = bki_fd_read_all(s->from, msg, r.msglen);
		msg[got ? r.msglen : 0] = '\0';
	}
	if (got && r.log) {
		p->ops->log(p->ops->arg, msg, r.msglen);
		free(msg);
		return;
	}
	if (!got) {
		free(msg);
		msg = worker_lost(p, s, &r);
	}
	r.job = s->job;
	p->ops->done(p->ops->arg, &r, msg);
	free(msg);
	hand_out(p, s);
}

/* Waits for the replies of the workers that have a job until none has
 * one. */
static void collect(pool *p)
{
	struct pollfd *pf = p->pf;
	int *map = p->map;
	while (p->alive > 0) {
		int np = 0;
		for (int k = 0; k < p->jobs; k++)
			if (p->w[k].alive && p->w[k].job != IDLE) {
				pf[np] = (struct pollfd){p->w[k].from, POLLIN, 0};
				map[np++] = k;
			}
		if (!np)
			break;
		if (poll(pf, (nfds_t)np, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int q = 0; q < np; q++)
			if (pf[q].revents)
				take_reply(p, &p->w[map[q]]);
	}
}

/* Closes the pipes of every worker started, which ends their loop, and
 * waits for those alive. */
static void stop_workers(pool *p)
{
	for (int k = 0; k < p->jobs; k++) {
		if (p->w[k].pid <= 0)
			continue;
		close(p->w[k].to);
		close(p->w[k].from);
		if (p->w[k].alive)
			waitpid(p->w[k].pid, NULL, 0);
	}
}

bk_status bki_kit_pool_run(int jobs, const size_t *todo, size_t ntodo,
                          const bki_kit_pool_ops *ops, size_t *handed,
                          bk_diags *diags)
{
	if ((size_t)jobs > ntodo)
		jobs = (int)ntodo;
	pool p = {.ops = ops, .todo = todo, .ntodo = ntodo, .jobs = jobs};
	p.w = bki_calloc((size_t)jobs + 1, sizeof *p.w);
	p.pf = bki_calloc((size_t)jobs + 1, sizeof *p.pf);
	p.map = bki_calloc((size_t)jobs + 1, sizeof *p.map);
	if (!p.w || !p.pf || !p.map) {
		free(p.w);
		free(p.pf);
		free(p.map);
		*handed = 0;
		return bki_diags_nomem(diags, "", "", "starting the workers");
	}
	bk_status st = BK_OK;
	fflush(NULL);
	for (int k = 0; k < jobs && st == BK_OK; k++)
		st = start_worker(&p, k, diags);
	void (*old_pipe)(int) = signal(SIGPIPE, SIG_IGN);
	/* jobs are handed out one at a time, in their order */
	for (int k = 0; k < jobs && st == BK_OK; k++)
		hand_out(&p, &p.w[k]);
	collect(&p);
	stop_workers(&p);
	signal(SIGPIPE, old_pipe);
	free(p.w);
	free(p.pf);
	free(p.map);
	*handed = p.next;
	return st;
}
