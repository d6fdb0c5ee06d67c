/* review_sink: what a format receives while review_render walks a
 * report: the header block, headings, paragraphs, tables cell by cell
 * (the text as shown and, for numbers, the value), and charts where the
 * format can draw them. One sink per format (HTML, DOCX, XLSX). */
#ifndef NQ57_REVIEW_SINK_H
#define NQ57_REVIEW_SINK_H

#include <jansson.h>
#include <stddef.h>

typedef enum review_para {
	PARA_BODY, PARA_TITLE, PARA_SUBTITLE, PARA_CENTER_ITALIC, PARA_NOTE, PARA_SMALL, PARA_SIGNATURE
} review_para;

typedef enum review_cell { CELL_TEXT, CELL_INT, CELL_DECIMAL, CELL_PERCENT } review_cell;

typedef struct review_sink {
	void *ctx;
	/* the national header block: header has national, motto, issuer,
	 * number, place_date */
	void (*header)(void *ctx, const json_t *header);
	void (*heading)(void *ctx, int level, const char *text);
	void (*para)(void *ctx, const char *text, review_para style);
	/* name: a sheet's name for formats that split tables (NULL: carry on
	 * in the previous sheet); widths in percent of the page's width */
	void (*table_begin)(void *ctx, const char *name, int ncols, const char *const *head, const double *widths);
	void (*cell)(void *ctx, const char *text, double value, review_cell kind);
	void (*row_end)(void *ctx);
	void (*table_end)(void *ctx);
	/* may be NULL */
	void (*chart)(void *ctx, const char *title, const char *const *labels, const double *values, int n);
} review_sink;

void review_render(const review_sink *k, const json_t *report);

/* 1234567.891 -> "1.234.567,89": at most `decimals` decimals, trailing
 * zeros cut; "–" for NaN. */
void review_format_number(char *out, size_t n, double v, int decimals);

#endif
