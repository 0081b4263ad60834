#include "hist.h"

#include <math.h>
#include <string.h>

void mb_hist_reset(struct mb_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

uint64_t mb_hist_bucket_low(unsigned idx)
{
	if (idx < MB_HIST_EXACT)
		return idx;
	unsigned rel = idx - MB_HIST_EXACT;
	unsigned msb = 8 + rel / MB_HIST_SUB;
	uint64_t top = MB_HIST_SUB + rel % MB_HIST_SUB;
	return top << (msb - 7);
}

uint64_t mb_hist_bucket_high(unsigned idx)
{
	if (idx < MB_HIST_EXACT)
		return idx;
	unsigned msb = 8 + (idx - MB_HIST_EXACT) / MB_HIST_SUB;
	return mb_hist_bucket_low(idx) + (1ull << (msb - 7)) - 1;
}

void mb_hist_merge(struct mb_hist *dst, const struct mb_hist *src)
{
	if (!src->count)
		return;
	for (unsigned i = 0; i < MB_HIST_BUCKETS; i++)
		dst->counts[i] += src->counts[i];
	dst->count += src->count;
	dst->overflow += src->overflow;
	dst->sum += src->sum;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
}

uint64_t mb_hist_percentile(const struct mb_hist *h, double p)
{
	if (!h->count)
		return 0;
	if (p >= 100)
		return h->max;
	/* The epsilon keeps 99.9% of 1000 at rank 999 despite rounding. */
	uint64_t rank = (uint64_t)ceil(p / 100.0 * (double)h->count - 1e-9);
	if (rank < 1)
		rank = 1;
	uint64_t seen = 0;
	for (unsigned i = 0; i < MB_HIST_BUCKETS; i++) {
		seen += h->counts[i];
		if (seen >= rank) {
			uint64_t v = mb_hist_bucket_high(i);
			if (v > h->max)
				v = h->max;
			if (v < h->min)
				v = h->min;
			return v;
		}
	}
	return h->max;
}

double mb_hist_mean(const struct mb_hist *h)
{
	return h->count ? (double)h->sum / (double)h->count : 0;
}
