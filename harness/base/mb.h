/* Common definitions shared by every modebench file. */
#ifndef MB_H
#define MB_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define MB_CACHELINE 64
#define MB_ALIGNED __attribute__((aligned(MB_CACHELINE)))
#define MB_LIKELY(x) __builtin_expect(!!(x), 1)
#define MB_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define MB_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define MB_NS_PER_US 1000ull
#define MB_NS_PER_MS 1000000ull
#define MB_NS_PER_S 1000000000ull

/* Exit statuses of the command line (README, "Commands"). */
enum mb_exit {
	MB_EXIT_OK = 0,
	MB_EXIT_FAILED = 1,
	MB_EXIT_USAGE = 2,
	MB_EXIT_INTERRUPTED = 130,
};

/* CLOCK_MONOTONIC in nanoseconds; a vDSO call, no syscall, no allocation. */
static inline uint64_t mb_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * MB_NS_PER_S + (uint64_t)ts.tv_nsec;
}

/* Error text buffer passed down by parsers: one line, no newline. */
#define MB_ERRLEN 256

/* MB_ASAN: built under AddressSanitizer (gcc says __SANITIZE_ADDRESS__,
 * clang __has_feature). */
#if defined(__SANITIZE_ADDRESS__)
#define MB_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MB_ASAN 1
#endif
#endif

#endif
