/* static: the web/ file server. */
#include "http/static.h"
#include "util/err.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct {
	const char *ext;
	const char *type;
} content_types[] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".mjs", "text/javascript; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".json", "application/json" },
	{ ".map", "application/json" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".jpg", "image/jpeg" },
	{ ".jpeg", "image/jpeg" },
	{ ".ico", "image/x-icon" },
	{ ".woff2", "font/woff2" },
	{ ".txt", "text/plain; charset=utf-8" },
	{ ".csv", "text/csv; charset=utf-8" },
	{ ".pdf", "application/pdf" },
	{ ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
};

const char *http_static_content_type(const char *path)
{
	const char *dot = strrchr(path, '.');
	const char *slash = strrchr(path, '/');
	if (dot && (!slash || dot > slash))
		for (size_t i = 0; i < sizeof(content_types) / sizeof(content_types[0]); i++)
			if (strcasecmp(dot, content_types[i].ext) == 0)
				return content_types[i].type;
	return "application/octet-stream";
}

int http_static_path_check(const char *path)
{
	if (path[0] != '/' || strlen(path) > 1024)
		return err_set(ERR_NOTFOUND, "not found");
	for (const char *p = path; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == '\\' || *p == 0x7f)
			return err_set(ERR_NOTFOUND, "not found");
	const char *seg = path + 1;
	while (*seg) {
		size_t n = strcspn(seg, "/");
		if ((n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.'))
			return err_set(ERR_NOTFOUND, "not found");
		seg += n;
		if (*seg == '/')
			seg++;
	}
	return 0;
}

static int respond_text(http_req *req, int status, const char *text)
{
	return http_respond(req, status, "text/plain; charset=utf-8", text, strlen(text));
}

static int not_found(http_req *req)
{
	return respond_text(req, 404, "Không tìm thấy trang / Not found\n");
}

/* Opens root+path if it is a regular file whose real path stays in root. */
static int open_inside(int *out_fd, struct stat *st, const char *root, const char *path)
{
	char joined[PATH_MAX], real_root[PATH_MAX], real_file[PATH_MAX];
	if (snprintf(joined, sizeof(joined), "%s%s", root, path) >= (int)sizeof(joined))
		return ERR_NOTFOUND;
	if (!realpath(root, real_root) || !realpath(joined, real_file))
		return ERR_NOTFOUND;
	size_t n = strlen(real_root);
	if (strncmp(real_file, real_root, n) != 0 || real_file[n] != '/')
		return ERR_NOTFOUND;
	int fd = open(real_file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ERR_NOTFOUND;
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
		close(fd);
		return ERR_NOTFOUND;
	}
	*out_fd = fd;
	return 0;
}

static const char *cache_control(const char *path)
{
	/* Vendored libraries change only with the build; our own files are
	 * revalidated with their ETag on every load. */
	if (strncmp(path, "/vendor/", 8) == 0)
		return "public, max-age=86400";
	return "no-cache";
}

int http_static_serve(http_req *req, const char *web_dir)
{
	if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0) {
		http_req_add_header(req, "Allow", "GET, HEAD");
		return respond_text(req, 405, "Method not allowed\n");
	}
	const char *path = strcmp(req->path, "/") == 0 ? "/index.html" : req->path;
	int fd;
	struct stat st;
	if (http_static_path_check(path) < 0 || open_inside(&fd, &st, web_dir, path) < 0)
		return not_found(req);
	char *etag = arena_sprintf(&req->a, "\"%llx-%llx\"", (unsigned long long)st.st_size,
		(unsigned long long)st.st_mtim.tv_sec * 1000000000ull + (unsigned long long)st.st_mtim.tv_nsec);
	if (!etag) {
		close(fd);
		return err_set(ERR_NOMEM, "out of memory");
	}
	http_req_add_header(req, "ETag", etag);
	http_req_add_header(req, "Cache-Control", cache_control(path));
	const char *inm = http_req_header(req, "If-None-Match");
	if (inm && strcmp(inm, etag) == 0) {
		close(fd);
		return http_respond(req, 304, http_static_content_type(path), "", 0);
	}
	return http_respond_fd(req, 200, http_static_content_type(path), fd, (uint64_t)st.st_size);
}
