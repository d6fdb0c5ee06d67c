/* registry_load: the whole registry from one JSON document, in one
 * transaction (the demo's scripts/demo/registry.json): organisations named
 * by a "key" that the other records use in place of ids. */
#include "domain/ecosystem/agreement.h"
#include "domain/ecosystem/booking.h"
#include "domain/ecosystem/fund.h"
#include "domain/ecosystem/network.h"
#include "domain/ecosystem/organisation.h"
#include "domain/ecosystem/registry.h"
#include "domain/programme/indicator.h"
#include "util/err.h"
#include "util/json.h"

#include <string.h>

typedef struct loader {
	db_conn *db;
	const principal *who;
	json_t *keys;   /* organisation key -> id */
	registry_counts *n;
} loader;

/* The id of the organisation with this key. */
static int org_id(int64_t *out, loader *l, const char *key, const char *what)
{
	json_t *id = key ? json_object_get(l->keys, key) : NULL;
	if (!id)
		return err_set(ERR_INVALID, "%s: no organisation with key '%s' in the file", what, key ? key : "");
	*out = json_integer_value(id);
	return 0;
}

/* A copy of in without the fields named in drop (NULL-terminated). */
static json_t *copy_without(const json_t *in, const char *const *drop)
{
	json_t *c = json_deep_copy(in);
	for (; c && *drop; drop++)
		json_object_del(c, *drop);
	return c;
}

/* Replaces the key in field `from` of o by its id in field `to`. */
static int key_to_id(loader *l, json_t *o, const char *from, const char *to, const char *what)
{
	const char *key = json_string_value(json_object_get(o, from));
	int64_t id = 0;
	int rc;
	if (!key)
		return 0;
	if ((rc = org_id(&id, l, key, what)) < 0)
		return rc;
	json_object_del(o, from);
	json_object_set_new(o, to, json_integer(id));
	return 0;
}

static int mark_demo(loader *l, const char *table, int64_t id, const json_t *in)
{
	char sql[96];
	if (!json_is_true(json_object_get(in, "demo")))
		return 0;
	snprintf(sql, sizeof(sql), "UPDATE %s SET demo = 1 WHERE id = ?", table);
	return db_run(l->db, NULL, sql, "i", id);
}

static int load_organisations(loader *l, const json_t *list)
{
	static const char *const drop[] = { "key", NULL };
	size_t i;
	json_t *o;
	json_array_foreach(list, i, o) {
		const char *key = json_string_value(json_object_get(o, "key"));
		json_t *in = copy_without(o, drop);
		int64_t id = 0;
		int rc = organisation_insert(&id, l->db, l->who, in);
		json_decref(in);
		if (rc < 0)
			return err_set(rc, "organisation %zu ('%s'): %s", i + 1, key ? key : "", err_msg());
		if (key)
			json_object_set_new(l->keys, key, json_integer(id));
		l->n->organisations++;
	}
	return 0;
}

static int load_networks(loader *l, const json_t *list)
{
	static const char *const drop[] = { "members", NULL };
	size_t i, j;
	json_t *o, *m;
	json_array_foreach(list, i, o) {
		json_t *in = copy_without(o, drop);
		int64_t id = 0;
		int rc = key_to_id(l, in, "coordinator", "coordinator_id", "network");
		if (rc == 0)
			rc = network_insert(&id, l->db, l->who, in);
		json_decref(in);
		if (rc < 0)
			return err_set(rc, "network %zu: %s", i + 1, err_msg());
		const char *code = json_string_value(json_object_get(o, "code"));
		json_array_foreach(json_object_get(o, "members"), j, m) {
			int64_t org = 0;
			const char *role = json_string_value(json_object_get(m, "role"));
			if ((rc = org_id(&org, l, json_string_value(json_object_get(m, "organisation")), "network member")) == 0)
				rc = db_run(l->db, NULL,
					"INSERT INTO network_member (network_id, organisation_id, role, joined_on) VALUES (?, ?, ?, ?)",
					"iitt", id, org, role ? role : "member", json_string_value(json_object_get(m, "joined_on")));
			if (rc < 0)
				return err_set(rc, "network %s, member %zu: %s", code, j + 1, err_msg());
		}
		l->n->networks++;
	}
	return 0;
}

static int load_resources(loader *l, const json_t *list)
{
	size_t i;
	json_t *o;
	json_array_foreach(list, i, o) {
		json_t *in = json_deep_copy(o);
		int64_t id = 0;
		json_t *net = json_object_get(in, "network");
		if (net) {
			json_object_set(in, "network_code", net);
			json_object_del(in, "network");
		}
		json_object_del(in, "demo");
		int rc = key_to_id(l, in, "organisation", "organisation_id", "resource");
		if (rc == 0)
			rc = resource_insert(&id, l->db, l->who, in);
		json_decref(in);
		if (rc == 0)
			rc = mark_demo(l, "resource", id, o);
		if (rc < 0)
			return err_set(rc, "resource %zu: %s", i + 1, err_msg());
		l->n->resources++;
	}
	return 0;
}

static int load_bookings(loader *l, const json_t *list)
{
	size_t i;
	json_t *o;
	json_array_foreach(list, i, o) {
		const char *name = json_string_value(json_object_get(o, "resource"));
		int64_t resource = 0, id = 0;
		int rc = db_run(l->db, &resource, "SELECT id FROM resource WHERE name = ?", "t", name ? name : "");
		if (rc == 0 && !resource)
			rc = err_set(ERR_INVALID, "booking %zu: no resource named '%s'", i + 1, name ? name : "");
		json_t *in = json_deep_copy(o);
		json_object_del(in, "resource");
		const char *requester = json_string_value(json_object_get(o, "requester"));
		int64_t org = 0;
		if (rc == 0 && requester && (rc = org_id(&org, l, requester, "booking")) == 0) {
			json_t *oname = NULL;
			if ((rc = organisation_get(&oname, l->db, l->who, org)) == 0) {
				json_object_set(in, "requester_name", json_object_get(oname, "name"));
				json_decref(oname);
			}
			json_object_del(in, "requester");
			json_object_set_new(in, "organisation_id", json_integer(org));
		}
		if (rc == 0)
			rc = booking_insert(&id, l->db, l->who, resource, in);
		json_decref(in);
		if (rc == 0)
			rc = db_run(l->db, NULL, "UPDATE booking SET demo = 1 WHERE id = ?", "i", id);
		if (rc < 0)
			return err_set(rc, "booking %zu: %s", i + 1, err_msg());
		l->n->bookings++;
	}
	return 0;
}

static int load_agreements(loader *l, const json_t *list)
{
	static const char *const drop[] = { "parties", "problems", "focus", NULL };
	size_t i, j;
	json_t *o, *p;
	json_array_foreach(list, i, o) {
		json_t *in = copy_without(o, drop), *parties = json_array();
		int64_t id = 0, party = 0;
		int rc = 0;
		json_object_set(in, "focus", json_object_get(o, "focus") ? json_object_get(o, "focus") : json_array());
		json_array_foreach(json_object_get(o, "parties"), j, p) {
			if ((rc = org_id(&party, l, json_string_value(p), "agreement party")) < 0)
				break;
			json_array_append_new(parties, json_pack("{s:I}", "organisation_id", (json_int_t)party));
		}
		json_object_set_new(in, "parties", parties);
		if (rc == 0)
			rc = agreement_insert(&id, l->db, l->who, in);
		json_decref(in);
		/* the problems its partners brought */
		json_array_foreach(json_object_get(o, "problems"), j, p) {
			if (rc < 0)
				break;
			json_t *problem = json_deep_copy(p);
			int64_t problem_id;
			if ((rc = key_to_id(l, problem, "brought_by", "organisation_id", "agreement problem")) == 0)
				rc = agreement_problem_insert(&problem_id, l->db, l->who, id, problem);
			json_decref(problem);
		}
		if (rc < 0)
			return err_set(rc, "agreement %zu: %s", i + 1, err_msg());
		l->n->agreements++;
	}
	return 0;
}

/* members: [{organisation: key, ...}] -> [{organisation_id, ...}] */
static int keyed_list(loader *l, json_t *in, const char *field, const char *what)
{
	json_t *list = json_object_get(in, field), *m;
	size_t j;
	int rc;
	json_array_foreach(list, j, m) {
		if ((rc = key_to_id(l, m, "organisation", "organisation_id", what)) < 0)
			return rc;
	}
	return 0;
}

static int load_funds(loader *l, const json_t *list)
{
	size_t i;
	json_t *o;
	json_array_foreach(list, i, o) {
		json_t *in = json_deep_copy(o);
		int64_t id = 0;
		int rc = key_to_id(l, in, "organisation", "organisation_id", "fund");
		if (rc == 0)
			rc = keyed_list(l, in, "members", "fund member");
		if (rc == 0)
			rc = fund_insert(&id, l->db, l->who, in);
		json_decref(in);
		if (rc < 0)
			return err_set(rc, "fund %zu: %s", i + 1, err_msg());
		l->n->funds++;
	}
	return 0;
}

static int load_investments(loader *l, const json_t *list)
{
	size_t i;
	json_t *o;
	json_array_foreach(list, i, o) {
		json_t *in = json_deep_copy(o);
		int64_t id = 0;
		json_t *fund = json_object_get(in, "fund");
		if (fund) {
			json_object_set(in, "fund_code", fund);
			json_object_del(in, "fund");
		}
		int rc = key_to_id(l, in, "investor", "investor_id", "investment");
		if (rc == 0)
			rc = key_to_id(l, in, "startup", "startup_id", "investment");
		if (rc == 0)
			rc = investment_insert(&id, l->db, l->who, in);
		json_decref(in);
		if (rc < 0)
			return err_set(rc, "investment %zu: %s", i + 1, err_msg());
		l->n->investments++;
	}
	return 0;
}

static int load_support(loader *l, const json_t *list)
{
	size_t i;
	json_t *o;
	json_array_foreach(list, i, o) {
		json_t *in = json_deep_copy(o);
		int64_t id = 0, network = 0;
		int rc = key_to_id(l, in, "provider", "provider_id", "support programme");
		const char *net = json_string_value(json_object_get(in, "network"));
		if (rc == 0 && net && (rc = network_id_of(&network, l->db, net, true)) == 0) {
			json_object_del(in, "network");
			json_object_set_new(in, "network_id", json_integer(network));
		}
		if (rc == 0)
			rc = keyed_list(l, in, "recipients", "support recipient");
		if (rc == 0)
			rc = support_insert(&id, l->db, l->who, in);
		json_decref(in);
		if (rc < 0)
			return err_set(rc, "support programme %zu: %s", i + 1, err_msg());
		l->n->support_programmes++;
	}
	return 0;
}

static int load_commercialisations(loader *l, const json_t *list)
{
	size_t i;
	json_t *o;
	json_array_foreach(list, i, o) {
		json_t *in = json_deep_copy(o);
		int64_t id = 0;
		int rc = key_to_id(l, in, "organisation", "organisation_id", "commercialisation");
		if (rc == 0)
			rc = key_to_id(l, in, "partner", "partner_id", "commercialisation");
		if (rc == 0)
			rc = commercialisation_insert(&id, l->db, l->who, in);
		json_decref(in);
		if (rc < 0)
			return err_set(rc, "commercialisation %zu: %s", i + 1, err_msg());
		l->n->commercialisations++;
	}
	return 0;
}

static int load_indicators(loader *l, const json_t *list)
{
	size_t i;
	json_t *o;
	json_array_foreach(list, i, o) {
		int64_t id = 0;
		int rc = indicator_insert(&id, l->db, l->who, o);
		if (rc < 0)
			return err_set(rc, "indicator %zu: %s", i + 1, err_msg());
		l->n->indicators++;
	}
	return 0;
}

int registry_load(registry_counts *out, db_conn *db, const principal *who, const json_t *in)
{
	loader l = { .db = db, .who = who, .keys = json_object(), .n = out };
	int rc;
	memset(out, 0, sizeof(*out));
	if ((rc = json_require_object(in, "the registry")) < 0) {
		json_decref(l.keys);
		return rc;
	}
	if ((rc = db_begin_write(db)) < 0) {
		json_decref(l.keys);
		return rc;
	}
	if ((rc = load_organisations(&l, json_object_get(in, "organisations"))) < 0 ||
	    (rc = load_networks(&l, json_object_get(in, "networks"))) < 0 ||
	    (rc = load_resources(&l, json_object_get(in, "resources"))) < 0 ||
	    (rc = load_bookings(&l, json_object_get(in, "bookings"))) < 0 ||
	    (rc = load_agreements(&l, json_object_get(in, "agreements"))) < 0 ||
	    (rc = load_funds(&l, json_object_get(in, "funds"))) < 0 ||
	    (rc = load_investments(&l, json_object_get(in, "investments"))) < 0 ||
	    (rc = load_support(&l, json_object_get(in, "support_programmes"))) < 0 ||
	    (rc = load_commercialisations(&l, json_object_get(in, "commercialisations"))) < 0 ||
	    (rc = load_indicators(&l, json_object_get(in, "indicators"))) < 0 || (rc = registry_refresh(db)) < 0)
		db_rollback(db);
	else
		rc = db_commit(db);
	json_decref(l.keys);
	return rc;
}
