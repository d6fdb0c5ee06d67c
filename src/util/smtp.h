/* smtp: sends one plain-text UTF-8 message to a mail server over SMTP
 * (RFC 5321) without encryption or authentication: meant for a relay on
 * the same host or network (a local postfix, an organisation's relay). */
#ifndef NQ57_SMTP_H
#define NQ57_SMTP_H

/* Sends subject and body (UTF-8; lines end in \n) from `from` to each of
 * the n addresses in to. Returns 0, ERR_UNAVAILABLE when the server
 * cannot be reached, or ERR_GENERIC with the server's reply. */
int smtp_send(const char *host, int port, const char *from, const char *const *to, int n, const char *subject,
	const char *body);

#endif
