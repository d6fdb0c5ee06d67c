/* organisation_fields: the fields of an organisation — the one table of
 * them, their checks (tax code, ROR, OpenAlex id, commune, coordinates,
 * sectors), reading them from JSON and writing them to the row. */
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
char *organisation__trimmed(const char *s)
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
	char *t = organisation__trimmed(s), *norm = NULL;
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
			char *c = organisation__trimmed(t);
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

/* ---------------------------------------------------------- column helpers */

json_t *organisation__text_or_null(db_stmt *s, int i)
{
	return db_column_is_null(s, i) ? json_null() : json_string(db_column_text(s, i));
}

json_t *organisation__sector_list(const char *codes)
{
	return json_csv_list(codes);
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
	    (rc = fields_write(db, *out_id, f, now)) < 0 || (rc = organisation__record(&after, db, *out_id)) < 0)
		return rc;
	return audit_append_id(db, who, "create", "organisation", *out_id, NULL, after);
}

int organisation__fields_apply(db_conn *db, const principal *who, int64_t id, const organisation__fields *f)
{
	char now[TIME_ISO_SIZE];
	json_t *before, *after;
	int rc;
	time_now_iso(now);
	if ((rc = organisation__record(&before, db, id)) < 0)
		return rc;
	if (strcmp(json_string_value(json_object_get(before, "status")), "merged") == 0) {
		json_decref(before);
		return err_set(ERR_CONFLICT, "%s was merged into another organisation and does not change",
			json_string_value(json_object_get(before, "name")));
	}
	if ((rc = organisation__fields_unique(NULL, db, id, f)) < 0 || (rc = fields_write(db, id, f, now)) < 0 ||
	    (rc = organisation__record(&after, db, id)) < 0) {
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
	int rc = organisation__record(&o, db, id);
	*out = false;
	if (rc < 0)
		return rc;
	for (int i = 0; i < ORG_F_COUNT && !*out; i++)
		if (f->has[i] && !field_same(o, f, i))
			*out = true;
	json_decref(o);
	return 0;
}
