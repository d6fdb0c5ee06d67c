/* config: defaults, environment, flags and their validation. */
#include "cli/config.h"
#include "util/err.h"
#include "util/log.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int parse_threads(int *out, const char *s)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < 1 || v > 256)
		return err_set(ERR_INVALID, "threads '%s' must be a whole number from 1 to 256", s);
	*out = (int)v;
	return 0;
}

/* A whole number option from min to max, named in the message. */
static int parse_int(int *out, const char *s, const char *name, long min, long max)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < min || v > max)
		return err_set(ERR_INVALID, "%s '%s' must be a whole number from %ld to %ld", name, s, min, max);
	*out = (int)v;
	return 0;
}

/* The connection options: name of the flag, of the variable, the field. */
typedef struct int_option {
	const char *flag, *env;
	size_t offset;
	long min, max;
} int_option;

static const int_option int_options[] = {
	{ "workers", "NQ57_WORKERS", offsetof(nq57_config, workers), 1, 256 },
	{ "heavy-workers", "NQ57_HEAVY_WORKERS", offsetof(nq57_config, heavy_workers), 1, 256 },
	{ "max-connections", "NQ57_MAX_CONNECTIONS", offsetof(nq57_config, max_connections), 16, 1000000 },
	{ "max-per-address", "NQ57_MAX_PER_ADDRESS", offsetof(nq57_config, max_per_address), 0, 1000000 },
	{ "header-timeout", "NQ57_HEADER_TIMEOUT", offsetof(nq57_config, header_timeout), 1, 3600 },
	{ "body-timeout", "NQ57_BODY_TIMEOUT", offsetof(nq57_config, body_timeout), 1, 3600 },
	{ "job-lease", "NQ57_JOB_LEASE", offsetof(nq57_config, job_lease), 1, 3600 },
};

static int set_int_option(nq57_config *c, const int_option *o, const char *value)
{
	return parse_int((int *)(void *)((char *)c + o->offset), value, o->flag, o->min, o->max);
}

int config_parse_size(size_t *out, const char *s)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	unsigned long long mult = 1;
	if (*end == 'k' || *end == 'K')
		mult = 1024, end++;
	else if (*end == 'm' || *end == 'M')
		mult = 1024 * 1024, end++;
	if (errno || *end || end == s || s[0] == '-' || v == 0 || v > (1ull << 34) / mult)
		return err_set(ERR_INVALID, "size '%s' must be a positive number of bytes, optionally with k or M", s);
	*out = (size_t)(v * mult);
	return 0;
}

int config_load_env(nq57_config *c)
{
	const char *v;
	int rc;
	memset(c, 0, sizeof(*c));
	c->db_url = CONFIG_DEFAULT_DB;
	c->listen = CONFIG_DEFAULT_LISTEN;
	c->data_dir = CONFIG_DEFAULT_DATA_DIR;
	c->log_level = "info";
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	c->threads = n > 0 && n <= 64 ? (int)n : 2;
	c->max_body = 1024 * 1024;
	c->max_upload = 20 * 1024 * 1024;
	/* Handlers wait on the database and the disk as much as on the CPU:
	 * the quick pool grows with the work up to this many threads; heavy
	 * work is CPU-bound and gets one thread per CPU. */
	c->workers = 16;
	c->heavy_workers = c->threads;
	c->max_connections = 2048;
	c->max_per_address = 256;
	c->header_timeout = 10;
	c->body_timeout = 10;
	c->job_lease = 60;
	if ((v = getenv("NQ57_DB")) && *v)
		c->db_url = v;
	if ((v = getenv("NQ57_LISTEN")) && *v)
		c->listen = v;
	if ((v = getenv("NQ57_DATA_DIR")) && *v)
		c->data_dir = v;
	if ((v = getenv("NQ57_WEB_DIR")) && *v)
		c->web_dir = v;
	if ((v = getenv("NQ57_LOG")) && *v)
		c->log_level = v;
	if ((v = getenv("NQ57_THREADS")) && *v && (rc = parse_threads(&c->threads, v)) < 0)
		return err_set(rc, "NQ57_THREADS: %s", err_msg());
	if ((v = getenv("NQ57_MAX_BODY")) && *v && (rc = config_parse_size(&c->max_body, v)) < 0)
		return err_set(rc, "NQ57_MAX_BODY: %s", err_msg());
	if ((v = getenv("NQ57_MAX_UPLOAD")) && *v && (rc = config_parse_size(&c->max_upload, v)) < 0)
		return err_set(rc, "NQ57_MAX_UPLOAD: %s", err_msg());
	for (size_t i = 0; i < sizeof(int_options) / sizeof(int_options[0]); i++)
		if ((v = getenv(int_options[i].env)) && *v && (rc = set_int_option(c, &int_options[i], v)) < 0)
			return err_set(rc, "%s: %s", int_options[i].env, err_msg());
	if ((v = getenv("NQ57_SMTP")) && *v)
		c->smtp = v;
	if ((v = getenv("NQ57_MAIL_FROM")) && *v)
		c->mail_from = v;
	return 0;
}

int config_set(nq57_config *c, const char *name, const char *value)
{
	if (strcmp(name, "db") == 0)
		c->db_url = value;
	else if (strcmp(name, "listen") == 0)
		c->listen = value;
	else if (strcmp(name, "data-dir") == 0)
		c->data_dir = value;
	else if (strcmp(name, "web-dir") == 0)
		c->web_dir = value;
	else if (strcmp(name, "log") == 0)
		c->log_level = value;
	else if (strcmp(name, "threads") == 0)
		return parse_threads(&c->threads, value);
	else if (strcmp(name, "max-body") == 0)
		return config_parse_size(&c->max_body, value);
	else if (strcmp(name, "max-upload") == 0)
		return config_parse_size(&c->max_upload, value);
	else if (strcmp(name, "smtp") == 0)
		c->smtp = value;
	else if (strcmp(name, "mail-from") == 0)
		c->mail_from = value;
	else {
		for (size_t i = 0; i < sizeof(int_options) / sizeof(int_options[0]); i++)
			if (strcmp(name, int_options[i].flag) == 0)
				return set_int_option(c, &int_options[i], value);
		return err_set(ERR_INVALID, "unknown option --%s", name);
	}
	return 0;
}

int config_parse_listen(char *host, size_t host_size, int *port, const char *s)
{
	const char *colon = strrchr(s, ':');
	const char *h = s;
	size_t hlen;
	if (!colon)
		return err_set(ERR_INVALID, "listen address '%s' must be HOST:PORT, e.g. 127.0.0.1:8057", s);
	hlen = (size_t)(colon - s);
	if (hlen >= 2 && s[0] == '[' && s[hlen - 1] == ']')
		h = s + 1, hlen -= 2;
	if (hlen == 0 || hlen >= host_size)
		return err_set(ERR_INVALID, "listen address '%s' has no valid host", s);
	char *end;
	errno = 0;
	long p = strtol(colon + 1, &end, 10);
	if (errno || *end || end == colon + 1 || p < 0 || p > 65535)
		return err_set(ERR_INVALID, "listen port in '%s' must be a number from 0 to 65535", s);
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	if (strcmp(host, "localhost") == 0)
		snprintf(host, host_size, "127.0.0.1");
	*port = (int)p;
	return 0;
}


/* mkdir -p for path; 0 or ERR_INVALID naming the directory. */
static int make_dirs(const char *path, const char *what)
{
	char buf[PATH_MAX];
	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return err_set(ERR_INVALID, "%s '%s' is too long", what, path);
	for (char *p = buf + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;
		*p = '\0';
		if (mkdir(buf, 0750) < 0 && errno != EEXIST)
			return err_set(ERR_INVALID, "%s '%s' cannot be created: %s", what, path, strerror(errno));
		*p = saved;
		if (!saved)
			break;
	}
	struct stat st;
	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		return err_set(ERR_INVALID, "%s '%s' is not a directory", what, path);
	return 0;
}

/* Proves the directory is writable by creating and removing a file. */
static int check_writable(const char *dir, const char *what)
{
	char probe[PATH_MAX];
	snprintf(probe, sizeof(probe), "%s/.nq57-write-test-%d", dir, (int)getpid());
	int fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return err_set(ERR_INVALID, "%s '%s' is not writable: %s", what, dir, strerror(errno));
	close(fd);
	unlink(probe);
	return 0;
}

static int default_web_dir(nq57_config *c)
{
	char exe[4000];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return err_set(ERR_INVALID, "no web directory given (--web-dir or NQ57_WEB_DIR)");
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	*slash = '\0';
	if (snprintf(c->web_dir_buf, sizeof(c->web_dir_buf), "%.4000s/web", exe) >= (int)sizeof(c->web_dir_buf))
		return err_set(ERR_INVALID, "no web directory given (--web-dir or NQ57_WEB_DIR)");
	c->web_dir = c->web_dir_buf;
	return 0;
}

/* For sqlite:PATH, creates the directory the file lives in. */
static int sqlite_dir_prepare(const char *url)
{
	const char *path = url + strlen("sqlite:");
	const char *slash = strrchr(path, '/');
	if (!slash || slash == path || strcmp(path, ":memory:") == 0)
		return 0;
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	return make_dirs(dir, "database directory");
}

int config_check_serve(nq57_config *c)
{
	int rc;
	if ((rc = config_parse_listen(c->host, sizeof(c->host), &c->port, c->listen)) < 0)
		return rc;
	if ((rc = make_dirs(c->data_dir, "data directory")) < 0 ||
	    (rc = check_writable(c->data_dir, "data directory")) < 0)
		return rc;
	if (!c->web_dir && (rc = default_web_dir(c)) < 0)
		return rc;
	char index[PATH_MAX];
	if (snprintf(index, sizeof(index), "%s/index.html", c->web_dir) >= (int)sizeof(index) ||
	    access(index, R_OK) < 0)
		return err_set(ERR_INVALID, "web directory '%s' has no index.html (build it with make)", c->web_dir);
	if (c->smtp) {
		if ((rc = config_parse_listen(c->smtp_host, sizeof(c->smtp_host), &c->smtp_port, c->smtp)) < 0 || c->smtp_port == 0)
			return err_set(ERR_INVALID, "mail server '%s' must be HOST:PORT, e.g. 127.0.0.1:25", c->smtp);
		if (!c->mail_from || !strchr(c->mail_from, '@'))
			return err_set(ERR_INVALID, "a mail server needs the sender's address (--mail-from or NQ57_MAIL_FROM)");
	}
	return 0;
}

int config_check_db_url(nq57_config *c)
{
	enum log_level lv;
	int rc;
	if ((rc = log_level_parse(&lv, c->log_level)) < 0)
		return rc;
	log_threshold = lv;
	return db_url_check(&c->db_kind, c->db_url);
}

int config_check_db(nq57_config *c)
{
	int rc;
	if ((rc = config_check_db_url(c)) < 0)
		return rc;
	if (c->db_kind == DB_SQLITE)
		return sqlite_dir_prepare(c->db_url);
	return 0;
}

static int option_allowed(const char *name, const char *const *allowed)
{
	for (; *allowed; allowed++)
		if (strcmp(*allowed, name) == 0)
			return 1;
	return 0;
}

int config_parse_args(nq57_config *c, int argc, char **argv, const char *const *allowed)
{
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (strncmp(arg, "--", 2) != 0)
			return err_set(ERR_INVALID, "unexpected argument '%s'", arg);
		char name[32];
		const char *eq = strchr(arg + 2, '='), *value;
		size_t n = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
		if (n == 0 || n >= sizeof(name))
			return err_set(ERR_INVALID, "unknown option '%s'", arg);
		memcpy(name, arg + 2, n);
		name[n] = '\0';
		if (!option_allowed(name, allowed))
			return err_set(ERR_INVALID, "unknown option --%s for %s (see nq57 %s --help)", name, argv[0], argv[0]);
		if (eq)
			value = eq + 1;
		else if (i + 1 < argc)
			value = argv[++i];
		else
			return err_set(ERR_INVALID, "option --%s needs a value", name);
		int rc = config_set(c, name, value);
		if (rc < 0)
			return rc;
	}
	return 0;
}
