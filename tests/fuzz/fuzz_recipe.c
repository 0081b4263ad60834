/* libFuzzer target: mb_recipe_parse (workloads/step.h) on arbitrary text.
 * Besides memory errors (ASan) and undefined behaviour (UBSan), it checks
 * the parser's contract: an error is one non-empty line, a success is a
 * recipe within the documented limits whose text is the input, and
 * parsing that text again gives the same recipe. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mb.h"
#include "step.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mb_recipe r, again;
	char *text = malloc(size + 1);
	char err[MB_ERRLEN];

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	memset(err, 0x5a, sizeof(err));
	err[sizeof(err) - 1] = 0;
	err[0] = 0;
	int rc = mb_recipe_parse(text, &r, err, sizeof(err));
	if (rc) {
		CHECK(rc < 0);
		/* One line: a recipe holding a newline once got a two-line
		 * error (crashes/recipe-newline-in-error, fixed). */
		CHECK(err[0] != 0);
		CHECK(memchr(err, 0, sizeof(err)) != NULL);
		CHECK(strchr(err, '\n') == NULL);
	} else {
		CHECK(strlen(text) < MB_RECIPE_TEXT);
		CHECK(!strcmp(r.text, text));
		CHECK(r.nstages >= 1 && r.nstages <= MB_MAX_STAGES);
		CHECK(r.max_branches >= 1 && r.max_branches <= MB_MAX_BRANCHES);
		for (unsigned i = 0; i < r.nstages; i++) {
			CHECK(r.st[i].nbranches >= 1 && r.st[i].nbranches <= r.max_branches);
			for (unsigned b = 0; b < r.st[i].nbranches; b++) {
				const struct mb_branch *br = &r.st[i].br[b];
				CHECK(br->nsteps >= 1 && br->nsteps <= MB_MAX_BSTEPS);
				for (unsigned j = 0; j < br->nsteps; j++)
					CHECK(br->steps[j].kind != NULL);
			}
		}
		(void)mb_recipe_work_units(&r);
		(void)mb_recipe_wait_ns(&r);
		CHECK(mb_recipe_parse(r.text, &again, err, sizeof(err)) == 0);
		CHECK(again.nstages == r.nstages && again.max_branches == r.max_branches);
		for (unsigned i = 0; i < r.nstages; i++)
			for (unsigned b = 0; b < r.st[i].nbranches; b++)
				for (unsigned j = 0; j < r.st[i].br[b].nsteps; j++) {
					const struct mb_step *x = &r.st[i].br[b].steps[j];
					const struct mb_step *y = &again.st[i].br[b].steps[j];
					CHECK(x->kind == y->kind && x->a == y->a && x->b == y->b &&
					      x->dur_ns == y->dur_ns);
				}
		/* Calibration at extreme rates must stay defined. */
		mb_recipe_calibrate(&r, 1e9);
		mb_recipe_calibrate(&again, 1);
		(void)mb_recipe_work_units(&r);
	}
	free(text);
	return 0;
}
