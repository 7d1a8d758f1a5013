/* The speak and audio commands. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

/* The exit code of a speech or audio failure: a voice that cannot be used
 * is a broken configuration (78), not wrong usage. */
static int audio_exit(bk_status st)
{
	return st == BK_ERR_NOTFOUND ? EXIT_CONFIG : cli_exit_for(st);
}

/* The speech rate and the loudness: the command line's, else the
 * election's production settings (e may be NULL: a text to speak). */
static void production_options(const options *o, const bk_election *e,
                               bk_speech_options *so, bk_audio_options *ao)
{
	*so = o->speech;
	*ao = o->audio;
	if (e && !(o->given & OPT_RATE))
		so->rate = bk_election_speech_rate(e);
	if (e && !(o->given & OPT_LOUDNESS))
		ao->loudness = bk_election_loudness(e);
}

/* Speech and audio options from the command line over the election's,
 * with the cache. */
static int make_engines(const options *o, const bk_election *e,
                        const bk_templates *tpl, double speed, bk_speech **sp,
                        bk_audio **au, bk_diags *diags)
{
	bk_speech_options so;
	bk_audio_options ao;
	production_options(o, e, &so, &ao);
	so.cache_dir = o->cache;
	bk_status st = *sp ? BK_OK : bk_speech_create(sp, tpl, &so, diags);
	if (st == BK_OK && au) {
		ao.cache_dir = o->cache;
		ao.speed = speed;
		st = bk_audio_create(au, *sp, tpl, &ao, diags);
	}
	if (st == BK_ERR_NOTFOUND)
		return EXIT_CONFIG;
	return st == BK_OK ? 0 : cli_exit_for(st);
}

/* With --cache, how many of its entries were discarded (damaged, or
 * holding another key than the one asked for) and made again. */
static void report_cache(const options *o, const bk_speech *sp,
                         bk_audio *const *au, size_t nau)
{
	if (!o->cache)
		return;
	size_t n = bk_speech_cache_discarded(sp);
	for (size_t i = 0; i < nau; i++)
		n += bk_audio_cache_discarded(au[i]);
	fprintf(stderr, _("ballotkit: cache %s: discarded entries: %zu (damaged, "
	                  "or not the one asked for; made again)\n"), o->cache, n);
}

/* --speed 0.75,1.5: the variants besides speed 1. */
static int parse_speeds(const char *list, double *speeds, size_t *n)
{
	*n = 0;
	if (!list)
		return 0;
	for (const char *p = list; *p;) {
		char *end = NULL;
		double v = strtod(p, &end);
		if (end == p || (*end && *end != ',') ||
		    !(v >= BK_AUDIO_SPEED_MIN && v <= BK_AUDIO_SPEED_MAX) || *n == 8)
			return cli_usage_error(_("--speed takes up to 8 speeds of "
			                         CLI_STR(BK_AUDIO_SPEED_MIN) "-"
			                         CLI_STR(BK_AUDIO_SPEED_MAX)
			                         ", e.g. 0.75,1.5, not"), list);
		if (v != 1.0)
			speeds[(*n)++] = v;
		p = *end ? end + 1 : end;
	}
	return 0;
}

static void describe(const bk_track *t, const char *ballot, const char *lang,
                     size_t k, size_t total, double speed)
{
	double d = bk_track_duration(t);
	fprintf(stderr, _("[%zu/%zu] %s %s"), k, total, ballot, lang);
	if (speed != 1.0)
		fprintf(stderr, " %gx", speed);
	fprintf(stderr, _(": %d:%04.1f, %zu chapters, %.1f LUFS\n"), (int)(d / 60),
	        d - 60 * (int)(d / 60), bk_track_chapter_count(t),
	        bk_track_loudness(t));
}

/* The tracks of one script: speed 1 with every format asked for, then each
 * speed variant as single files. */
static int write_tracks(const options *o, const bk_election *e,
                        const bk_templates *tpl, const bk_script *s,
                        bk_speech *sp, bk_audio **au,
                        const double *speeds, size_t nspeeds, unsigned formats,
                        const char *dir, size_t k, size_t total)
{
	int rc = 0;
	for (size_t v = 0; v <= nspeeds && !rc; v++) {
		bk_diags *diags = bk_diags_create();
		double speed = v ? speeds[v - 1] : 1.0;
		if (!au[v])
			rc = make_engines(o, e, tpl, speed, &sp, &au[v], diags);
		bk_track *t = NULL;
		bk_status st = BK_OK;
		if (!rc)
			st = bk_track_create(&t, au[v], s, diags);
		unsigned f = v ? formats & ~(unsigned)(BK_AUDIO_POSITIONS |
		                                       BK_AUDIO_DAISY | BK_AUDIO_REVIEW)
		               : formats;
		if (!rc && st == BK_OK && f)
			st = bk_track_write(t, dir, f, diags);
		if (!rc && st != BK_OK)
			rc = audio_exit(st);
		cli_print_diags(diags, stderr);
		if (!rc)
			describe(t, bk_script_ballot_id(s), bk_script_language(s), k,
			         total, speed);
		bk_track_free(t);
		bk_diags_free(diags);
	}
	return rc;
}

/* --formats, else the audio outputs of the definition's production.outputs
 * (e NULL: the default audio outputs). */
static int parse_formats(const options *o, const bk_election *e,
                         unsigned *formats)
{
	if (!o->formats) {
		*formats = (unsigned)((e ? bk_election_outputs(e) : bk_outputs_default()) &
		                      BK_OUTPUTS_AUDIO);
		if (!*formats) {
			fprintf(stderr, _("ballotkit: the definition's production.outputs "
			                  "name no audio; give --formats\n"));
			return EXIT_USAGE;
		}
		return 0;
	}
	bk_diags *diags = bk_diags_create();
	bk_status st = bk_audio_formats_parse(o->formats, formats, diags);
	if (st != BK_OK)
		cli_print_diags(diags, stderr);
	bk_diags_free(diags);
	return st == BK_OK ? 0 : EXIT_USAGE;
}

int cli_check_given(const options *o)
{
	if ((o->given & OPT_RATE) && o->speech.rate == 0)
		return cli_usage_error(_("--rate takes " CLI_STR(BK_SPEECH_RATE_MIN) "-" CLI_STR(BK_SPEECH_RATE_MAX)
		                         " words a minute, not"), "0");
	if ((o->given & OPT_LOUDNESS) && o->audio.loudness == 0) {
		char what[64];
		snprintf(what, sizeof what, _("--loudness takes %d to %d LUFS, not"),
		         BK_LOUDNESS_LUFS_MIN, BK_LOUDNESS_LUFS_MAX);
		return cli_usage_error(what, "0");
	}
	return 0;
}

/* What speak (of a ballot) and audio share: the speeds, the outputs, the
 * definition, the voice and the encoders (one per speed). */
typedef struct audio_run {
	cli_ctx c;
	double speeds[8];
	size_t nspeeds;
	unsigned formats;
	bk_speech *sp;
	bk_audio *au[9];
} audio_run;

/* Checks the speeds and what was given, opens the templates and loads the
 * definition first: its production settings set the voice's rate and the
 * outputs (the speech helpers start as fresh copies of the program,
 * bk_speech_helper_entry, so they stay small however large the
 * definition). An exit code; audio_close frees a in any case. */
static int audio_open(audio_run *a, const options *o)
{
	memset(a, 0, sizeof *a);
	int rc = parse_speeds(o->speeds, a->speeds, &a->nspeeds);
	if (!rc)
		rc = cli_check_given(o);
	if (!rc)
		rc = cli_ctx_load(&a->c, o);
	if (!rc)
		rc = parse_formats(o, a->c.e, &a->formats);
	if (!rc)
		rc = make_engines(o, a->c.e, a->c.tpl, 1.0, &a->sp, NULL,
		                  a->c.diags);
	return rc;
}

/* Reports the cache, frees what a holds and returns rc. */
static int audio_close(audio_run *a, const options *o, int rc)
{
	if (!a->c.tpl)
		return rc;
	report_cache(o, a->sp, a->au, 9);
	for (size_t i = 0; i < 9; i++)
		bk_audio_free(a->au[i]);
	bk_speech_free(a->sp);
	return cli_ctx_close(&a->c, rc, false);
}

static int speak_ballot(const options *o)
{
	if (o->nballots != 1 || !o->langs || strchr(o->langs, ',') || !o->output)
		return cli_usage_error(_("speak writes one --ballot in one --lang to "
		                     "-o DIR, for"), o->file);
	audio_run a;
	int rc = audio_open(&a, o);
	if (!rc)
		rc = cli_exit_for(bk_script_create(&a.c.s, a.c.e, o->ballots[0],
		                                   o->langs, a.c.tpl, a.c.diags));
	if (a.c.tpl)
		cli_print_diags(a.c.diags, stderr);
	if (!rc)
		rc = write_tracks(o, a.c.e, a.c.tpl, a.c.s, a.sp, a.au, a.speeds,
		                  a.nspeeds, a.formats, o->output, 1, 1);
	return audio_close(&a, o, rc);
}

int cli_cmd_speak(const options *o)
{
	if (o->nballots)
		return speak_ballot(o);
	const char *lang;
	cli_ctx c;
	int rc = cli_lang_one(o, "speak", &lang);
	if (!rc)
		rc = cli_ctx_open(&c, o);
	if (rc)
		return rc;
	bk_diags *diags = c.diags;
	bk_speech *sp = NULL;
	rc = cli_check_given(o);
	if (!rc)
		rc = make_engines(o, NULL, c.tpl, 1.0, &sp, NULL, diags);
	int16_t *all = NULL;
	size_t nall = 0;
	for (size_t i = 0; !rc && i <= o->ntexts; i++) {
		const char *text = i ? o->texts[i - 1] : o->file;
		char *said = NULL, key[65];
		int16_t *clip = NULL;
		size_t n = 0;
		bk_status st = bk_speech_normalise(sp, lang, text, NULL, &said, diags);
		if (st == BK_OK)
			st = bk_speech_clip_key(sp, lang, said, key, diags);
		if (st == BK_OK)
			st = bk_speech_clip(sp, lang, said, NULL, &clip, &n, diags);
		if (st != BK_OK) {
			rc = audio_exit(st);
		} else {
			if (i)
				printf("\n");
			printf(_("text:  %s\nvoice: %s\nclip:  %s, %zu samples (%.3f s)\n"),
			       text, said, key, n, (double)n / BK_SPEECH_RATE);
			int16_t *grown = realloc(all, (nall + n) * sizeof *all);
			if (!grown) {
				rc = EXIT_SOFTWARE;
			} else {
				all = grown;
				memcpy(all + nall, clip, n * sizeof *clip);
				nall += n;
			}
		}
		bk_free(said);
		bk_free(clip);
	}
	if (!rc && o->output)
		rc = cli_exit_for(bk_speech_write_wav(all, nall, o->output, diags));
	cli_print_diags(diags, stderr);
	report_cache(o, sp, NULL, 0);
	free(all);
	bk_speech_free(sp);
	return cli_ctx_close(&c, rc, false);
}

int cli_cmd_audio(const options *o)
{
	if (!o->output)
		return cli_usage_error(_("audio writes into a folder: give"), "-o DIR");
	if (o->langs && !*o->langs)
		return cli_usage_error(_("--lang needs a language:"), "kk, ru");
	audio_run a;
	int rc = audio_open(&a, o);
	if (a.c.tpl)
		cli_print_diags(a.c.diags, stderr);
	const bk_election *e = a.c.e;
	for (size_t k = 0; !rc && k < o->nballots; k++)
		if (bk_election_ballot_find(e, o->ballots[k]) == (size_t)-1) {
			fprintf(stderr, _("ballotkit: %s has no ballot \"%s\"\n"),
			        o->file, o->ballots[k]);
			rc = EXIT_USAGE;
		}
	for (const char *p = o->langs; !rc && p && *p;) {
		size_t len = strcspn(p, ",");
		bool known = false;
		for (size_t i = 0; i < bk_election_language_count(e); i++)
			known |= strlen(bk_election_language(e, i)) == len &&
			         !strncmp(p, bk_election_language(e, i), len);
		if (!known) {
			fprintf(stderr, _("ballotkit: the election is not held in "
			                  "\"%.*s\"\n"), (int)len, p);
			rc = EXIT_USAGE;
		}
		p += len + (p[len] == ',');
	}
	/* count, then make */
	size_t total = 0, done = 0;
	for (int pass = 0; pass < 2 && !rc; pass++) {
		for (size_t b = 0; !rc && b < bk_election_ballot_count(e); b++) {
			const char *id = bk_election_ballot_id(e, b);
			bool wanted = o->nballots == 0;
			for (size_t k = 0; k < o->nballots; k++)
				wanted |= !strcmp(o->ballots[k], id);
			for (size_t l = 0; wanted && !rc && l < bk_election_language_count(e); l++) {
				const char *lang = bk_election_language(e, l);
				if (!cli_lang_wanted(o->langs, lang))
					continue;
				if (pass == 0) {
					total++;
					continue;
				}
				bk_script *s = NULL;
				bk_diags *sd = bk_diags_create();
				rc = cli_exit_for(bk_script_create(&s, e, id, lang, a.c.tpl, sd));
				cli_print_diags(sd, stderr);
				bk_diags_free(sd);
				char *dir = NULL;
				if (!rc) {
					size_t n = strlen(o->output) + strlen(id) + strlen(lang) + 3;
					dir = malloc(n);
					if (!dir)
						rc = EXIT_SOFTWARE;
					else
						snprintf(dir, n, "%s/%s-%s", o->output, id, lang);
				}
				if (!rc)
					rc = write_tracks(o, e, a.c.tpl, s, a.sp, a.au, a.speeds,
					                  a.nspeeds, a.formats, dir, ++done,
					                  total);
				free(dir);
				bk_script_free(s);
			}
		}
	}
	return audio_close(&a, o, rc);
}
