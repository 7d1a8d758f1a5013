/* Stencils: the braille beside each window, read back from the swell PDF
 * with the library's dot decoder, is that window's number (the cells of
 * the number sign and digits written here by hand); no dot within 3 mm of
 * any window or 8 mm of the edge; dots of the profile's size; a ballot
 * longer than its template continues on a second sheet with the numbering
 * unbroken; a layout that cannot keep the clearances is refused. */
#include <ballotkit.h>

#include <math.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "files.h"
/* the wording expander and the segment kinds' names are private to the
 * library; the stencil is the expander's first user */
#include "templates/templates-private.h"

static const unsigned char digit[10] = {0x1A, 0x01, 0x03, 0x09, 0x19,
                                        0x11, 0x0B, 0x1B, 0x13, 0x0A};

static bk_templates *tpl;
static bk_braille *br;

/* The dots of the braille number beside a window (x, y, w, h): level with
 * its centre (within 4 mm), on the side where a dot stands nearest
 * (within 40 mm: a number in a second column stands a blank cell beyond
 * the first, or right of its window, docs/stencil.md), outwards until a
 * gap wider than 10 mm. Into mine (room for n); returns how many. */
static size_t beside(const double *xy, size_t n, double x, double y, double w,
                     double h, double *mine)
{
	double cy = y + h / 2, dl = 1e9, dr = 1e9;
	for (size_t i = 0; i < n; i++) {
		if (fabs(xy[2 * i + 1] - cy) >= 4.0)
			continue;
		if (xy[2 * i] < x)
			dl = fmin(dl, x - xy[2 * i]);
		else if (xy[2 * i] > x + w)
			dr = fmin(dr, xy[2 * i] - (x + w));
	}
	int dir = dr < dl ? 1 : -1;
	double edge = dir > 0 ? x + w : x, reach = fmin(dl, dr);
	size_t k = 0;
	if (reach > 40)
		return 0;
	/* outwards from the nearest dot: a dot within 10 mm of one taken */
	for (int grew = 1; grew;) {
		grew = 0;
		for (size_t i = 0; i < n; i++) {
			double out = (xy[2 * i] - edge) * dir;
			if (fabs(xy[2 * i + 1] - cy) >= 4.0 || out <= 0)
				continue;
			int take = fabs(out - reach) < 1e-9, had = 0;
			for (size_t j = 0; j < k; j++) {
				had |= mine[2 * j] == xy[2 * i] && mine[2 * j + 1] == xy[2 * i + 1];
				take |= fabs(mine[2 * j] - xy[2 * i]) <= 10.0;
			}
			if (take && !had) {
				mine[2 * k] = xy[2 * i];
				mine[2 * k + 1] = xy[2 * i + 1];
				k++;
				grew = 1;
			}
		}
	}
	return k;
}

/* Checks every sheet of a stencil's swell PDF. */
static void check_swell(bk_stencil *st, const char *what, double dot_d,
                        double dot_pitch, double cell_pitch)
{
	char path[] = "/tmp/bk-stencil-XXXXXX";
	int fd = mkstemp(path);
	if (fd >= 0)
		close(fd);
	TAP_OK(bk_stencil_write_swell_pdf(st, path, NULL) == BK_OK, "%s: swell PDF written", what);
	size_t size;
	char *pdf = slurp(path, &size);
	for (size_t sh = 0; pdf && sh < bk_stencil_sheet_count(st); sh++) {
		double *xy = NULL;
		size_t n = 0;
		bk_dot_measure m;
		bk_status s = bk_decode_pdf_dots(pdf, size, path, 400, sh, &xy, &n, &m, NULL);
		TAP_OK(s == BK_OK && n > 0, "%s sheet %zu: %zu dots found", what, sh + 1, n);
		TAP_OK(fabs(m.dot_diameter - dot_d) < 0.05 && m.dot_diameter_max - m.dot_diameter_min < 0.05,
		       "%s sheet %zu: dots %.3f mm across (profile %.2f)", what, sh + 1,
		       m.dot_diameter, dot_d);
		TAP_OK(m.other_black > 0, "%s sheet %zu: the print numbers are black too", what, sh + 1);
		int numbers_ok = 1, clear_ok = 1;
		double worst = 1e9;
		for (size_t w = 0; w < bk_stencil_window_count(st, sh); w++) {
			double x, y, ww, wh;
			unsigned num = bk_stencil_window(st, sh, w, &x, &y, &ww, &wh);
			double *mine = malloc((2 * n + 1) * sizeof *mine);
			size_t k = beside(xy, n, x, y, ww, wh, mine);
			unsigned char *cells = NULL;
			size_t nc = 0;
			unsigned char want[8];
			char digits[8];
			int nd = snprintf(digits, sizeof digits, "%u", num);
			want[0] = 0x3C;
			for (int i = 0; i < nd; i++)
				want[1 + i] = digit[digits[i] - '0'];
			if (!k || bk_decode_dots_line(mine, k, dot_pitch, cell_pitch, &cells, &nc) != BK_OK ||
			    nc != (size_t)nd + 1 || memcmp(cells, want, nc)) {
				numbers_ok = 0;
				printf("# %s: window %u reads %zu cells\n", what, num, nc);
			}
			bk_free(cells);
			free(mine);
		}
		/* every dot's edge at least 3 mm from every window, 8 from edges */
		for (size_t i = 0; i < n; i++) {
			double px = xy[2 * i], py = xy[2 * i + 1], r = dot_d / 2;
			for (size_t sh2 = sh; sh2 == sh; sh2++)
				for (size_t w = 0; w < bk_stencil_window_count(st, sh); w++) {
					double x, y, ww, wh;
					bk_stencil_window(st, sh, w, &x, &y, &ww, &wh);
					double dx = fmax(0, fmax(x - px, px - (x + ww)));
					double dy = fmax(0, fmax(y - py, py - (y + wh)));
					double g = sqrt(dx * dx + dy * dy) - r;
					if (g < worst)
						worst = g;
				}
			double e = fmin(fmin(px, py), fmin(bk_stencil_width(st) - px,
			                                   bk_stencil_height(st) - py)) - r;
			if (e < 8.0 - 0.1)
				clear_ok = 0;
		}
		TAP_OK(numbers_ok, "%s sheet %zu: the braille beside every window reads its number",
		       what, sh + 1);
		TAP_OK(worst >= 3.0 - 0.1, "%s sheet %zu: no dot within 3 mm of a window (closest %.2f)",
		       what, sh + 1, worst);
		TAP_OK(clear_ok, "%s sheet %zu: no dot within 8 mm of the edge", what, sh + 1);
		bk_free(xy);
	}
	free(pdf);
	remove(path);
}

/* A single-mandate ballot of n candidates on the given template. */
static char *definition(int n, const char *tmpl)
{
	size_t cap = 4096 + (size_t)n * 300;
	char *s = malloc(cap);
	size_t len = (size_t)snprintf(s, cap,
		"{\"format\": \"ballotkit/1\", \"election\": {\"id\": \"e\", \"date\": \"2023-03-19\","
		" \"name\": {\"kk\": \"С\", \"ru\": \"В\"}, \"languages\": [\"kk\", \"ru\"]},"
		" \"districts\": [{\"id\": \"d\", \"kind\": \"mazhilis\", \"number\": 9,"
		" \"name\": {\"kk\": \"Округ\", \"ru\": \"Округ\"}}], \"candidates\": [");
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(s + len, cap - len,
			"%s{\"id\": \"c%03d\", \"surname\": {\"kk\": \"Ахметов\"}, \"given_name\": {\"kk\": \"Әлі\"},"
			" \"birth_year\": %d, \"self_nominated\": true}", i ? "," : "", i,
			1900 + i); /* one name: told apart by the year */
	len += (size_t)snprintf(s + len, cap - len,
		"], \"ballots\": [{\"id\": \"b\", \"body\": \"mazhilis\", \"kind\": \"single-mandate\","
		" \"district\": \"d\", \"paper\": {\"template\": \"%s\"}, \"options\": [", tmpl);
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(s + len, cap - len, "%s\"c%03d\"", i ? "," : "", i);
	snprintf(s + len, cap - len, "]}]}");
	return s;
}

/* Expands text with f and compares with want. */
static void expands(const char *prefix, const char *text,
                    const bki_wording_fill *f, const char *want,
                    const char *what)
{
	bki_buf b = {0};
	bki_buf_add(&b, prefix);
	bki_wording_expand(&b, text, f);
	TAP_STREQ(bki_buf_str(&b), want, "expander: %s", what);
	bki_buf_free(&b);
}

/* The one {placeholder} expander, in the three ways the script, the
 * stencil and the kit's README use it. */
static void check_expander(void)
{
	const bki_wording_var v[] = {{"title", "Т"}, {"side", "2"},
	                            {"empty", NULL}, {"sheet", "1"},
	                            {"sheets", "3"}};
	const bki_wording_fill keep = {.vars = v, .nvars = 5,
	                              .keep_unknown = true};
	expands("", "{sheet} / {sheets}, side {side}", &keep, "1 / 3, side 2",
	        "names that begin alike ({sheet}, {sheets})");
	expands("", "{a {title} {nope} {count:option} x{", &keep,
	        "{a Т {nope} {count:option} x{",
	        "unknown names and a lone '{' stay as written when kept");
	expands("", "[{empty}]", &keep, "[]", "a NULL value is empty");
	expands("", NULL, &keep, "", "a NULL text is empty");
	const int ru = bki_lang_index("ru");
	const bki_wording_fill script = {.vars = v, .nvars = 5, .tpl = tpl,
	                                .lang = ru, .count = 22,
	                                .tidy_spaces = true};
	expands("", " {title}  {count:option} {nope}{empty} . ", &script,
	        "Т варианта .",
	        "{count:WORD} in its plural form, unknown names left out, "
	        "blanks tidied");
	const bki_wording_fill many = {.vars = v, .nvars = 5, .tpl = tpl,
	                              .lang = ru, .count = 11,
	                              .tidy_spaces = true};
	expands("", "{count:option}", &many, "вариантов", "11: the many form");
	expands("a  ", " {empty} b", &script, "a  b",
	        "tidying leaves what the buffer held before alone");
	expands("", "x {title", &script, "x {title",
	        "a '{' without '}' is kept with the rest");
}

/* The kinds' names come from one table (templates), in enum order. */
static void check_segment_kinds(void)
{
	static const char *const want[] = {"title", "intro", "instructions",
	                                   "position", "closing", "repeat"};
	int ok = BK_SEGMENT_KIND_COUNT == 6 && !bki_segment_kind_name(-1) &&
	         !bki_segment_kind_name(BK_SEGMENT_KIND_COUNT);
	for (int k = 0; ok && k < BK_SEGMENT_KIND_COUNT; k++)
		ok = !strcmp(bki_segment_kind_name(k), want[k]) &&
		     !strcmp(bki_pause_names[k], want[k]);
	TAP_OK(ok && !strcmp(bki_segment_kind_name(BK_SEGMENT_REPEAT), "repeat"),
	       "segment kinds: one name each, the pauses keyed by them");
}

/* An option struct of version 0 or one newer than the library is refused
 * with the struct named. */
static void check_versions(const bk_election *e)
{
	bk_script *s = NULL;
	bk_script_create(&s, e, "mazhilis-03", "kk", tpl, NULL);
	const unsigned bad[] = {0, BK_STENCIL_OPTIONS_VERSION + 1};
	for (int i = 0; i < 2; i++) {
		bk_stencil_options o = BK_STENCIL_OPTIONS_INIT;
		o.version = bad[i];
		bk_stencil *st = NULL;
		bk_diags *d = bk_diags_create();
		bk_status rc = bk_stencil_create(&st, e, s, br, tpl, &o, d);
		const char *msg = bk_diags_count(d) ? bk_diag_message(bk_diags_get(d, 0)) : "";
		TAP_OK(rc == BK_ERR_USAGE && !st && strstr(msg, "bk_stencil_options"),
		       "bk_stencil_options version %u refused: %s", bad[i], msg);
		bk_diags_free(d);
		bk_stencil_free(st);
	}
	bk_script_free(s);
}

int main(void)
{
	bk_election *e = NULL;
	if (bk_templates_open(&tpl, NULL, NULL) != BK_OK ||
	    bk_braille_open(&br, NULL, tpl, NULL) != BK_OK ||
	    bk_election_load(&e, getenv("BALLOTKIT_EXAMPLE"), tpl, NULL) != BK_OK) {
		printf("Bail out! templates, tables or example not found\n");
		return 1;
	}
	check_expander();
	check_segment_kinds();
	check_versions(e);
	const char *ballots[] = {"mazhilis-list", "mazhilis-03", "mazhilis-07"};
	for (int i = 0; i < 3; i++) {
		bk_script *s = NULL;
		bk_stencil *st = NULL;
		bk_script_create(&s, e, ballots[i], "ru", tpl, NULL);
		TAP_OK(bk_stencil_create(&st, e, s, br, tpl, NULL, NULL) == BK_OK,
		       "%s: stencil laid out", ballots[i]);
		if (st)
			check_swell(st, ballots[i], 1.6, 2.5, 6.0); /* Marburg Medium */
		bk_stencil_free(st);
		bk_script_free(s);
	}

	/* 70 candidates on the continued two-column template: two sheets,
	 * numbering unbroken */
	char *text = definition(70, "a4-two-columns-continued");
	bk_election *big = NULL;
	bk_diags *d = bk_diags_create();
	TAP_OK(bk_election_load_buffer(&big, text, strlen(text), "big.json", tpl, d) == BK_OK,
	       "70 candidates load");
	bk_script *s = NULL;
	bk_stencil *st = NULL;
	if (big) {
		bk_script_create(&s, big, "b", "kk", tpl, NULL);
		TAP_OK(bk_stencil_create(&st, big, s, br, tpl, NULL, NULL) == BK_OK,
		       "70 candidates: stencil laid out");
	}
	if (st) {
		TAP_OK(bk_stencil_sheet_count(st) == 2 && bk_stencil_window_count(st, 0) == 62 &&
		       bk_stencil_window_count(st, 1) == 9,
		       "two sheets: 62 windows, then 9 (70 candidates and against all)");
		TAP_OK(bk_stencil_window(st, 1, 0, NULL, NULL, NULL, NULL) == 63 &&
		       bk_stencil_window(st, 1, 8, NULL, NULL, NULL, NULL) == 71,
		       "sheet 2 opens on numbers 63 to 71");
		check_swell(st, "70 candidates", 1.6, 2.5, 6.0);
	}
	bk_stencil_free(st);
	bk_script_free(s);
	bk_election_free(big);
	bk_diags_free(d);
	free(text);

	/* counting dots: one dot level with each window, all in one column */
	{
		bk_stencil_options co = BK_STENCIL_OPTIONS_INIT;
		co.counting_dots = 1;
		bk_script *cs = NULL;
		bk_stencil *cst = NULL;
		bk_script_create(&cs, e, "mazhilis-03", "kk", tpl, NULL);
		TAP_OK(bk_stencil_create(&cst, e, cs, br, tpl, &co, NULL) == BK_OK,
		       "counting dots: laid out");
		char path[] = "/tmp/bk-count-XXXXXX";
		int fd = mkstemp(path);
		if (fd >= 0)
			close(fd);
		size_t size = 0;
		char *pdf = NULL;
		if (cst && bk_stencil_write_swell_pdf(cst, path, NULL) == BK_OK)
			pdf = slurp(path, &size);
		double *xy = NULL;
		size_t n = 0;
		if (pdf)
			bk_decode_pdf_dots(pdf, size, path, 400, 0, &xy, &n, NULL, NULL);
		/* the column: the x of the leftmost dot level with window 1 that
		 * is right of the title (x > 60) */
		int ok = cst != NULL;
		double col = 1e9;
		for (size_t w = 0; ok && w < bk_stencil_window_count(cst, 0); w++) {
			double x, y, ww, wh;
			bk_stencil_window(cst, 0, w, &x, &y, &ww, &wh);
			size_t found = 0;
			for (size_t i = 0; i < n; i++)
				if (fabs(xy[2 * i + 1] - (y + wh / 2)) < 0.3 && xy[2 * i] > 60 &&
				    xy[2 * i] < x - 30) {
					found++;
					if (col == 1e9)
						col = xy[2 * i];
					ok &= fabs(xy[2 * i] - col) < 0.1;
				}
			ok &= found == 1;
		}
		TAP_OK(ok && col < 1e9, "counting dots: exactly one per window, in one column at %.1f mm", col);
		bk_free(xy);
		free(pdf);
		remove(path);
		bk_stencil_free(cst);
		bk_script_free(cs);
	}

	/* braille that cannot keep 3 mm from the windows is refused: the
	 * window gap raised until the numbers run off the sheet */
	bk_stencil_options opt = BK_STENCIL_OPTIONS_INIT;
	opt.window_gap = 140;
	s = NULL;
	st = NULL;
	d = bk_diags_create();
	bk_script_create(&s, e, "mazhilis-03", "kk", tpl, NULL);
	TAP_OK(bk_stencil_create(&st, e, s, br, tpl, &opt, d) == BK_ERR_INVALID && !st &&
	       !strcmp(bk_diag_kind(bk_diags_get(d, 0)), "stencil-layout"),
	       "a layout that cannot keep its clearances is refused: %s",
	       bk_diag_message(bk_diags_get(d, 0)));
	opt = (bk_stencil_options)BK_STENCIL_OPTIONS_INIT;
	opt.window_gap = 2.0;
	TAP_OK(bk_stencil_create(&st, e, s, br, tpl, &opt, NULL) == BK_ERR_USAGE,
	       "a window gap below the 3 mm floor is refused");
	bk_diags_free(d);
	bk_script_free(s);
	bk_election_free(e);
	bk_braille_free(br);
	bk_templates_free(tpl);
	return tap_done();
}
