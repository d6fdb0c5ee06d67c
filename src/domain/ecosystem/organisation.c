/* organisation: the registry's organisations — their fields and checks,
 * search, the record, changes (direct or proposed by an organisation
 * editor and reviewed), duplicates and merges. */
#include "domain/ecosystem/organisation.h"
#include "domain/ecosystem/organisation_internal.h"
#include "domain/ecosystem/registry.h"
#include "domain/people/audit.h"
#include "domain/people/unit.h"
#include "util/err.h"
#include "util/json.h"
#include "util/period.h"
#include "util/str.h"
#include "util/time.h"
#include "util/utf8.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const organisation_kinds[] = { "university", "institute", "enterprise", "st_enterprise", "startup",
	"innovation_centre", "fund", "agency", "foreign_partner", NULL };
static const char *const sizes[] = { "micro", "small", "medium", "large", NULL };
static const char *const statuses[] = { "active", "inactive", "dissolved", NULL };

#define NAME_MAX_CHARS 300
#define TEXT_MAX_BYTES 4000
#define LIST_MAX 50
/* Viet Nam with its islands: latitude and longitude bounds. */
#define LAT_MIN 6.0
#define LAT_MAX 23.5
#define LON_MIN 102.0
#define LON_MAX 118.0

static bool in_list(const char *const *list, const char *v)
{
	for (int i = 0; v && list[i]; i++)
		if (strcmp(list[i], v) == 0)
			return true;
	return false;
}

/* The one table of fields: JSON name, column, type (t text, i integer,
 * d real, b boolean as 0/1, l a list kept in its own table). */
static const struct field_def {
	const char *name, *column;
	char type;
} defs[ORG_F_COUNT] = {
	[ORG_F_KIND] = { "kind", "kind", 't' },
	[ORG_F_NAME] = { "name", "name", 't' },
	[ORG_F_SHORT_NAME] = { "short_name", "short_name", 't' },
	[ORG_F_ALIASES] = { "aliases", NULL, 'l' },
	[ORG_F_TAX_CODE] = { "tax_code", "tax_code", 't' },
	[ORG_F_ROR] = { "ror", "ror", 't' },
	[ORG_F_OPENALEX] = { "openalex_id", "openalex_id", 't' },
	[ORG_F_UNIT] = { "unit_id", "unit_id", 'i' },
	[ORG_F_ADDRESS] = { "address", "address", 't' },
	[ORG_F_LAT] = { "lat", "lat", 'd' },
	[ORG_F_LON] = { "lon", "lon", 'd' },
	[ORG_F_SECTORS] = { "sectors", "sectors", 't' },
	[ORG_F_SIZE] = { "size", "size", 't' },
	[ORG_F_EMPLOYEES] = { "employees", "employees", 'i' },
	[ORG_F_FOUNDED_ON] = { "founded_on", "founded_on", 't' },
	[ORG_F_STATUS] = { "status", "status", 't' },
	[ORG_F_ENDED_ON] = { "ended_on", "ended_on", 't' },
	[ORG_F_WEBSITE] = { "website", "website", 't' },
	[ORG_F_EMAIL] = { "email", "email", 't' },
	[ORG_F_PHONE] = { "phone", "phone", 't' },
	[ORG_F_DESCRIPTION] = { "description", "description", 't' },
	[ORG_F_PUBLISHED] = { "published", "published", 'b' },
	[ORG_F_PEOPLE] = { "people", NULL, 'l' },
	[ORG_F_DEMO] = { "demo", "demo", 'b' },
};

const char *organisation__field_name(int field)
{
	return field >= 0 && field < ORG_F_COUNT ? defs[field].name : "";
}

/* ------------------------------------------------------------ identifiers */

bool organisation_tax_code_valid(const char *code)
{
	static const int weight[9] = { 31, 29, 23, 19, 17, 13, 7, 5, 3 };
	size_t n = code ? strlen(code) : 0;
	if (n != 10 && n != 14)
		return false;
	for (size_t i = 0; i < n; i++)
		if (i == 10 ? code[i] != '-' : !isdigit((unsigned char)code[i]))
			return false;
	if (memcmp(code, "00", 2) == 0 || memcmp(code + 2, "0000000", 7) == 0 || (n == 14 && strcmp(code + 11, "000") == 0))
		return false;
	int sum = 0;
	for (int i = 0; i < 9; i++)
		sum += weight[i] * (code[i] - '0');
	int check = 10 - sum % 11;
	return check < 10 && code[9] - '0' == check;
}

static const char crockford[] = "0123456789abcdefghjkmnpqrstvwxyz";

bool organisation_ror_valid(const char *id)
{
	if (!id || strlen(id) != 9 || id[0] != '0' || !isdigit((unsigned char)id[7]) || !isdigit((unsigned char)id[8]))
		return false;
	uint64_t n = 0;
	for (int i = 0; i < 7; i++) {
		const char *at = id[i] ? strchr(crockford, id[i]) : NULL;
		if (!at)
			return false;
		n = n * 32 + (uint64_t)(at - crockford);
	}
	int check = 98 - (int)((n * 100) % 97);
	return (id[7] - '0') * 10 + (id[8] - '0') == check;
}

/* s without a leading prefix (any of them, case-insensitive), or s. */
static const char *strip_prefix(const char *s, const char *const *prefixes)
{
	for (int i = 0; prefixes[i]; i++) {
		size_t n = strlen(prefixes[i]);
		if (strncasecmp(s, prefixes[i], n) == 0)
			return s + n;
	}
	return s;
}

/* ------------------------------------------------------- reading fields */

void organisation__fields_free(organisation__fields *f)
{
	for (int i = 0; i < ORG_F_COUNT; i++)
		free(f->text[i]);
	free(f->folded);
	json_decref(f->aliases);
	json_decref(f->people);
	memset(f, 0, sizeof(*f));
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* s trimmed of white space at both ends, malloc'd (NULL when out of memory). */
static char *trimmed(const char *s)
{
	while (*s && isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return strndup(s, n);
}

/* Text as stored: NFC with the current tone placement, trimmed; NULL in
 * *out for an empty text. */
static int clean_text(char **out, const char *s, int field, size_t max_bytes)
{
	char *t = trimmed(s), *norm = NULL;
	int rc;
	*out = NULL;
	if (!t)
		return err_set(ERR_NOMEM, "out of memory");
	if (!*t) {
		free(t);
		return 0;
	}
	rc = vn_tone_normalise(&norm, t, strlen(t));
	free(t);
	if (rc < 0)
		return rc;
	if (strlen(norm) > max_bytes) {
		free(norm);
		return err_set(ERR_INVALID, "'%s' is too long: %zu bytes at most", defs[field].name, max_bytes);
	}
	*out = norm;
	return 0;
}

/* The field's text value, its identifier checked and put in its stored form. */
static int check_identifier(organisation__fields *f, int field)
{
	char *v = f->text[field];
	if (!v)
		return 0;
	if (field == ORG_F_TAX_CODE) {
		if (!organisation_tax_code_valid(v))
			return err_set(ERR_INVALID, "'tax_code' %s is not a valid tax code: 10 digits ending with their check digit, or 14 characters for a branch such as 0100109106-001", v);
	} else if (field == ORG_F_ROR) {
		static const char *const prefixes[] = { "https://ror.org/", "http://ror.org/", "ror.org/", NULL };
		char *bare = strdup(strip_prefix(v, prefixes));
		if (!bare)
			return err_set(ERR_NOMEM, "out of memory");
		for (char *p = bare; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		free(f->text[field]);
		f->text[field] = bare;
		if (!organisation_ror_valid(bare))
			return err_set(ERR_INVALID, "'ror' %s is not a ROR id: 0, six characters and two check digits, such as 05dxps055", bare);
	} else if (field == ORG_F_OPENALEX) {
		static const char *const prefixes[] = { "https://openalex.org/institutions/", "https://openalex.org/",
			"http://openalex.org/", "openalex.org/", NULL };
		const char *p = strip_prefix(v, prefixes);
		size_t digits = strspn(p + 1, "0123456789");
		if ((p[0] != 'I' && p[0] != 'i') || digits == 0 || digits > 15 || p[1 + digits])
			return err_set(ERR_INVALID, "'openalex_id' %s is not an OpenAlex institution id: I followed by digits, such as I4210127456", v);
		char *bare = strdup(p);
		if (!bare)
			return err_set(ERR_NOMEM, "out of memory");
		bare[0] = 'I';
		free(f->text[field]);
		f->text[field] = bare;
	}
	return 0;
}

static int read_choice(organisation__fields *f, int field, const char *const *choices, const char *in_words)
{
	if (f->text[field] && !in_list(choices, f->text[field]))
		return err_set(ERR_INVALID, "'%s' must be one of %s", defs[field].name, in_words);
	return 0;
}

static int read_unit(organisation__fields *f, db_conn *db, const json_t *in)
{
	json_t *id = json_object_get(in, "unit_id"), *code = json_object_get(in, "unit_code");
	int rc;
	if (!id && !code)
		return 0;
	f->has[ORG_F_UNIT] = true;
	if ((!id || json_is_null(id)) && (!code || json_is_null(code) || (json_is_string(code) && !*json_string_value(code)))) {
		f->null[ORG_F_UNIT] = true;
		return 0;
	}
	char kind[40] = "", name[200] = "";
	db_stmt *s;
	if (code && !json_is_null(code)) {
		if (!json_is_string(code))
			return err_set(ERR_INVALID, "'%s' must be a string", "unit_code");
		rc = db_prepare(&s, db, "SELECT id, kind, name FROM unit WHERE code = ?");
		if (rc == 0)
			db_bind_text(s, 1, json_string_value(code));
	} else {
		if (!json_is_integer(id))
			return err_set(ERR_INVALID, "'%s' must be a whole number", "unit_id");
		rc = db_prepare(&s, db, "SELECT id, kind, name FROM unit WHERE id = ?");
		if (rc == 0)
			db_bind_int64(s, 1, json_integer_value(id));
	}
	if (rc < 0)
		return rc;
	if ((rc = db_step(s)) == DB_ROW) {
		f->integer[ORG_F_UNIT] = db_column_int64(s, 0);
		snprintf(kind, sizeof(kind), "%s", db_column_text(s, 1));
		snprintf(name, sizeof(name), "%s", db_column_text(s, 2));
	}
	db_finalize(s);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return code && !json_is_null(code)
			? err_set(ERR_INVALID, "'unit_code': there is no unit with the code %s", json_string_value(code))
			: err_set(ERR_INVALID, "'unit_id': there is no unit with the id %lld", (long long)json_integer_value(id));
	if (strcmp(kind, "commune") != 0 && strcmp(kind, "province") != 0)
		return err_set(ERR_INVALID, "%s is not a commune or the province: an organisation's unit is the commune it is in", name);
	return 0;
}

/* sectors: an array of codes (or one text of codes separated by commas or
 * semicolons, as a spreadsheet cell holds them), each a row of table
 * sector; kept in order without repeats as "a,b". */
static int read_sectors(organisation__fields *f, db_conn *db, const json_t *v)
{
	str codes = STR_INIT;
	json_t *list = json_array();
	int rc = 0;
	if (json_is_string(v)) {
		char *copy = strdup(json_string_value(v)), *save = NULL;
		for (char *t = copy ? strtok_r(copy, ",;", &save) : NULL; t; t = strtok_r(NULL, ",;", &save)) {
			char *c = trimmed(t);
			if (c && *c)
				json_array_append_new(list, json_string(c));
			free(c);
		}
		free(copy);
	} else if (json_is_array(v)) {
		json_array_extend(list, (json_t *)v);
	} else {
		json_decref(list);
		return err_set(ERR_INVALID, "'sectors' must be a list of sector codes");
	}
	size_t i;
	json_t *c;
	json_array_foreach(list, i, c) {
		int64_t found = 0;
		if (!json_is_string(c)) {
			rc = err_set(ERR_INVALID, "'sectors' must be a list of sector codes");
			break;
		}
		const char *code = json_string_value(c);
		if ((rc = db_run(db, &found, "SELECT COUNT(*) FROM sector WHERE code = ?", "t", code)) < 0)
			break;
		if (!found) {
			rc = err_set(ERR_INVALID, "'sectors': %s is not a sector code", code);
			break;
		}
		char seek[80];
		snprintf(seek, sizeof(seek), ",%s,", code);
		str_clear(&codes);
		str_appendf(&codes, ",%s,", f->text[ORG_F_SECTORS] ? f->text[ORG_F_SECTORS] : "");
		if (strstr(codes.ptr, seek))
			continue;
		str_clear(&codes);
		if (f->text[ORG_F_SECTORS])
			str_appendf(&codes, "%s,", f->text[ORG_F_SECTORS]);
		str_append(&codes, code);
		free(f->text[ORG_F_SECTORS]);
		f->text[ORG_F_SECTORS] = str_detach(&codes);
	}
	str_free(&codes);
	json_decref(list);
	if (rc == 0 && !f->text[ORG_F_SECTORS])
		f->null[ORG_F_SECTORS] = true;
	return rc;
}

/* A list of texts: aliases (strings) kept in NFC, empty ones dropped,
 * each once. */
static int read_aliases(organisation__fields *f, const json_t *v)
{
	f->aliases = json_array();
	if (json_is_null(v))
		return 0;
	if (!json_is_array(v) || json_array_size(v) > LIST_MAX)
		return err_set(ERR_INVALID, "'aliases' must be a list of at most %d names", LIST_MAX);
	size_t i, j;
	json_t *a, *b;
	json_array_foreach(v, i, a) {
		char *name;
		int rc;
		if (!json_is_string(a))
			return err_set(ERR_INVALID, "'aliases' must be a list of at most %d names", LIST_MAX);
		if ((rc = clean_text(&name, json_string_value(a), ORG_F_ALIASES, 1000)) < 0)
			return rc;
		bool seen = !name;
		json_array_foreach(f->aliases, j, b) seen = seen || strcmp(json_string_value(b), name) == 0;
		if (!seen)
			json_array_append_new(f->aliases, json_string(name));
		free(name);
	}
	return 0;
}

static int read_people(organisation__fields *f, const json_t *v)
{
	f->people = json_array();
	if (json_is_null(v))
		return 0;
	if (!json_is_array(v) || json_array_size(v) > LIST_MAX)
		return err_set(ERR_INVALID, "'people' must be a list of at most %d people {name, role, email, phone}", LIST_MAX);
	size_t i;
	json_t *p;
	json_array_foreach(v, i, p) {
		const char *name, *role, *email = NULL, *phone = NULL;
		char *n = NULL, *r = NULL;
		int rc;
		if (!json_is_object(p))
			return err_set(ERR_INVALID, "'people' must be a list of at most %d people {name, role, email, phone}", LIST_MAX);
		if ((rc = json_get_string(&name, p, "name", 1)) < 0 || (rc = json_get_string(&role, p, "role", 1)) < 0 ||
		    (rc = json_get_string(&email, p, "email", 0)) < 0 || (rc = json_get_string(&phone, p, "phone", 0)) < 0)
			return err_set(ERR_INVALID, "people[%zu]: %s", i, err_msg());
		if (email && *email && (!strchr(email, '@') || strpbrk(email, " \t\r\n")))
			return err_set(ERR_INVALID, "people[%zu]: %s is not an e-mail address", i, email);
		if ((rc = clean_text(&n, name, ORG_F_PEOPLE, 300)) < 0 || (rc = clean_text(&r, role, ORG_F_PEOPLE, 300)) < 0 ||
		    !n || !r) {
			free(n);
			free(r);
			return rc < 0 ? rc : err_set(ERR_INVALID, "people[%zu]: a name and a role are needed", i);
		}
		json_array_append_new(f->people, json_pack("{s:s, s:s, s:s?, s:s?}", "name", n, "role", r, "email",
			email && *email ? email : NULL, "phone", phone && *phone ? phone : NULL));
		free(n);
		free(r);
	}
	return 0;
}

static int read_number(organisation__fields *f, int field, const json_t *v)
{
	if (!json_is_number(v))
		return err_set(ERR_INVALID, "'%s' must be a number", defs[field].name);
	double x = json_number_value(v);
	f->num[field] = x;
	if (field == ORG_F_LAT && (x < LAT_MIN || x > LAT_MAX))
		return err_set(ERR_INVALID, "'lat' %g is outside Viet Nam (latitude %g to %g)", x, LAT_MIN, LAT_MAX);
	if (field == ORG_F_LON && (x < LON_MIN || x > LON_MAX))
		return err_set(ERR_INVALID, "'lon' %g is outside Viet Nam (longitude %g to %g)", x, LON_MIN, LON_MAX);
	return 0;
}

/* A text field's value, checked for its kind of text. */
static int read_text(organisation__fields *f, int field, const json_t *v)
{
	int rc;
	if (!json_is_string(v))
		return err_set(ERR_INVALID, "'%s' must be a string", defs[field].name);
	size_t max = field == ORG_F_DESCRIPTION ? 20000 : field == ORG_F_NAME || field == ORG_F_SHORT_NAME ? 1200 : TEXT_MAX_BYTES;
	if ((rc = clean_text(&f->text[field], json_string_value(v), field, max)) < 0)
		return rc;
	char *t = f->text[field];
	if (!t) {
		f->null[field] = true;
		return 0;
	}
	switch (field) {
	case ORG_F_NAME:
		if (utf8_chars(t) > NAME_MAX_CHARS)
			return err_set(ERR_INVALID, "'%s' may be %d characters at most", "name", NAME_MAX_CHARS);
		return vn_fold(&f->folded, t, strlen(t));
	case ORG_F_TAX_CODE:
	case ORG_F_ROR:
	case ORG_F_OPENALEX:
		return check_identifier(f, field);
	case ORG_F_KIND:
		return read_choice(f, field, organisation_kinds, "university, institute, enterprise, st_enterprise, startup, innovation_centre, fund, agency, foreign_partner");
	case ORG_F_SIZE:
		return read_choice(f, field, sizes, "micro, small, medium, large");
	case ORG_F_STATUS:
		return read_choice(f, field, statuses, "active, inactive, dissolved");
	case ORG_F_FOUNDED_ON:
	case ORG_F_ENDED_ON: {
		date_ymd d;
		if (date_parse(&d, t, strlen(t)) < 0)
			return err_set(ERR_INVALID, "'%s': %s", defs[field].name, err_msg());
		return 0;
	}
	case ORG_F_EMAIL:
		if (!strchr(t, '@') || strpbrk(t, " \t\r\n,;"))
			return err_set(ERR_INVALID, "'email' %s is not an e-mail address", t);
		return 0;
	case ORG_F_WEBSITE:
		if (strpbrk(t, " \t\r\n\"<>") || !strchr(t, '.'))
			return err_set(ERR_INVALID, "'website' %s is not a web address", t);
		if (strncmp(t, "http://", 7) != 0 && strncmp(t, "https://", 8) != 0) {
			char *full = malloc(strlen(t) + 9);
			if (!full)
				return err_set(ERR_NOMEM, "out of memory");
			sprintf(full, "https://%s", t);
			free(f->text[field]);
			f->text[field] = full;
		}
		return 0;
	default:
		return 0;
	}
}

/* One field of `in` (present), by its type. */
static int read_field(organisation__fields *f, db_conn *db, int field, const json_t *v)
{
	f->has[field] = true;
	if (field == ORG_F_ALIASES)
		return read_aliases(f, v);
	if (field == ORG_F_PEOPLE)
		return read_people(f, v);
	if (json_is_null(v)) {
		if (field == ORG_F_KIND || field == ORG_F_NAME || field == ORG_F_STATUS || field == ORG_F_PUBLISHED ||
		    field == ORG_F_DEMO)
			return err_set(ERR_INVALID, "'%s' cannot be cleared", defs[field].name);
		f->null[field] = true;
		return 0;
	}
	if (field == ORG_F_SECTORS)
		return read_sectors(f, db, v);
	switch (defs[field].type) {
	case 'd':
		return read_number(f, field, v);
	case 'i':
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return err_set(ERR_INVALID, "'%s' must be a whole number of 0 or more", defs[field].name);
		f->integer[field] = json_integer_value(v);
		return 0;
	case 'b':
		if (!json_is_boolean(v) && !(json_is_integer(v) && (json_integer_value(v) == 0 || json_integer_value(v) == 1)))
			return err_set(ERR_INVALID, "'%s' must be true or false", defs[field].name);
		f->integer[field] = json_is_true(v) || (json_is_integer(v) && json_integer_value(v) == 1);
		return 0;
	default:
		return read_text(f, field, v);
	}
}

int organisation__fields_read(organisation__fields *f, int *bad_field, db_conn *db, const json_t *in, bool creating)
{
	int rc = 0, at = -1;
	memset(f, 0, sizeof(*f));
	if (bad_field)
		*bad_field = -1;
	if ((rc = json_require_object(in, "the organisation")) < 0)
		return rc;
	for (int i = 0; i < ORG_F_COUNT && rc == 0; i++) {
		json_t *v = json_object_get(in, defs[i].name);
		at = i;
		if (i == ORG_F_UNIT)
			rc = read_unit(f, db, in);
		else if (v)
			rc = read_field(f, db, i, v);
	}
	if (rc == 0 && creating) {
		at = !f->text[ORG_F_KIND] ? ORG_F_KIND : ORG_F_NAME;
		if (!f->text[ORG_F_KIND])
			rc = err_set(ERR_INVALID, "'%s' is required", "kind");
		else if (!f->text[ORG_F_NAME])
			rc = err_set(ERR_INVALID, "'%s' is required", "name");
	}
	if (rc == 0 && f->has[ORG_F_NAME] && !f->text[ORG_F_NAME]) {
		at = ORG_F_NAME;
		rc = err_set(ERR_INVALID, "'%s' is required", "name");
	}
	if (rc == 0 && f->has[ORG_F_KIND] && !f->text[ORG_F_KIND]) {
		at = ORG_F_KIND;
		rc = err_set(ERR_INVALID, "'%s' is required", "kind");
	}
	if (rc < 0 && bad_field)
		*bad_field = at;
	return rc;
}

int organisation__fields_unique(int *bad_field, db_conn *db, int64_t id, const organisation__fields *f)
{
	static const int ids[] = { ORG_F_TAX_CODE, ORG_F_ROR, ORG_F_OPENALEX };
	static const char *const sql[] = {
		"SELECT id, name FROM organisation WHERE tax_code = ? AND status <> 'merged' AND id <> ?",
		"SELECT id, name FROM organisation WHERE ror = ? AND status <> 'merged' AND id <> ?",
		"SELECT id, name FROM organisation WHERE openalex_id = ? AND status <> 'merged' AND id <> ?",
	};
	static const char *const message[] = {
		"the tax code %s belongs to %s already",
		"the ROR id %s belongs to %s already",
		"the OpenAlex id %s belongs to %s already",
	};
	if (bad_field)
		*bad_field = -1;
	for (int i = 0; i < 3; i++) {
		const char *v = f->text[ids[i]];
		db_stmt *s;
		int rc;
		if (!v)
			continue;
		if ((rc = db_prepare(&s, db, sql[i])) < 0)
			return rc;
		db_bind_text(s, 1, v);
		db_bind_int64(s, 2, id);
		if ((rc = db_step(s)) == DB_ROW)
			rc = err_set(ERR_CONFLICT, message[i], v, db_column_text(s, 1));
		db_finalize(s);
		if (rc < 0) {
			if (bad_field)
				*bad_field = ids[i];
			return rc;
		}
	}
	return 0;
}

/* ------------------------------------------------------------ the record */

#define ORG_COLUMNS \
	"o.id, o.kind, o.name, o.short_name, o.tax_code, o.ror, o.openalex_id, o.unit_id, u.code, u.name, u.path, " \
	"o.address, o.lat, o.lon, o.sectors, o.size, o.employees, o.founded_on, o.status, o.ended_on, o.merged_into, " \
	"o.website, o.email, o.phone, o.description, o.published, o.demo, o.created_at, o.updated_at"

json_t *organisation__text_or_null(db_stmt *s, int i)
{
	return db_column_is_null(s, i) ? json_null() : json_string(db_column_text(s, i));
}

json_t *organisation__sector_list(const char *codes)
{
	json_t *list = json_array();
	char *copy = strdup(codes ? codes : ""), *save = NULL;
	for (char *t = copy ? strtok_r(copy, ",", &save) : NULL; t; t = strtok_r(NULL, ",", &save))
		json_array_append_new(list, json_string(t));
	free(copy);
	return list;
}

/* The record of the current row (ORG_COLUMNS), contacts included. */
static json_t *org_row(db_stmt *s)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(db_column_int64(s, 0)));
	json_object_set_new(o, "kind", json_string(db_column_text(s, 1)));
	json_object_set_new(o, "name", json_string(db_column_text(s, 2)));
	json_object_set_new(o, "short_name", organisation__text_or_null(s, 3));
	json_object_set_new(o, "tax_code", organisation__text_or_null(s, 4));
	json_object_set_new(o, "ror", organisation__text_or_null(s, 5));
	json_object_set_new(o, "openalex_id", organisation__text_or_null(s, 6));
	json_object_set_new(o, "unit_id", db_column_is_null(s, 7) ? json_null() : json_integer(db_column_int64(s, 7)));
	json_object_set_new(o, "unit_code", organisation__text_or_null(s, 8));
	json_object_set_new(o, "unit_name", organisation__text_or_null(s, 9));
	json_object_set_new(o, "unit_path", organisation__text_or_null(s, 10));
	json_object_set_new(o, "address", organisation__text_or_null(s, 11));
	json_object_set_new(o, "lat", db_column_is_null(s, 12) ? json_null() : json_real(db_column_double(s, 12)));
	json_object_set_new(o, "lon", db_column_is_null(s, 13) ? json_null() : json_real(db_column_double(s, 13)));
	json_object_set_new(o, "sectors", organisation__sector_list(db_column_text(s, 14)));
	json_object_set_new(o, "size", organisation__text_or_null(s, 15));
	json_object_set_new(o, "employees", db_column_is_null(s, 16) ? json_null() : json_integer(db_column_int64(s, 16)));
	json_object_set_new(o, "founded_on", organisation__text_or_null(s, 17));
	json_object_set_new(o, "status", json_string(db_column_text(s, 18)));
	json_object_set_new(o, "ended_on", organisation__text_or_null(s, 19));
	json_object_set_new(o, "merged_into", db_column_is_null(s, 20) ? json_null() : json_integer(db_column_int64(s, 20)));
	json_object_set_new(o, "website", organisation__text_or_null(s, 21));
	json_object_set_new(o, "email", organisation__text_or_null(s, 22));
	json_object_set_new(o, "phone", organisation__text_or_null(s, 23));
	json_object_set_new(o, "description", organisation__text_or_null(s, 24));
	json_object_set_new(o, "published", json_boolean(db_column_int64(s, 25)));
	json_object_set_new(o, "demo", json_boolean(db_column_int64(s, 26)));
	json_object_set_new(o, "created_at", json_string(db_column_text(s, 27)));
	json_object_set_new(o, "updated_at", json_string(db_column_text(s, 28)));
	return o;
}

static int add_aliases(json_t *o, db_conn *db, int64_t id)
{
	db_stmt *s;
	json_t *list = json_array();
	int rc = db_prepare(&s, db, "SELECT alias FROM organisation_alias WHERE organisation_id = ? ORDER BY alias");
	if (rc == 0) {
		db_bind_int64(s, 1, id);
		while ((rc = db_step(s)) == DB_ROW)
			json_array_append_new(list, json_string(db_column_text(s, 0)));
		db_finalize(s);
	}
	json_object_set_new(o, "aliases", list);
	return rc < 0 ? rc : 0;
}

static int add_people(json_t *o, db_conn *db, int64_t id, bool contacts)
{
	db_stmt *s;
	json_t *list = json_array();
	int rc = db_prepare(&s, db, "SELECT name, role, email, phone FROM organisation_person WHERE organisation_id = ? ORDER BY id");
	if (rc == 0) {
		db_bind_int64(s, 1, id);
		while ((rc = db_step(s)) == DB_ROW) {
			json_t *p = json_pack("{s:s, s:s}", "name", db_column_text(s, 0), "role", db_column_text(s, 1));
			if (contacts) {
				json_object_set_new(p, "email", organisation__text_or_null(s, 2));
				json_object_set_new(p, "phone", organisation__text_or_null(s, 3));
			}
			json_array_append_new(list, p);
		}
		db_finalize(s);
	}
	json_object_set_new(o, "people", list);
	return rc < 0 ? rc : 0;
}

/* The stored record of organisation id (contacts included, as the audit
 * keeps it): its row, aliases and people. ERR_NOTFOUND. */
static int org_record(json_t **out, db_conn *db, int64_t id)
{
	db_stmt *s;
	int rc = db_prepare(&s, db, "SELECT " ORG_COLUMNS " FROM organisation o LEFT JOIN unit u ON u.id = o.unit_id WHERE o.id = ?");
	*out = NULL;
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, id);
	if ((rc = db_step(s)) == DB_ROW)
		*out = org_row(s);
	db_finalize(s);
	if (rc < 0)
		return rc;
	if (!*out)
		return err_set(ERR_NOTFOUND, "no organisation with id %lld", (long long)id);
	if ((rc = add_aliases(*out, db, id)) < 0 || (rc = add_people(*out, db, id, true)) < 0) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

static int add_networks(json_t *o, db_conn *db, int64_t id)
{
	db_stmt *s;
	json_t *list = json_array();
	int rc = db_prepare(&s, db, "SELECT n.id, n.code, n.name, m.role, m.joined_on FROM network_member m "
				     "JOIN network n ON n.id = m.network_id WHERE m.organisation_id = ? AND m.left_on IS NULL "
				     "ORDER BY n.name");
	if (rc == 0) {
		db_bind_int64(s, 1, id);
		while ((rc = db_step(s)) == DB_ROW)
			json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:s, s:o}", "id", (json_int_t)db_column_int64(s, 0),
				"code", db_column_text(s, 1), "name", db_column_text(s, 2), "role", db_column_text(s, 3),
				"joined_on", organisation__text_or_null(s, 4)));
		db_finalize(s);
	}
	json_object_set_new(o, "networks", list);
	return rc < 0 ? rc : 0;
}

#define CHANGE_SELECT \
	"SELECT c.id, c.status, c.fields, c.proposed_by, p.name, c.proposed_at, d.name, c.decided_at, c.reason " \
	"FROM organisation_change c JOIN person p ON p.id = c.proposed_by LEFT JOIN person d ON d.id = c.decided_by "

static json_t *change_row(db_stmt *s)
{
	json_t *fields = NULL;
	const char *text = db_column_text(s, 2);
	if (json_parse(&fields, text, strlen(text)) < 0)
		fields = json_object();
	return json_pack("{s:I, s:s, s:o, s:I, s:s, s:s, s:o, s:o, s:o}", "id", (json_int_t)db_column_int64(s, 0), "status",
		db_column_text(s, 1), "fields", fields, "proposed_by", (json_int_t)db_column_int64(s, 3), "proposed_by_name",
		db_column_text(s, 4), "proposed_at", db_column_text(s, 5), "decided_by_name", organisation__text_or_null(s, 6), "decided_at",
		organisation__text_or_null(s, 7), "reason", organisation__text_or_null(s, 8));
}

int organisation_changes(json_t **out, db_conn *db, int64_t id)
{
	db_stmt *s;
	json_t *list = json_array();
	int rc = db_prepare(&s, db, CHANGE_SELECT "WHERE c.organisation_id = ? ORDER BY c.id DESC");
	*out = NULL;
	if (rc == 0) {
		db_bind_int64(s, 1, id);
		while ((rc = db_step(s)) == DB_ROW)
			json_array_append_new(list, change_row(s));
		db_finalize(s);
	}
	if (rc < 0) {
		json_decref(list);
		return rc;
	}
	*out = json_pack("{s:o}", "changes", list);
	return 0;
}

int organisation_editors(json_t **out, db_conn *db, int64_t id)
{
	db_stmt *s;
	json_t *list = json_array();
	int rc = db_prepare(&s, db, "SELECT p.id, p.login, p.name, e.created_at FROM organisation_editor e "
				     "JOIN person p ON p.id = e.person_id WHERE e.organisation_id = ? ORDER BY p.name, p.id");
	*out = NULL;
	if (rc == 0) {
		db_bind_int64(s, 1, id);
		while ((rc = db_step(s)) == DB_ROW)
			json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)db_column_int64(s, 0),
				"login", db_column_text(s, 1), "name", db_column_text(s, 2), "since", db_column_text(s, 3)));
		db_finalize(s);
	}
	if (rc < 0) {
		json_decref(list);
		return rc;
	}
	*out = json_pack("{s:o}", "editors", list);
	return 0;
}

int organisation_get(json_t **out, db_conn *db, const principal *who, int64_t id)
{
	bool anonymous = !who || (!who->person_id && !who->cli);
	json_t *o, *more;
	int rc = org_record(&o, db, id);
	*out = NULL;
	if (rc < 0)
		return rc;
	if (anonymous && (!json_is_true(json_object_get(o, "published")) ||
			  strcmp(json_string_value(json_object_get(o, "status")), "merged") == 0)) {
		json_decref(o);
		return err_set(ERR_NOTFOUND, "no organisation with id %lld", (long long)id);
	}
	if (anonymous) {
		json_object_del(o, "email");
		json_object_del(o, "phone");
		if ((rc = add_people(o, db, id, false)) < 0)
			goto fail;
	}
	json_object_set_new(o, "unit", json_is_null(json_object_get(o, "unit_id")) ? json_null() :
		json_pack("{s:O, s:O, s:O, s:O}", "id", json_object_get(o, "unit_id"), "code", json_object_get(o, "unit_code"),
			"name", json_object_get(o, "unit_name"), "path", json_object_get(o, "unit_path")));
	json_object_del(o, "unit_path");   /* said once, in "unit" */
	if ((rc = add_networks(o, db, id)) < 0)
		goto fail;
	if (who && authz_registry_writer(who)) {
		if ((rc = organisation_editors(&more, db, id)) < 0)
			goto fail;
		json_object_set(o, "editors", json_object_get(more, "editors"));
		json_decref(more);
	}
	if (who && !anonymous && authz_edits_organisation(who, id)) {
		if ((rc = organisation_changes(&more, db, id)) < 0)
			goto fail;
		json_t *latest = json_array_get(json_object_get(more, "changes"), 0);
		json_object_set(o, "change", latest ? latest : json_null());
		json_decref(more);
	}
	int64_t logo = 0;   /* the logo is seen by whoever sees the profile */
	char url[64];
	if ((rc = db_run(db, &logo, "SELECT logo_id FROM organisation WHERE id = ? AND logo_id IS NOT NULL", "i", id)) < 0)
		goto fail;
	snprintf(url, sizeof(url), "/api/v1/attachments/%lld", (long long)logo);
	json_object_set_new(o, "logo", logo ? json_pack("{s:I, s:s}", "id", (json_int_t)logo, "url", url) : json_null());
	json_object_set_new(o, "can_edit", json_boolean(who && !anonymous && authz_edits_organisation(who, id)));
	*out = o;
	return 0;
fail:
	json_decref(o);
	return rc;
}

int organisation_history(json_t **out, db_conn *db, int64_t id, int64_t limit, int64_t offset)
{
	char id_text[24];
	int64_t exists = 0;
	int rc;
	*out = NULL;
	if ((rc = db_run(db, &exists, "SELECT COUNT(*) FROM organisation WHERE id = ?", "i", id)) < 0)
		return rc;
	if (!exists)
		return err_set(ERR_NOTFOUND, "no organisation with id %lld", (long long)id);
	snprintf(id_text, sizeof(id_text), "%lld", (long long)id);
	audit_filter f = { .entity = "organisation", .entity_id = id_text, .limit = limit, .offset = offset };
	return audit_list(out, db, &f);
}

/* ----------------------------------------------------------------- writes */

static int bind_field(db_stmt *s, int i, const organisation__fields *f, int field)
{
	if (f->null[field])
		return db_bind_null(s, i);
	switch (defs[field].type) {
	case 'd':
		return db_bind_double(s, i, f->num[field]);
	case 'i':
	case 'b':
		return db_bind_int64(s, i, f->integer[field]);
	default:
		return f->text[field] ? db_bind_text(s, i, f->text[field]) : db_bind_null(s, i);
	}
}

/* Writes the fields present in f to the row of organisation id, its
 * aliases, people and search keys; no audit. */
static int fields_write(db_conn *db, int64_t id, const organisation__fields *f, const char *now)
{
	str sql = STR_INIT;
	db_stmt *s;
	int rc, n = 1;
	str_append(&sql, "UPDATE organisation SET updated_at = ?");
	for (int i = 0; i < ORG_F_COUNT; i++)
		if (f->has[i] && defs[i].column)
			str_appendf(&sql, ", %s = ?", defs[i].column);
	if (f->has[ORG_F_NAME])
		str_append(&sql, ", name_folded = ?");
	str_append(&sql, " WHERE id = ?");
	if (str_oom(&sql))
		return err_set(ERR_NOMEM, "out of memory");
	rc = db_prepare(&s, db, sql.ptr);
	str_free(&sql);
	if (rc < 0)
		return rc;
	db_bind_text(s, n++, now);
	for (int i = 0; i < ORG_F_COUNT; i++)
		if (f->has[i] && defs[i].column) {
			if (i == ORG_F_SECTORS && f->null[i])
				db_bind_text(s, n++, "");
			else
				bind_field(s, n++, f, i);
		}
	if (f->has[ORG_F_NAME])
		db_bind_text(s, n++, f->folded);
	db_bind_int64(s, n, id);
	rc = db_step(s);
	db_finalize(s);
	if (rc < 0)
		return rc;
	if (f->has[ORG_F_ALIASES]) {
		size_t i;
		json_t *a;
		if ((rc = db_run(db, NULL, "DELETE FROM organisation_alias WHERE organisation_id = ?", "i", id)) < 0)
			return rc;
		json_array_foreach(f->aliases, i, a) {
			const char *alias = json_string_value(a);
			char *folded = NULL;
			if ((rc = vn_fold(&folded, alias, strlen(alias))) == 0)
				rc = db_run(db, NULL, "INSERT INTO organisation_alias (organisation_id, alias, alias_folded) VALUES (?, ?, ?)",
					"itt", id, alias, folded);
			free(folded);
			if (rc < 0)
				return rc;
		}
	}
	if (f->has[ORG_F_PEOPLE]) {
		size_t i;
		json_t *p;
		if ((rc = db_run(db, NULL, "DELETE FROM organisation_person WHERE organisation_id = ?", "i", id)) < 0)
			return rc;
		json_array_foreach(f->people, i, p)
			if ((rc = db_run(db, NULL, "INSERT INTO organisation_person (organisation_id, name, role, email, phone) "
						  "VALUES (?, ?, ?, ?, ?)", "itttt", id, json_string_value(json_object_get(p, "name")),
				     json_string_value(json_object_get(p, "role")), json_string_value(json_object_get(p, "email")),
				     json_string_value(json_object_get(p, "phone")))) < 0)
				return rc;
	}
	return organisation__changed(db);
}

int organisation__fields_insert(int64_t *out_id, db_conn *db, const principal *who, const organisation__fields *f)
{
	char now[TIME_ISO_SIZE];
	json_t *after;
	int rc;
	time_now_iso(now);
	if ((rc = organisation__fields_unique(NULL, db, 0, f)) < 0 ||
	    (rc = db_run(db, out_id, "INSERT INTO organisation (kind, name, name_folded, created_at, updated_at) "
				     "VALUES (?, ?, ?, ?, ?) RETURNING id", "ttttt", f->text[ORG_F_KIND], f->text[ORG_F_NAME],
		     f->folded, now, now)) < 0 ||
	    (rc = fields_write(db, *out_id, f, now)) < 0 || (rc = org_record(&after, db, *out_id)) < 0)
		return rc;
	return audit_append_id(db, who, "create", "organisation", *out_id, NULL, after);
}

int organisation__fields_apply(db_conn *db, const principal *who, int64_t id, const organisation__fields *f)
{
	char now[TIME_ISO_SIZE];
	json_t *before, *after;
	int rc;
	time_now_iso(now);
	if ((rc = org_record(&before, db, id)) < 0)
		return rc;
	if (strcmp(json_string_value(json_object_get(before, "status")), "merged") == 0) {
		json_decref(before);
		return err_set(ERR_CONFLICT, "%s was merged into another organisation and does not change",
			json_string_value(json_object_get(before, "name")));
	}
	if ((rc = organisation__fields_unique(NULL, db, id, f)) < 0 || (rc = fields_write(db, id, f, now)) < 0 ||
	    (rc = org_record(&after, db, id)) < 0) {
		json_decref(before);
		return rc;
	}
	return audit_append_id(db, who, "update", "organisation", id, before, after);
}

/* Whether the stored value of field in record o equals f's. */
static bool field_same(const json_t *o, const organisation__fields *f, int i)
{
	const char *key = i == ORG_F_UNIT ? "unit_id" : defs[i].name;
	json_t *v = json_object_get(o, key);
	if (i == ORG_F_ALIASES || i == ORG_F_PEOPLE) {
		json_t *mine = i == ORG_F_ALIASES ? f->aliases : f->people;
		if (json_array_size(v) != json_array_size(mine))
			return false;
		size_t a, b;
		json_t *x, *y;
		json_array_foreach(mine, a, x) {
			bool found = false;
			json_array_foreach(v, b, y) found = found || json_equal(x, y);
			if (!found)
				return false;
		}
		return true;
	}
	if (i == ORG_F_SECTORS) {
		json_t *mine = organisation__sector_list(f->null[i] ? "" : f->text[i]);
		bool same = json_equal(mine, v);
		json_decref(mine);
		return same;
	}
	if (f->null[i])
		return json_is_null(v);
	switch (defs[i].type) {
	case 'd':
		return json_is_number(v) && fabs(json_number_value(v) - f->num[i]) < 1e-6;
	case 'i':
		return json_is_integer(v) && json_integer_value(v) == f->integer[i];
	case 'b':
		return json_is_boolean(v) && json_is_true(v) == (f->integer[i] != 0);
	default:
		return json_is_string(v) && f->text[i] && strcmp(json_string_value(v), f->text[i]) == 0;
	}
}

int organisation__fields_differ(bool *out, db_conn *db, int64_t id, const organisation__fields *f)
{
	json_t *o;
	int rc = org_record(&o, db, id);
	*out = false;
	if (rc < 0)
		return rc;
	for (int i = 0; i < ORG_F_COUNT && !*out; i++)
		if (f->has[i] && !field_same(o, f, i))
			*out = true;
	json_decref(o);
	return 0;
}

int organisation_insert(int64_t *out_id, db_conn *db, const principal *who, const json_t *in)
{
	organisation__fields f;
	int rc = organisation__fields_read(&f, NULL, db, in, true);
	if (rc == 0)
		rc = organisation__fields_insert(out_id, db, who, &f);
	organisation__fields_free(&f);
	return rc;
}

int organisation_create(int64_t *out_id, db_conn *db, const principal *who, const json_t *in)
{
	int rc = db_begin_write(db);
	if (rc < 0)
		return rc;
	if ((rc = organisation_insert(out_id, db, who, in)) < 0 || (rc = registry_refresh(db)) < 0) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

/* Keeps an editor's change as the organisation's pending proposal. */
static int propose(int64_t *out_change_id, db_conn *db, const principal *who, int64_t id, const json_t *in)
{
	char now[TIME_ISO_SIZE];
	db_stmt *s;
	json_t *fields = NULL;
	int64_t pending = 0;
	int rc;
	time_now_iso(now);
	if ((rc = db_prepare(&s, db, "SELECT id, fields FROM organisation_change WHERE organisation_id = ? AND status = 'submitted'")) < 0)
		return rc;
	db_bind_int64(s, 1, id);
	if ((rc = db_step(s)) == DB_ROW) {
		const char *text = db_column_text(s, 1);
		pending = db_column_int64(s, 0);
		if (json_parse(&fields, text, strlen(text)) < 0)
			fields = NULL;
	}
	db_finalize(s);
	if (rc < 0)
		return rc;
	if (!fields)
		fields = json_object();
	json_object_update(fields, (json_t *)in);
	char *text = json_dumps(fields, JSON_COMPACT);
	if (!text) {
		json_decref(fields);
		return err_set(ERR_NOMEM, "out of memory");
	}
	if (pending) {
		rc = db_run(db, NULL, "UPDATE organisation_change SET fields = ?, proposed_by = ?, proposed_at = ? WHERE id = ?",
			"titi", text, who->person_id, now, pending);
		*out_change_id = pending;
	} else {
		rc = db_run(db, out_change_id, "INSERT INTO organisation_change (organisation_id, proposed_by, proposed_at, "
					       "fields, status) VALUES (?, ?, ?, ?, 'submitted') RETURNING id",
			"iitt", id, who->person_id, now, text);
	}
	free(text);
	if (rc == 0)
		rc = audit_append_id(db, who, "propose_change", "organisation", id, NULL,
			json_pack("{s:I, s:o}", "change_id", (json_int_t)*out_change_id, "fields", fields));
	else
		json_decref(fields);
	return rc;
}

int organisation_update(int64_t *out_change_id, db_conn *db, const principal *who, int64_t id, const json_t *in)
{
	organisation__fields f;
	int64_t exists = 0;
	int rc;
	*out_change_id = 0;
	if ((rc = db_run(db, &exists, "SELECT COUNT(*) FROM organisation WHERE id = ?", "i", id)) < 0)
		return rc;
	if (!exists)
		return err_set(ERR_NOTFOUND, "no organisation with id %lld", (long long)id);
	bool writer = authz_registry_writer(who);
	if (!writer && !authz_edits_organisation(who, id))
		return err_set(ERR_FORBIDDEN, "%s may not change this organisation", who->login ? who->login : "anonymous");
	if (!writer) {
		static const char *const kept[] = { "published", "status", "ended_on", "demo", NULL };
		for (int i = 0; kept[i]; i++)
			if (json_object_get(in, kept[i]))
				return err_set(ERR_FORBIDDEN, "'%s' is set by the steering office, not by an organisation's editor", kept[i]);
	}
	if ((rc = organisation__fields_read(&f, NULL, db, in, false)) < 0 ||
	    (rc = organisation__fields_unique(NULL, db, id, &f)) < 0 || (rc = db_begin_write(db)) < 0) {
		organisation__fields_free(&f);
		return rc;
	}
	rc = writer ? organisation__fields_apply(db, who, id, &f) : propose(out_change_id, db, who, id, in);
	if (rc == 0 && writer)
		rc = registry_refresh(db);
	organisation__fields_free(&f);
	if (rc < 0) {
		db_rollback(db);
		return rc;
	}
	return db_commit(db);
}

/* Loads the proposal change_id of organisation id, which must be pending:
 * its fields (caller decrefs). */
static int pending_change(json_t **fields, db_conn *db, int64_t id, int64_t change_id)
{
	db_stmt *s;
	char status[16] = "";
	int rc = db_prepare(&s, db, "SELECT status, fields FROM organisation_change WHERE id = ? AND organisation_id = ?");
	*fields = NULL;
	if (rc < 0)
		return rc;
	db_bind_int64(s, 1, change_id);
	db_bind_int64(s, 2, id);
	if ((rc = db_step(s)) == DB_ROW) {
		const char *text = db_column_text(s, 1);
		snprintf(status, sizeof(status), "%s", db_column_text(s, 0));
		if (json_parse(fields, text, strlen(text)) < 0)
			*fields = json_object();
	}
	db_finalize(s);
	if (rc < 0)
		return rc;
	if (rc != DB_ROW)
		return err_set(ERR_NOTFOUND, "organisation %lld has no proposed change %lld", (long long)id, (long long)change_id);
	if (strcmp(status, "submitted") != 0) {
		json_decref(*fields);
		*fields = NULL;
		return err_set(ERR_CONFLICT, "this proposed change was decided already");
	}
	return 0;
}

static int decide(db_conn *db, const principal *who, int64_t id, int64_t change_id, const char *reason)
{
	char now[TIME_ISO_SIZE];
	json_t *fields;
	organisation__fields f = { 0 };
	int rc;
	time_now_iso(now);
	if ((rc = db_begin_write(db)) < 0)
		return rc;
	if ((rc = pending_change(&fields, db, id, change_id)) < 0)
		goto fail;
	if (!reason && ((rc = organisation__fields_read(&f, NULL, db, fields, false)) < 0 ||
			(rc = organisation__fields_apply(db, who, id, &f)) < 0 || (rc = registry_refresh(db)) < 0))
		goto fail;
	if ((rc = db_run(db, NULL, "UPDATE organisation_change SET status = ?, decided_at = ?, reason = ? WHERE id = ?", "ttti",
		     reason ? "refused" : "approved", now, reason, change_id)) < 0 ||
	    (who->person_id && (rc = db_run(db, NULL, "UPDATE organisation_change SET decided_by = ? WHERE id = ?", "ii",
					who->person_id, change_id)) < 0))
		goto fail;
	rc = audit_append_id(db, who, reason ? "refuse_change" : "approve_change", "organisation", id, NULL,
		json_pack("{s:I, s:O, s:s?}", "change_id", (json_int_t)change_id, "fields", fields, "reason", reason));
	if (rc < 0)
		goto fail;
	json_decref(fields);
	organisation__fields_free(&f);
	return db_commit(db);
fail:
	db_rollback(db);
	json_decref(fields);
	organisation__fields_free(&f);
	return rc;
}

int organisation_change_approve(db_conn *db, const principal *who, int64_t id, int64_t change_id)
{
	return decide(db, who, id, change_id, NULL);
}

int organisation_change_refuse(db_conn *db, const principal *who, int64_t id, int64_t change_id, const char *reason)
{
	char *why = reason ? trimmed(reason) : NULL;
	if (!why || !*why) {
		free(why);
		return err_set(ERR_INVALID, "say why the change is refused ('reason')");
	}
	int rc = decide(db, who, id, change_id, why);
	free(why);
	return rc;
}

/* ---------------------------------------------------------------- editors */

int organisation_editor_add(db_conn *db, const principal *who, int64_t id, int64_t person_id)
{
	char now[TIME_ISO_SIZE];
	int64_t org = 0, person = 0, already = 0;
	int rc;
	time_now_iso(now);
	if ((rc = db_begin_write(db)) < 0)
		return rc;
	if ((rc = db_run(db, &org, "SELECT COUNT(*) FROM organisation WHERE id = ? AND status <> 'merged'", "i", id)) < 0 ||
	    (rc = db_run(db, &person, "SELECT COUNT(*) FROM person WHERE id = ?", "i", person_id)) < 0 ||
	    (rc = db_run(db, &already, "SELECT COUNT(*) FROM organisation_editor WHERE person_id = ? AND organisation_id = ?",
		     "ii", person_id, id)) < 0)
		goto fail;
	if (!org) {
		rc = err_set(ERR_NOTFOUND, "no organisation with id %lld", (long long)id);
		goto fail;
	}
	if (!person) {
		rc = err_set(ERR_NOTFOUND, "no person with id %lld", (long long)person_id);
		goto fail;
	}
	if (!already &&
	    ((rc = db_run(db, NULL, "INSERT INTO organisation_editor (person_id, organisation_id, created_at) VALUES (?, ?, ?)",
		      "iit", person_id, id, now)) < 0 ||
	     (rc = audit_append_id(db, who, "editor_add", "organisation", id, NULL,
		      json_pack("{s:I}", "person_id", (json_int_t)person_id))) < 0))
		goto fail;
	return db_commit(db);
fail:
	db_rollback(db);
	return rc;
}

int organisation_editor_remove(db_conn *db, const principal *who, int64_t id, int64_t person_id)
{
	int rc;
	if ((rc = db_begin_write(db)) < 0)
		return rc;
	if ((rc = db_run(db, NULL, "DELETE FROM organisation_editor WHERE person_id = ? AND organisation_id = ?", "ii",
		     person_id, id)) < 0)
		goto fail;
	if (db_changes(db) == 0) {
		rc = err_set(ERR_NOTFOUND, "person %lld does not edit organisation %lld", (long long)person_id, (long long)id);
		goto fail;
	}
	if ((rc = audit_append_id(db, who, "editor_remove", "organisation", id,
		     json_pack("{s:I}", "person_id", (json_int_t)person_id), NULL)) < 0)
		goto fail;
	return db_commit(db);
fail:
	db_rollback(db);
	return rc;
}

/* ------------------------------------------------------- duplicates, merge */

static json_t *dup_side(db_stmt *s, int at)
{
	return json_pack("{s:I, s:s, s:s, s:o, s:o, s:o, s:o}", "id", (json_int_t)db_column_int64(s, at), "name",
		db_column_text(s, at + 1), "kind", db_column_text(s, at + 2), "tax_code", organisation__text_or_null(s, at + 3), "unit_id",
		db_column_is_null(s, at + 4) ? json_null() : json_integer(db_column_int64(s, at + 4)), "unit_code",
		organisation__text_or_null(s, at + 5), "unit_name", organisation__text_or_null(s, at + 6));
}

int organisation_duplicates(json_t **out, db_conn *db)
{
	static const struct {
		const char *reason, *on;
	} rules[] = {
		{ "tax_code", "b.tax_code = a.tax_code" },
		{ "ror", "b.ror = a.ror" },
		{ "openalex_id", "b.openalex_id = a.openalex_id" },
		{ "name", "b.name_folded = a.name_folded AND COALESCE(b.unit_id, 0) = COALESCE(a.unit_id, 0)" },
	};
	json_t *list = json_array();
	int rc = 0;
	*out = NULL;
	for (size_t r = 0; r < sizeof(rules) / sizeof(rules[0]) && rc >= 0; r++) {
		char sql[1024];
		db_stmt *s;
		snprintf(sql, sizeof(sql),
			"SELECT a.id, a.name, a.kind, a.tax_code, a.unit_id, ua.code, ua.name, "
			"b.id, b.name, b.kind, b.tax_code, b.unit_id, ub.code, ub.name "
			"FROM organisation a JOIN organisation b ON %s AND b.id > a.id "
			"LEFT JOIN unit ua ON ua.id = a.unit_id LEFT JOIN unit ub ON ub.id = b.unit_id "
			"WHERE a.status <> 'merged' AND b.status <> 'merged' ORDER BY a.name_folded, a.id, b.id LIMIT 1000",
			rules[r].on);
		if ((rc = db_prepare(&s, db, sql)) < 0)
			break;
		while ((rc = db_step(s)) == DB_ROW)
			json_array_append_new(list, json_pack("{s:s, s:o, s:o}", "reason", rules[r].reason, "a", dup_side(s, 0),
				"b", dup_side(s, 7)));
		db_finalize(s);
	}
	if (rc < 0) {
		json_decref(list);
		return rc;
	}
	*out = json_pack("{s:o, s:I}", "duplicates", list, "total", (json_int_t)json_array_size(list));
	return 0;
}

/* Moves the rows of a table keyed by (other, organisation) from dup to
 * kept where kept has none for the same other, and drops the rest. */
static int move_keyed(db_conn *db, const char *table, const char *other, int64_t kept, int64_t dup)
{
	char sql[512];
	int rc;
	snprintf(sql, sizeof(sql), "UPDATE %s SET organisation_id = ? WHERE organisation_id = ? AND %s NOT IN "
				   "(SELECT %s FROM %s WHERE organisation_id = ?)", table, other, other, table);
	if ((rc = db_run(db, NULL, sql, "iii", kept, dup, kept)) < 0)
		return rc;
	snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE organisation_id = ?", table);
	return db_run(db, NULL, sql, "i", dup);
}

/* Every reference to dup in the rest of the registry, pointed at kept. */
static int move_references(db_conn *db, int64_t kept, int64_t dup)
{
	static const char *const updates[] = {
		"UPDATE organisation_person SET organisation_id = ? WHERE organisation_id = ?",
		"UPDATE resource SET organisation_id = ? WHERE organisation_id = ?",
		"UPDATE booking SET organisation_id = ? WHERE organisation_id = ?",
		"UPDATE agreement_problem SET organisation_id = ? WHERE organisation_id = ?",
		"UPDATE network SET coordinator_id = ? WHERE coordinator_id = ?",
		"UPDATE fund SET organisation_id = ? WHERE organisation_id = ?",
		"UPDATE investment SET investor_id = ? WHERE investor_id = ?",
		"UPDATE investment SET startup_id = ? WHERE startup_id = ?",
		"UPDATE support_programme SET provider_id = ? WHERE provider_id = ?",
		"UPDATE commercialisation SET organisation_id = ? WHERE organisation_id = ?",
		"UPDATE commercialisation SET partner_id = ? WHERE partner_id = ?",
	};
	static const char *const keyed[][2] = {
		{ "organisation_editor", "person_id" },
		{ "network_member", "network_id" },
		{ "agreement_party", "agreement_id" },
		{ "fund_member", "fund_id" },
		{ "support_recipient", "programme_id" },
	};
	int rc = 0;
	for (size_t i = 0; i < sizeof(updates) / sizeof(updates[0]) && rc >= 0; i++)
		rc = db_run(db, NULL, updates[i], "ii", kept, dup);
	for (size_t i = 0; i < sizeof(keyed) / sizeof(keyed[0]) && rc >= 0; i++)
		rc = move_keyed(db, keyed[i][0], keyed[i][1], kept, dup);
	return rc;
}

/* The duplicate's names and aliases as aliases of kept (those that are
 * not kept's name already). */
static int move_names(db_conn *db, const json_t *kept, const json_t *dup)
{
	json_t *names = json_array();
	size_t i;
	json_t *a;
	int rc = 0;
	int64_t kept_id = json_integer_value(json_object_get(kept, "id"));
	json_array_append(names, json_object_get(dup, "name"));
	if (json_is_string(json_object_get(dup, "short_name")))
		json_array_append(names, json_object_get(dup, "short_name"));
	json_array_extend(names, json_object_get(dup, "aliases"));
	json_array_foreach(names, i, a) {
		const char *alias = json_string_value(a);
		char *folded = NULL;
		int64_t have = 0;
		if (strcmp(alias, json_string_value(json_object_get(kept, "name"))) == 0)
			continue;
		if ((rc = db_run(db, &have, "SELECT COUNT(*) FROM organisation_alias WHERE organisation_id = ? AND alias = ?", "it",
			     kept_id, alias)) < 0)
			break;
		if (have)
			continue;
		if ((rc = vn_fold(&folded, alias, strlen(alias))) == 0)
			rc = db_run(db, NULL, "INSERT INTO organisation_alias (organisation_id, alias, alias_folded) VALUES (?, ?, ?)",
				"itt", kept_id, alias, folded);
		free(folded);
		if (rc < 0)
			break;
	}
	json_decref(names);
	return rc;
}

/* The identifiers kept lacks, taken from the duplicate (now merged). */
static int take_identifiers(db_conn *db, const json_t *kept, const json_t *dup)
{
	static const char *const columns[] = { "tax_code", "ror", "openalex_id" };
	char sql[128];
	int rc = 0;
	for (int i = 0; i < 3 && rc >= 0; i++) {
		json_t *mine = json_object_get(kept, columns[i]), *theirs = json_object_get(dup, columns[i]);
		if (!json_is_null(mine) || !json_is_string(theirs))
			continue;
		snprintf(sql, sizeof(sql), "UPDATE organisation SET %s = ? WHERE id = ?", columns[i]);
		rc = db_run(db, NULL, sql, "ti", json_string_value(theirs), json_integer_value(json_object_get(kept, "id")));
	}
	return rc;
}

int organisation_merge(db_conn *db, const principal *who, int64_t kept_id, int64_t duplicate_id)
{
	char now[TIME_ISO_SIZE];
	json_t *kept = NULL, *dup = NULL, *kept_after = NULL, *dup_after = NULL;
	char *dup_text = NULL;
	int rc;
	if (kept_id == duplicate_id)
		return err_set(ERR_INVALID, "an organisation cannot be merged into itself");
	time_now_iso(now);
	if ((rc = db_begin_write(db)) < 0)
		return rc;
	if ((rc = org_record(&kept, db, kept_id)) < 0 || (rc = org_record(&dup, db, duplicate_id)) < 0)
		goto fail;
	if (strcmp(json_string_value(json_object_get(kept, "status")), "merged") == 0 ||
	    strcmp(json_string_value(json_object_get(dup, "status")), "merged") == 0) {
		rc = err_set(ERR_INVALID, "%s was merged already", strcmp(json_string_value(json_object_get(kept, "status")), "merged") == 0
			? json_string_value(json_object_get(kept, "name")) : json_string_value(json_object_get(dup, "name")));
		goto fail;
	}
	if (!(dup_text = json_dumps(dup, JSON_COMPACT))) {
		rc = err_set(ERR_NOMEM, "out of memory");
		goto fail;
	}
	char today[11];
	snprintf(today, sizeof(today), "%.10s", now);
	if ((rc = db_run(db, NULL, "UPDATE organisation SET status = 'merged', merged_into = ?, ended_on = ?, updated_at = ? "
				   "WHERE id = ?", "itti", kept_id, today, now, duplicate_id)) < 0 ||
	    (rc = move_names(db, kept, dup)) < 0 || (rc = move_references(db, kept_id, duplicate_id)) < 0 ||
	    (rc = take_identifiers(db, kept, dup)) < 0 ||
	    (rc = db_run(db, NULL, "UPDATE organisation SET updated_at = ? WHERE id = ?", "ti", now, kept_id)) < 0 ||
	    (rc = db_run(db, NULL, "DELETE FROM organisation_alias WHERE organisation_id = ?", "i", duplicate_id)) < 0 ||
	    (rc = organisation__changed(db)) < 0 ||
	    (rc = db_run(db, NULL, "INSERT INTO organisation_merge (kept_id, merged_id, merged_at, before) VALUES (?, ?, ?, ?)",
		     "iitt", kept_id, duplicate_id, now, dup_text)) < 0 ||
	    (who && who->person_id && (rc = db_run(db, NULL, "UPDATE organisation_merge SET merged_by = ? WHERE merged_id = ? "
							      "AND merged_at = ?", "iit", who->person_id, duplicate_id, now)) < 0))
		goto fail;
	if ((rc = org_record(&kept_after, db, kept_id)) < 0 || (rc = org_record(&dup_after, db, duplicate_id)) < 0)
		goto fail;
	rc = audit_append_id(db, who, "merge", "organisation", duplicate_id, dup, dup_after);
	dup = dup_after = NULL;
	if (rc < 0)
		goto fail;
	rc = audit_append_id(db, who, "merge_into", "organisation", kept_id, kept, kept_after);
	kept = kept_after = NULL;
	if (rc < 0 || (rc = registry_refresh(db)) < 0)
		goto fail;
	free(dup_text);
	return db_commit(db);
fail:
	db_rollback(db);
	json_decref(kept);
	json_decref(dup);
	json_decref(kept_after);
	json_decref(dup_after);
	free(dup_text);
	return rc;
}
