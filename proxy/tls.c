/* tls.c — TLS client sessions by libssl, loaded on first use. */
#include "tls.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "../common/dl.h"
#include "../common/xalloc.h"

/* The libssl (and, through it, libcrypto) functions used. */
static struct {
	__typeof__(&TLS_client_method) client_method;
	__typeof__(&SSL_CTX_new) ctx_new;
	__typeof__(&SSL_CTX_free) ctx_free;
	__typeof__(&SSL_CTX_ctrl) ctx_ctrl;
	__typeof__(&SSL_CTX_set_verify) ctx_set_verify;
	__typeof__(&SSL_CTX_set_default_verify_paths) ctx_default_paths;
	__typeof__(&SSL_CTX_load_verify_locations) ctx_load_locations;
	__typeof__(&SSL_new) new;
	__typeof__(&SSL_free) free;
	__typeof__(&SSL_set_fd) set_fd;
	__typeof__(&SSL_ctrl) ctrl;
	__typeof__(&SSL_set1_host) set1_host;
	__typeof__(&SSL_connect) connect;
	__typeof__(&SSL_read_ex) read_ex;
	__typeof__(&SSL_write_ex) write_ex;
	__typeof__(&SSL_get_error) get_error;
	__typeof__(&SSL_pending) pending;
	__typeof__(&SSL_get_verify_result) verify_result;
	__typeof__(&X509_verify_cert_error_string) verify_string;
	__typeof__(&ERR_get_error) err_get;
	__typeof__(&ERR_error_string_n) err_string;
} ssl;

static const char *load_error;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void)
{
	static const char *const libs[] = { "libssl.so.3", "libssl.so", NULL };
	const struct dl_sym syms[] = {
		{ "TLS_client_method", (void **)&ssl.client_method },
		{ "SSL_CTX_new", (void **)&ssl.ctx_new },
		{ "SSL_CTX_free", (void **)&ssl.ctx_free },
		{ "SSL_CTX_ctrl", (void **)&ssl.ctx_ctrl },
		{ "SSL_CTX_set_verify", (void **)&ssl.ctx_set_verify },
		{ "SSL_CTX_set_default_verify_paths", (void **)&ssl.ctx_default_paths },
		{ "SSL_CTX_load_verify_locations", (void **)&ssl.ctx_load_locations },
		{ "SSL_new", (void **)&ssl.new },
		{ "SSL_free", (void **)&ssl.free },
		{ "SSL_set_fd", (void **)&ssl.set_fd },
		{ "SSL_ctrl", (void **)&ssl.ctrl },
		{ "SSL_set1_host", (void **)&ssl.set1_host },
		{ "SSL_connect", (void **)&ssl.connect },
		{ "SSL_read_ex", (void **)&ssl.read_ex },
		{ "SSL_write_ex", (void **)&ssl.write_ex },
		{ "SSL_get_error", (void **)&ssl.get_error },
		{ "SSL_pending", (void **)&ssl.pending },
		{ "SSL_get_verify_result", (void **)&ssl.verify_result },
		{ "X509_verify_cert_error_string", (void **)&ssl.verify_string },
		{ "ERR_get_error", (void **)&ssl.err_get },
		{ "ERR_error_string_n", (void **)&ssl.err_string },
	};

	load_error = dl_load(libs, syms, sizeof(syms) / sizeof(syms[0]));
}

struct tls_ctx {
	SSL_CTX *ctx;
};

struct tls {
	SSL *s;
	char why[256];
};

struct tls_ctx *tls_ctx_new(const char *ca_file, struct err *e)
{
	struct tls_ctx *c;
	SSL_CTX *ctx;

	pthread_once(&once, load);
	if (load_error) {
		err_set(e, "credential routes need OpenSSL's libssl (Debian package libssl3): %s",
			load_error);
		return NULL;
	}
	ctx = ssl.ctx_new(ssl.client_method());
	if (ctx == NULL) {
		err_set(e, "libssl cannot make a TLS context");
		return NULL;
	}
	ssl.ctx_ctrl(ctx, SSL_CTRL_SET_MIN_PROTO_VERSION, TLS1_2_VERSION, NULL);
	ssl.ctx_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	if (ca_file ? ssl.ctx_load_locations(ctx, ca_file, NULL) != 1
		    : ssl.ctx_default_paths(ctx) != 1) {
		err_set(e, ca_file ? "cannot load the CA certificates of '%s'"
				   : "cannot load the system's CA certificates%s", ca_file ? ca_file : "");
		ssl.ctx_free(ctx);
		return NULL;
	}
	c = xcalloc(1, sizeof(*c));
	c->ctx = ctx;
	return c;
}

void tls_ctx_free(struct tls_ctx *c)
{
	if (c == NULL)
		return;
	ssl.ctx_free(c->ctx);
	free(c);
}

struct tls *tls_new(struct tls_ctx *c, int fd, const char *host)
{
	struct tls *t = xcalloc(1, sizeof(*t));

	t->s = ssl.new(c->ctx);
	if (t->s == NULL || ssl.set_fd(t->s, fd) != 1 ||
	    ssl.ctrl(t->s, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
		     (void *)host) != 1 ||
	    ssl.set1_host(t->s, host) != 1) {
		tls_free(t);
		return NULL;
	}
	return t;
}

void tls_free(struct tls *t)
{
	if (t == NULL)
		return;
	if (t->s)
		ssl.free(t->s);
	free(t);
}

/* What a call that returned `rc` asks for next. */
static enum tls_io outcome(struct tls *t, int rc)
{
	int err = ssl.get_error(t->s, rc);
	long verify = ssl.verify_result(t->s);
	unsigned long code;

	switch (err) {
	case SSL_ERROR_WANT_READ:
		return TLS_WANT_READ;
	case SSL_ERROR_WANT_WRITE:
		return TLS_WANT_WRITE;
	case SSL_ERROR_ZERO_RETURN:
		return TLS_EOF;
	default:
		break;
	}
	if (verify != X509_V_OK) {
		snprintf(t->why, sizeof(t->why), "the server's certificate: %s",
			 ssl.verify_string(verify));
	} else if ((code = ssl.err_get()) != 0) {
		ssl.err_string(code, t->why, sizeof(t->why));
	} else {
		snprintf(t->why, sizeof(t->why), "the connection broke (TLS error %d)", err);
	}
	while (ssl.err_get() != 0)
		; /* the queue is per thread: leave it empty */
	return TLS_FAILED;
}

enum tls_io tls_handshake(struct tls *t)
{
	int rc = ssl.connect(t->s);

	return rc == 1 ? TLS_DONE : outcome(t, rc);
}

enum tls_io tls_read(struct tls *t, void *buf, size_t n, size_t *moved)
{
	*moved = 0;
	return ssl.read_ex(t->s, buf, n, moved) == 1 ? TLS_DONE : outcome(t, 0);
}

enum tls_io tls_write(struct tls *t, const void *buf, size_t n, size_t *moved)
{
	*moved = 0;
	return ssl.write_ex(t->s, buf, n, moved) == 1 ? TLS_DONE : outcome(t, 0);
}

bool tls_pending(const struct tls *t)
{
	return ssl.pending(t->s) > 0;
}

const char *tls_why(const struct tls *t)
{
	return t->why;
}
