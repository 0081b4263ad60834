/* The step kinds' registry and the context helpers of the step API. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "step.h"

const struct mb_step_kind *const mb_step_kinds[] = {
#define MB_STEP_REF(name) &mb_step_##name,
	MB_STEP_KINDS(MB_STEP_REF)
#undef MB_STEP_REF
};
const unsigned mb_step_nkinds = sizeof(mb_step_kinds) / sizeof(mb_step_kinds[0]);

const struct mb_step_kind *mb_step_find(const char *name, unsigned len)
{
	for (unsigned i = 0; i < mb_step_nkinds; i++)
		if (strlen(mb_step_kinds[i]->name) == len &&
		    !memcmp(mb_step_kinds[i]->name, name, len))
			return mb_step_kinds[i];
	return NULL;
}

void *mb_step_buffer(struct mb_worker *w, size_t len, size_t align, bool huge)
{
	const struct mb_mem_ops *m = w->run->mem;
	void *p = NULL;
	int rc;
	if (m)
		return m->alloc(w, len, align, huge);
	if ((rc = posix_memalign(&p, align, len))) {
		errno = rc;
		return NULL;
	}
	if (huge)
		madvise(p, len, MADV_HUGEPAGE);
	return p;
}

void mb_step_buffer_placed(struct mb_worker *w, const void *p, size_t len)
{
	if (w->run->mem)
		w->run->mem->placed(w, p, len);
}

void mb_step_buffer_free(struct mb_worker *w, void *p, size_t len)
{
	if (w->run->mem)
		w->run->mem->free(w, p, len);
	else
		free(p);
}

void mb_worker_fail(struct mb_worker *w, int err, const char *fmt, ...)
{
	va_list ap;
	if (w->error)
		return;
	w->error = err ? err : -EIO;
	va_start(ap, fmt);
	vsnprintf(w->errmsg, sizeof(w->errmsg), fmt, ap);
	va_end(ap);
	/* Out of file descriptors: say which limit to raise. */
	size_t n = strlen(w->errmsg);
	struct rlimit rl;
	if (err == -EMFILE && getrlimit(RLIMIT_NOFILE, &rl) == 0)
		snprintf(w->errmsg + n, sizeof(w->errmsg) - n,
			 " (raise the open-file limit, ulimit -n: now %llu)",
			 (unsigned long long)rl.rlim_cur);
	else if (err == -ENFILE)
		snprintf(w->errmsg + n, sizeof(w->errmsg) - n,
			 " (the system's open-file table is full: raise fs.file-max)");
}
