/* smtp: one message over a plain SMTP session (smtp.h). */
#include "util/smtp.h"
#include "util/err.h"
#include "util/str.h"

#include <netdb.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define SMTP_TIMEOUT_MS 10000

typedef struct session {
	int fd;
	char buf[1024];
	size_t len;
	char reply[512];   /* the last reply's last line */
} session;

static int connect_to(int *fd, const char *host, int port)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
	char service[8];
	snprintf(service, sizeof(service), "%d", port);
	if (getaddrinfo(host, service, &hints, &res) != 0)
		return err_set(ERR_UNAVAILABLE, "mail server %s: unknown host", host);
	*fd = -1;
	for (ai = res; ai && *fd < 0; ai = ai->ai_next) {
		*fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (*fd >= 0 && connect(*fd, ai->ai_addr, ai->ai_addrlen) < 0) {
			close(*fd);
			*fd = -1;
		}
	}
	freeaddrinfo(res);
	return *fd >= 0 ? 0 : err_set(ERR_UNAVAILABLE, "mail server %s:%d cannot be reached", host, port);
}

static int wait_for(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };
	int n = poll(&p, 1, SMTP_TIMEOUT_MS);
	return n == 1 ? 0 : err_set(ERR_UNAVAILABLE, "the mail server did not answer in time");
}

/* Reads one line (without CRLF) into line. */
static int read_line(session *s, char *line, size_t size)
{
	for (;;) {
		char *nl = memchr(s->buf, '\n', s->len);
		if (nl) {
			size_t n = (size_t)(nl - s->buf), keep = n > 0 && nl[-1] == '\r' ? n - 1 : n;
			snprintf(line, size, "%.*s", (int)keep, s->buf);
			memmove(s->buf, nl + 1, s->len - n - 1);
			s->len -= n + 1;
			return 0;
		}
		if (s->len == sizeof(s->buf))
			return err_set(ERR_GENERIC, "the mail server sent a line too long");
		int rc = wait_for(s->fd, POLLIN);
		if (rc < 0)
			return rc;
		ssize_t got = read(s->fd, s->buf + s->len, sizeof(s->buf) - s->len);
		if (got <= 0)
			return err_set(ERR_UNAVAILABLE, "the mail server closed the connection");
		s->len += (size_t)got;
	}
}

/* Reads a (multi-line) reply; ERR_GENERIC unless its code is `want`. */
static int expect(session *s, int want)
{
	char line[512];
	int rc;
	do {
		if ((rc = read_line(s, line, sizeof(line))) < 0)
			return rc;
	} while (strlen(line) > 3 && line[3] == '-');
	snprintf(s->reply, sizeof(s->reply), "%s", line);
	if (atoi(line) != want)
		return err_set(ERR_GENERIC, "the mail server answered: %s", line);
	return 0;
}

static int send_all(session *s, const char *p, size_t n)
{
	while (n > 0) {
		int rc = wait_for(s->fd, POLLOUT);
		if (rc < 0)
			return rc;
		ssize_t w = send(s->fd, p, n, MSG_NOSIGNAL);
		if (w <= 0)
			return err_set(ERR_UNAVAILABLE, "the mail server closed the connection");
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int command(session *s, int want, const char *fmt, const char *arg)
{
	char line[600];
	int n = snprintf(line, sizeof(line), fmt, arg);
	if (n < 0 || (size_t)n >= sizeof(line))
		return err_set(ERR_INVALID, "an address is too long");
	int rc = send_all(s, line, (size_t)n);
	return rc < 0 ? rc : expect(s, want);
}

/* The message: headers (the subject as RFC 2047 base64 UTF-8), the body
 * with CRLF line ends and dot-stuffing, the final dot. */
static void message(str *m, const char *from, const char *const *to, int n, const char *subject, const char *body)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	str_appendf(m, "From: %s\r\nTo: ", from);
	for (int i = 0; i < n; i++)
		str_appendf(m, "%s%s", i ? ", " : "", to[i]);
	str_append(m, "\r\nSubject: =?UTF-8?B?");
	const unsigned char *p = (const unsigned char *)subject;
	size_t len = strlen(subject);
	for (size_t i = 0; i < len; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (i + 1 < len ? (unsigned)p[i + 1] << 8 : 0) | (i + 2 < len ? p[i + 2] : 0);
		str_appendc(m, b64[v >> 18 & 63]);
		str_appendc(m, b64[v >> 12 & 63]);
		str_appendc(m, i + 1 < len ? b64[v >> 6 & 63] : '=');
		str_appendc(m, i + 2 < len ? b64[v & 63] : '=');
	}
	str_append(m, "?=\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n");
	bool line_start = true;
	for (const char *c = body; *c; c++) {
		if (line_start && *c == '.')
			str_appendc(m, '.');
		if (*c == '\n')
			str_append(m, "\r\n");
		else if (*c != '\r')
			str_appendc(m, *c);
		line_start = *c == '\n';
	}
	str_append(m, line_start ? ".\r\n" : "\r\n.\r\n");
}

static bool address_ok(const char *a)
{
	return a && *a && strlen(a) < 256 && !strpbrk(a, "\r\n<>") && strchr(a, '@');
}

int smtp_send(const char *host, int port, const char *from, const char *const *to, int n, const char *subject,
	const char *body)
{
	session s = { .fd = -1 };
	int rc;
	if (!address_ok(from))
		return err_set(ERR_INVALID, "the sender's address '%s' is not an email address", from ? from : "");
	for (int i = 0; i < n; i++)
		if (!address_ok(to[i]))
			return err_set(ERR_INVALID, "'%s' is not an email address", to[i]);
	if ((rc = connect_to(&s.fd, host, port)) < 0)
		return rc;
	str m = { 0 };
	message(&m, from, to, n, subject, body);
	if ((rc = expect(&s, 220)) == 0 && (rc = command(&s, 250, "EHLO %s\r\n", "nq57")) == 0 &&
	    (rc = command(&s, 250, "MAIL FROM:<%s>\r\n", from)) == 0) {
		for (int i = 0; rc == 0 && i < n; i++)
			rc = command(&s, 250, "RCPT TO:<%s>\r\n", to[i]);
		if (rc == 0 && (rc = command(&s, 354, "%sDATA\r\n", "")) == 0 && (rc = send_all(&s, m.ptr, m.len)) == 0 &&
		    (rc = expect(&s, 250)) == 0)
			command(&s, 221, "QUIT\r\n%s", "");
	}
	str_free(&m);
	close(s.fd);
	return rc;
}
