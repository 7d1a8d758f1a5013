/* Private to the press stage: a print job being made. setup.c reads what
 * the job is made of (the job table and mark set of templates/print, the
 * options, the kits folder) and lays the slots out on sheets; impose.c
 * draws the marks and places the stencils with qpdf; press.c writes the
 * files and the ticket. */
#ifndef BK_PRESS_PRIVATE_H
#define BK_PRESS_PRIVATE_H

#include <jansson.h>
#include <stdbool.h>

#include "ballotkit/press.h"
#include "util/cache.h"
#include "util/util.h"

#define PJ_MM_TO_PT (72.0 / 25.4)

/* A registration mark: a filled square or circle of size mm, x and y mm
 * in from the sheet corner it belongs to. */
typedef struct pj_mark {
	int corner;               /* 0 top-left, 1 top-right, 2 bottom-left,
	                           * 3 bottom-right */
	double x, y, size;
	bool circle;
} pj_mark;

typedef struct pj_markset {
	char *name;               /* its "name" */
	char *file;               /* the file it was read from */
	char sha256[BK_SHA256_SIZE * 2 + 1];
	double margin;            /* kept free of stencils on every side */
	double crop_distance, crop_length, crop_width;
	pj_mark *marks;
	size_t nmarks;
} pj_markset;

/* A kind of stencil the job imposes (job.json "kinds"). */
typedef struct pj_kind {
	char *kind, *source, *file, *stock;
	char **processes;
	size_t nprocesses;
} pj_kind;

/* One page of a stencil: its BleedBox and TrimBox in PDF points. */
typedef struct pj_page {
	double bleed[4], trim[4];
} pj_page;

/* A stencil file of a kit, and how often the stations need it. */
typedef struct pj_stencil {
	char *kit, *file;         /* file: relative to the kit's folder */
	size_t kind;
	unsigned copies;
	size_t size;
	char sha256[BK_SHA256_SIZE * 2 + 1];
	pj_page *pages;
	size_t npages;
} pj_stencil;

/* A place on a sheet: a copy of one page of a stencil. */
typedef struct pj_slot {
	size_t stencil, page;
	unsigned copy;            /* 1-based */
	size_t sheet;             /* of its kind, 0-based */
	double x, y;              /* the TrimBox's top-left corner on the sheet, mm */
	double w, h;              /* trim size, mm */
	double bl, bt, br, bb;    /* bleed beyond the trim on each side, mm */
} pj_slot;

/* One file of sheets: consecutive sheets of one kind and sheet size. */
typedef struct pj_file {
	char *name;
	size_t kind;
	double w, h;              /* the sheet, mm (as laid) */
	size_t first_sheet, nsheets; /* of its kind */
	size_t first_slot, nslots;
	size_t bytes;
	char sha256[BK_SHA256_SIZE * 2 + 1];
} pj_file;

typedef struct pj_job {
	const bk_templates *tpl;
	bk_diags *diags;
	const char *kits_dir;
	/* the job table */
	char *table_file;
	char *sheet_name;         /* as given or the default, for the ticket */
	double sheet_w, sheet_h;  /* portrait: w <= h */
	double gap;
	unsigned per_file;
	double slug_pt;
	pj_kind *kinds;
	size_t nkinds;
	pj_markset marks;
	/* the kits folder */
	char *election_id, *election_date;
	char index_sha256[BK_SHA256_SIZE * 2 + 1];
	char quantities_sha256[BK_SHA256_SIZE * 2 + 1];
	pj_stencil *stencils;
	size_t nstencils;
	/* the layout */
	pj_slot *slots;
	size_t nslots;
	size_t *kind_sheets;      /* sheets of each kind */
	pj_file *files;
	size_t nfiles;
} pj_job;

/* setup.c */
bk_status pj_read_setup(pj_job *j, const bk_print_job_options *opt);
bk_status pj_read_kits(pj_job *j);
bk_status pj_lay_out(pj_job *j);
void pj_job_free(pj_job *j);
void pj_hex(const unsigned char d[BK_SHA256_SIZE], char out[BK_SHA256_SIZE * 2 + 1]);
/* The stencil's path: kits_dir/kits/<kit>/<file>, in b. */
const char *pj_stencil_path(const pj_job *j, const pj_stencil *s, bki_buf *b);
/* Reads a stencil's file and checks it is still the one laid out (its
 * SHA-256); false with the reason in diags. */
bool pj_read_stencil(const pj_job *j, const pj_stencil *s, char **data,
                     size_t *size);

/* impose.c: the PDF of file f, into out. */
bk_status pj_impose(const pj_job *j, const pj_file *f, bki_buf *out);

#endif
