/* Log-linear latency histogram in the manner of HdrHistogram: values below
 * 256 ns are exact, above that every power of two is split into 128 linear
 * buckets, so a recorded value is known to within 1/128 (< 0.8%) from 1 ns
 * to 2^42 ns (73 minutes). The struct is fixed-size and flat so it can live
 * in per-worker memory, in a MAP_SHARED region for forked workers, and be
 * merged by plain addition. Recording allocates nothing and touches one
 * counter plus the header. */
#ifndef MB_HIST_H
#define MB_HIST_H

#include <stdbool.h>
#include <stdint.h>

#define MB_HIST_SUB 128u		/* linear buckets per power of two */
#define MB_HIST_EXACT (2 * MB_HIST_SUB) /* values below are stored exactly */
#define MB_HIST_MAX_BIT 42		/* values up to 2^42 ns */
#define MB_HIST_BUCKETS \
	(MB_HIST_EXACT + (MB_HIST_MAX_BIT - 8) * MB_HIST_SUB)

struct mb_hist {
	uint64_t count;
	uint64_t overflow; /* values above the range, counted in max */
	uint64_t min;
	uint64_t max;
	uint64_t sum; /* for the mean, in ns */
	uint64_t counts[MB_HIST_BUCKETS];
};

void mb_hist_reset(struct mb_hist *h);

/* Records one value in ns. Returns false when it is beyond the range (it is
 * still counted, in the top bucket, and in min/max/sum). */
static inline bool mb_hist_record(struct mb_hist *h, uint64_t v);

/* Adds src into dst. */
void mb_hist_merge(struct mb_hist *dst, const struct mb_hist *src);

/* Value at percentile p (0 < p <= 100) by nearest rank: the highest value
 * equivalent to the bucket holding rank ceil(p/100 * count), clamped to
 * [min, max] so a percentile is never below the smallest recorded value.
 * 0 when empty. */
uint64_t mb_hist_percentile(const struct mb_hist *h, double p);
double mb_hist_mean(const struct mb_hist *h);

/* Bucket arithmetic, exposed for tests. */
static inline unsigned mb_hist_index(uint64_t v)
{
	if (v < MB_HIST_EXACT)
		return (unsigned)v;
	unsigned msb = 63u - (unsigned)__builtin_clzll(v);
	if (msb >= MB_HIST_MAX_BIT)
		return MB_HIST_BUCKETS - 1;
	unsigned shift = msb - 7;
	return MB_HIST_EXACT + (msb - 8) * MB_HIST_SUB +
	       (unsigned)((v >> shift) - MB_HIST_SUB);
}
uint64_t mb_hist_bucket_low(unsigned idx);
uint64_t mb_hist_bucket_high(unsigned idx);

static inline bool mb_hist_record(struct mb_hist *h, uint64_t v)
{
	bool in_range = v < (1ull << MB_HIST_MAX_BIT);
	h->counts[mb_hist_index(v)]++;
	h->count++;
	h->sum += v;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
	if (__builtin_expect(!in_range, 0))
		h->overflow++;
	return in_range;
}

#endif
