/* static: serves the files of the web directory (GET and HEAD only), with
 * content types, ETag revalidation and caching headers, never outside it. */
#ifndef NQ57_HTTP_STATIC_H
#define NQ57_HTTP_STATIC_H

#include "http/server.h"

/* Answers req from web_dir: 200/304 with the file, 404 if absent or not
 * allowed, 405 for other methods. Returns 0 once answered, or an error. */
int http_static_serve(http_req *req, const char *web_dir);

/* The Content-Type for a file name, by extension. */
const char *http_static_content_type(const char *path);

/* 0 if path (starting with '/') is safe to join to the web directory:
 * no "." or ".." segments, no backslashes or control bytes. */
int http_static_path_check(const char *path);

#endif
