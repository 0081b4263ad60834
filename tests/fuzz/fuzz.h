/* Shared by the libFuzzer targets: contract checks that abort (a crash the
 * fuzzer saves), and checks of contract violations already reported
 * against the harness, which are named once and fatal only with
 * MB_FUZZ_STRICT=1, so that the fuzzer keeps exploring past a known bug
 * until it is fixed (then the check becomes a plain one). */
#ifndef MB_FUZZ_H
#define MB_FUZZ_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                                   \
	do {                                                                          \
		if (!(cond)) {                                                        \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
				#cond);                                               \
			abort();                                                      \
		}                                                                     \
	} while (0)

static inline void mb_fuzz_known_bug(int ok, const char *what)
{
	static const char *told[8];
	unsigned i;
	const char *strict = getenv("MB_FUZZ_STRICT");
	if (ok)
		return;
	if (strict && !strcmp(strict, "1")) {
		fprintf(stderr, "check failed (known bug): %s\n", what);
		abort();
	}
	for (i = 0; i < 8 && told[i] && told[i] != what; i++)
		;
	if (i < 8 && !told[i]) {
		told[i] = what;
		fprintf(stderr, "known harness bug still present: %s "
			"(MB_FUZZ_STRICT=1 makes it fatal)\n", what);
	}
}

/* An error text is one line that ends within its buffer. */
#define CHECK_ERR_LINE(err, len, what)                         \
	do {                                                   \
		CHECK(memchr((err), 0, (len)) != NULL);        \
		CHECK((err)[0] != 0);                          \
		mb_fuzz_known_bug(strchr((err), '\n') == NULL, what); \
	} while (0)

#endif
