/* review: the review report (báo cáo sơ kết / tổng kết) of a document
 * over a period, as the steering committee's secretariat files it.
 *
 * Every number comes from the dashboards (domain/dashboard.h) for the
 * same document, period and moment: the indicator tiles, the task counts
 * and the units' table are the overview's, the task lists are the task
 * list's as of the same day. So a report always agrees with the screens.
 *
 * The report's content as JSON (review_build) is rendered as a printable
 * HTML page (review_html), an editable DOCX laid out as Decree
 * 30/2020/NĐ-CP asks (review_docx) and an XLSX with one sheet per table
 * (review_xlsx). */
#ifndef NQ57_REVIEW_H
#define NQ57_REVIEW_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "db/db.h"
#include "domain/dashboards/rollup.h"
#include "util/period.h"

typedef struct review_query {
	const char *document;   /* its number, e.g. "43/KH-UBND" */
	const char *period;     /* e.g. "2025", "2025S1", "2025M9" */
	bool final;             /* tổng kết (the whole term) rather than sơ kết */
	date_ymd today;
} review_query;

/* The report's content: {header, document, period, period_label, as_of,
 * data_seq, summary, indicators, task_groups, units, overdue, off_track,
 * agreements (the cooperation agreements in force during the period, with
 * their actions' task status: agreement_review), notes}; "notes" says plainly when the period has no figures or the
 * document no tasks. ERR_NOTFOUND for an unknown document, ERR_INVALID
 * for a bad period. */
int review_build(json_t **out, rollup_cache *cache, db_conn *db, const review_query *q);

/* The renderings of review_build's content: malloc'd bytes (the caller
 * frees), the same bytes for the same content. */
int review_html(char **out, size_t *len, const json_t *report);
int review_docx(char **out, size_t *len, const json_t *report);
int review_xlsx(char **out, size_t *len, const json_t *report);

/* The formats, in the order a job writes them. */
typedef struct review_format {
	const char *ext, *mime;
	int (*render)(char **out, size_t *len, const json_t *report);
} review_format;
extern const review_format review_formats[];
extern const int review_n_formats;

/* "bao-cao-43-KH-UBND-2025" for a report's files (malloc'd). */
char *review_file_stem(const json_t *report);

#endif
