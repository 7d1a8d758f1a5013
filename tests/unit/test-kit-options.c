/* bk_kit_build's version check of bk_kit_options: versions 1 to 3 are
 * accepted (version 1 read by its own layout, with parts and audio_formats
 * where version 2 has outputs; version 2 ends before log), 0 and 4
 * refused naming the struct. Every
 * call here stops before anything is written: at the version, at a
 * shard out of range or at a ballot the election lacks. */
#include <ballotkit.h>

#include <stdlib.h>
#include <string.h>

#include "tap.h"

/* bk_kit_options as version 1 of kit.h declared it. */
typedef struct options_v1 {
	unsigned int version;
	const char *const *ballots;
	size_t nballots;
	const char *langs;
	unsigned parts;
	unsigned audio_formats;
	int jobs;
	unsigned shard, shards;
	bk_speech_options speech;
	bk_audio_options audio;
	bk_stencil_options stencil;
	bk_kit_progress_fn progress;
	void *progress_arg;
} options_v1;

/* Whether some error of d's says every one of the words. */
static int says(const bk_diags *d, const char *w1, const char *w2)
{
	for (size_t i = 0; i < bk_diags_count(d); i++) {
		const char *m = bk_diag_message(bk_diags_get(d, i));
		if (bk_diag_severity(bk_diags_get(d, i)) == BK_ERROR &&
		    strstr(m, w1) && (!w2 || strstr(m, w2)))
			return 1;
	}
	return 0;
}

static void show(const bk_diags *d)
{
	for (size_t i = 0; i < bk_diags_count(d); i++)
		printf("# %s\n", bk_diag_message(bk_diags_get(d, i)));
}

int main(void)
{
	bk_templates *tpl = NULL;
	bk_election *e = NULL;
	if (bk_templates_open(&tpl, NULL, NULL) != BK_OK ||
	    bk_election_load(&e, getenv("BALLOTKIT_EXAMPLE"), tpl, NULL) != BK_OK) {
		printf("Bail out! cannot load the example\n");
		return 1;
	}
	const char *dir = "kit-options-never-written";
	const char *none[] = {"no-such-ballot"};

	for (unsigned v = 0; v <= BK_KIT_OPTIONS_VERSION + 1;
	     v += BK_KIT_OPTIONS_VERSION + 1) {
		bk_kit_options o;
		bk_kit_options_init(&o);
		o.version = v;
		bk_diags *d = bk_diags_create();
		bk_status st = bk_kit_build(e, NULL, tpl, dir, &o, d);
		TAP_OK(st == BK_ERR_USAGE, "version %u is refused", v);
		TAP_OK(says(d, "bk_kit_options", NULL),
		       "version %u: the message names bk_kit_options", v);
		show(d);
		bk_diags_free(d);
	}

	/* the current version: a ballot the election lacks */
	bk_kit_options o;
	bk_kit_options_init(&o);
	o.ballots = none;
	o.nballots = 1;
	bk_diags *d = bk_diags_create();
	TAP_OK(bk_kit_build(e, NULL, tpl, dir, &o, d) == BK_ERR_NOTFOUND &&
	       says(d, "no-such-ballot", NULL) && !says(d, "bk_kit_options", NULL),
	       "version %u is accepted", BK_KIT_OPTIONS_VERSION);
	show(d);
	bk_diags_free(d);

	/* version 2: the current layout without log, which is not read */
	bk_kit_options v2;
	bk_kit_options_init(&v2);
	v2.version = 2;
	v2.ballots = none;
	v2.nballots = 1;
	v2.log = (bk_diag_fn)(void (*)(void))1; /* not version 2's: never called */
	d = bk_diags_create();
	TAP_OK(bk_kit_build(e, NULL, tpl, dir, &v2, d) == BK_ERR_NOTFOUND &&
	       says(d, "no-such-ballot", NULL) && !says(d, "bk_kit_options", NULL),
	       "version 2 is accepted, and what lies where log is is not read");
	show(d);
	bk_diags_free(d);

	/* version 1, by its own layout: its ballots and its shard are read
	 * where version 1 put them (read as version 2, shard 5 of 2 with
	 * jobs 1 would be shard 1 of 5, and pass) */
	options_v1 v1;
	memset(&v1, 0, sizeof v1);
	v1.version = 1;
	v1.ballots = none;
	v1.nballots = 1;
	v1.parts = 0x1F;
	v1.audio_formats = 1;
	v1.jobs = 1;
	v1.shard = 5;
	v1.shards = 2;
	d = bk_diags_create();
	TAP_OK(bk_kit_build(e, NULL, tpl, dir, (const bk_kit_options *)(void *)&v1,
	                    d) == BK_ERR_USAGE &&
	       says(d, "shard 5 of 2", NULL) && !says(d, "bk_kit_options", NULL),
	       "version 1 is accepted and its shard read where it put it");
	show(d);
	bk_diags_free(d);
	v1.shard = 1;
	d = bk_diags_create();
	TAP_OK(bk_kit_build(e, NULL, tpl, dir, (const bk_kit_options *)(void *)&v1,
	                    d) == BK_ERR_NOTFOUND &&
	       says(d, "no-such-ballot", NULL),
	       "version 1: its ballots are read where it put them");
	show(d);
	bk_diags_free(d);

	bk_election_free(e);
	bk_templates_free(tpl);
	return tap_done();
}
