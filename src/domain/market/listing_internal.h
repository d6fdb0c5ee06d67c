/* listing_internal: the table of a listing's fields that listing.c (the
 * records and the review) shares with listing_exchange.c (CSV and
 * workbooks) and engagement.c; included by those files only. */
#ifndef NQ57_LISTING_INTERNAL_H
#define NQ57_LISTING_INTERNAL_H

#include "domain/market/listing.h"

enum listing_type {
	LF_TEXT, LF_EMAIL, LF_INT, LF_REAL, LF_DATE, LF_ENUM, LF_SET, LF_SECTOR, LF_ORG, LF_PERSON, LF_BOOL,
	LF_ORCID,  /* '0000-0002-1825-0097', its check digit right; an https://orcid.org/ prefix is dropped */
	LF_PHONE   /* digits with + - . ( ) and spaces, 8 to 15 digits */
};

/* The kinds a field applies to. */
enum { LK_OFFER = 1, LK_PROBLEM = 2, LK_EXPERT = 4, LK_ALL = 7 };

/* Who may read a field besides owners and the operator. */
enum listing_reach {
	LR_PUBLIC,       /* everyone */
	LR_CONFIDENTIAL, /* hidden by a problem's confidentiality */
	LR_PRIVATE       /* owners and the operator only (contacts) */
};

typedef struct listing_field {
	const char *name;    /* in JSON and in the files */
	const char *column;  /* in the listing table */
	const char *title;   /* the Vietnamese column title of a file */
	enum listing_type type;
	int kinds;
	enum listing_reach reach;
	int max;             /* bytes of a text; the largest integer */
	const char *const *values;   /* LF_ENUM, LF_SET */
	const char *when_null;       /* stored instead of NULL (NOT NULL columns) */
} listing_field;

/* Room for every field's value (listing_value vals[LISTING_MAX_FIELDS]). */
#define LISTING_MAX_FIELDS 64

extern const listing_field listing__fields[];
/* The index in listing__fields of the fields the rules name. */
enum {
	F_TITLE = 0, F_SUMMARY = 1, F_SECTOR = 3, F_ORG = 4, F_TRL = 8, F_TRANSFER_TYPES = 11, F_BUDGET_MIN = 16,
	F_BUDGET_MAX = 17, F_DEADLINE = 18, F_CONFIDENTIALITY = 20, F_EXPIRES_ON = 25, F_DEMO = 26
};
extern const int listing__n_fields;

/* A field's value read from JSON: absent, null, or its text (borrowed from
 * the JSON, or owned for a set), integer or number. */
typedef struct listing_value {
	bool present, null;
	const char *text;
	char *owned;
	int64_t i;
	double d;
} listing_value;

/* Reads and checks the listing fields of in for a listing of kind
 * (creating: a title is required). *bad is the index of the field at
 * fault (-1: none). vals has listing__n_fields entries; free it with
 * listing__values_free. ERR_INVALID naming the field. */
int listing__values_read(listing_value *vals, int *bad, db_conn *db, const json_t *in, const char *kind, bool creating);
void listing__values_free(listing_value *vals);

/* Refuses a date of vals (a problem's deadline, the expiry) that is
 * before today, unless it is the one before (the stored listing, NULL
 * when creating) already holds. *bad is the field at fault. ERR_INVALID
 * naming the field. */
int listing__dates_check(const listing_value *vals, int *bad, const json_t *before);

/* Whether v looks like an e-mail address / a phone number. */
bool listing__email_like(const char *v);
bool listing__phone_like(const char *v);

/* The kind bit of a kind name (0 for an unknown one). */
int listing__kind_bit(const char *kind);

#endif
