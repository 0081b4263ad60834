/* sleep:DUR: a pure wait, like a slow device. Blocking form: an absolute
 * clock_nanosleep (the thread's timer slack is set to 1 us by the worker);
 * async form: a timer in the loop's heap. */
#include <errno.h>
#include <stdio.h>
#include <time.h>

#include "base.h"
#include "step.h"

static int sleep_parse(const char *arg, struct mb_step *s, char *err, unsigned errlen)
{
	if (mb_parse_duration(arg, &s->a, 0)) {
		snprintf(err, errlen, "sleep:%s: expected a positive duration with a unit "
			 "(ns, us, ms, s), e.g. sleep:1ms", arg);
		return -EINVAL;
	}
	return 0;
}

static int sleep_run(struct mb_worker *w, struct mb_lane *lane, const struct mb_step *s)
{
	uint64_t until = mb_now_ns() + s->a;
	struct timespec ts = { .tv_sec = (time_t)(until / MB_NS_PER_S),
			       .tv_nsec = (long)(until % MB_NS_PER_S) };
	int rc;
	while ((rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL)) == EINTR)
		;
	return -rc;
}

static void sleep_fired(struct mb_op *op, int res)
{
	struct mb_lane *lane = op->data;
	lane->done(lane, res);
}

static int sleep_start_async(struct mb_worker *w, struct mb_lane *lane, const struct mb_step *s)
{
	lane->op.cb = sleep_fired;
	lane->op.data = lane;
	mb_loop_timer(w->loop, &lane->op, mb_now_ns() + s->a);
	return MB_Q_QUEUED;
}

const struct mb_step_kind mb_step_sleep = {
	.name = "sleep",
	.syntax = "sleep:DUR",
	.help = "a pure wait (clock_nanosleep; a loop timer in async modes)",
	.flags = MB_STEP_F_WAIT | MB_STEP_F_TIMED,
	.parse = sleep_parse,
	.run_blocking = sleep_run,
	.start_async = sleep_start_async,
};
