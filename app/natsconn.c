/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * natsconn.c: NATS connection set-up for agent and collect (natsconn.h).
 *
 * The client library (libnats, Debian's libnats-dev) does the protocol,
 * TLS, authentication and reconnection; this file turns netcap's options
 * into its options and its errors into one line.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "natsconn.h"

#define MAX_SERVERS 16

bool nc_sensor_ok(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (!isalnum((unsigned char)s[n]) && s[n] != '_' && s[n] != '-')
			return false;
	return n > 0 && n <= NC_SENSOR_MAX;
}

void nc_sensor_default(char *buf, size_t len)
{
	char host[256];

	if (gethostname(host, sizeof(host)) != 0 || !host[0])
		snprintf(host, sizeof(host), "sensor");
	host[sizeof(host) - 1] = 0;
	size_t i = 0;
	for (; host[i] && i + 1 < len && i < NC_SENSOR_MAX; i++) {
		unsigned char c = (unsigned char)host[i];
		buf[i] = isalnum(c) || c == '_' || c == '-' ? (char)c : '_';
	}
	buf[i] = 0;
}

void nc_batch_msg_id(char *buf, size_t len, const char *sensor, uint64_t run,
		     const char *type, uint64_t seq)
{
	snprintf(buf, len, "%s.%016" PRIx64 ".%s.%" PRIu64, sensor, run, type,
		 seq);
}

/* First line of a file (a secret): 0, or -1 with err set. */
static int read_secret(const char *what, const char *path, char *out,
		       size_t len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");

	if (!f) {
		snprintf(err, errlen, "%s %s: %s", what, path, strerror(errno));
		return -1;
	}
	if (!fgets(out, (int)len, f))
		out[0] = 0;
	fclose(f);
	out[strcspn(out, "\r\n")] = 0;
	if (!out[0]) {
		snprintf(err, errlen, "%s %s: empty", what, path);
		return -1;
	}
	return 0;
}

static void on_disconnected(natsConnection *nc, void *arg)
{
	const struct nc_nats_events *ev = arg;

	(void)nc;
	if (ev->disconnected)
		ev->disconnected(ev->arg);
}

static void on_reconnected(natsConnection *nc, void *arg)
{
	const struct nc_nats_events *ev = arg;

	(void)nc;
	if (ev->reconnected)
		ev->reconnected(ev->arg);
}

/* "what failed: the library's words" */
static void nats_err(char *err, size_t errlen, const char *what, natsStatus s)
{
	natsStatus ls;
	const char *last = nats_GetLastError(&ls);

	if (last && *last)
		snprintf(err, errlen, "%s: %s", what, last);
	else
		snprintf(err, errlen, "%s: %s", what, natsStatus_GetText(s));
}

/* Split servers at commas into urls (pointers into buf). */
static int split_servers(const char *servers, char *buf, size_t len,
			 const char **urls, char *err, size_t errlen)
{
	int n = 0;

	snprintf(buf, len, "%s", servers);
	for (char *save = NULL, *u = strtok_r(buf, ",", &save); u;
	     u = strtok_r(NULL, ",", &save)) {
		if (n == MAX_SERVERS) {
			snprintf(err, errlen, "--nats: at most %d servers",
				 MAX_SERVERS);
			return -1;
		}
		urls[n++] = u;
	}
	if (!n) {
		snprintf(err, errlen, "--nats: no server URL");
		return -1;
	}
	return n;
}

static natsStatus set_auth(natsOptions *no, const struct nc_nats_opts *o,
			   char *err, size_t errlen, bool *bad)
{
	char secret[1024];
	natsStatus s = NATS_OK;

	*bad = false;
	if (o->creds)
		s = natsOptions_SetUserCredentialsFromFiles(no, o->creds, NULL);
	if (s == NATS_OK && (o->nkey || o->nkey_seed)) {
		if (!o->nkey || !o->nkey_seed) {
			snprintf(
			    err, errlen,
			    "--nats-nkey and --nats-nkey-seed go together");
			*bad = true;
			return NATS_ERR;
		}
		/* libnats reads the seed file itself, when it signs */
		if (access(o->nkey_seed, R_OK) != 0) {
			snprintf(err, errlen, "--nats-nkey-seed %s: %s",
				 o->nkey_seed, strerror(errno));
			*bad = true;
			return NATS_ERR;
		}
		s = natsOptions_SetNKeyFromSeed(no, o->nkey, o->nkey_seed);
	}
	if (s == NATS_OK && o->user) {
		const char *pw = getenv("NETCAP_NATS_PASSWORD");
		if (o->password_file) {
			if (read_secret("--nats-password-file",
					o->password_file, secret,
					sizeof(secret), err, errlen) != 0) {
				*bad = true;
				return NATS_ERR;
			}
			pw = secret;
		}
		s = natsOptions_SetUserInfo(no, o->user, pw ? pw : "");
	}
	const char *tok = getenv("NETCAP_NATS_TOKEN");
	if (s == NATS_OK && o->token_file) {
		if (read_secret("--nats-token-file", o->token_file, secret,
				sizeof(secret), err, errlen) != 0) {
			*bad = true;
			return NATS_ERR;
		}
		tok = secret;
	}
	if (s == NATS_OK && tok && *tok)
		s = natsOptions_SetToken(no, tok);
	explicit_bzero(secret, sizeof(secret));
	return s;
}

int nc_nats_connect(const struct nc_nats_opts *o, const char *name, bool retry,
		    const struct nc_nats_events *ev, natsConnection **ncp,
		    char *err, size_t errlen)
{
	static char buf[4096];
	const char *urls[MAX_SERVERS];
	natsOptions *no = NULL;
	natsConnection *nc = NULL;
	natsStatus s;
	bool bad = false;

	*ncp = NULL;
	int n = split_servers(o->servers ? o->servers : NC_NATS_DEFAULT_URL,
			      buf, sizeof(buf), urls, err, errlen);
	if (n < 0)
		return -1;
	s = natsOptions_Create(&no);
	if (s == NATS_OK)
		s = natsOptions_SetServers(no, urls, n);
	if (s == NATS_OK)
		s = natsOptions_SetName(no, name);
	if (s == NATS_OK)
		s = natsOptions_SetTimeout(no, 2000);
	/* a sensor keeps trying for ever; its batches spool meanwhile */
	if (s == NATS_OK)
		s = natsOptions_SetMaxReconnect(no, -1);
	if (s == NATS_OK)
		s = natsOptions_SetReconnectWait(no, 250);
	if (s == NATS_OK)
		s = natsOptions_SetPingInterval(no, 2000);
	if (s == NATS_OK)
		s = natsOptions_SetMaxPingsOut(no, 2);
	if (s == NATS_OK && (o->ca || o->cert || o->tls))
		s = natsOptions_SetSecure(no, true);
	if (s == NATS_OK && o->ca) {
		s = natsOptions_LoadCATrustedCertificates(no, o->ca);
		if (s != NATS_OK) {
			nats_err(err, errlen, "--nats-ca", s);
			goto fail_err;
		}
	}
	if (s == NATS_OK && (o->cert || o->key)) {
		if (!o->cert || !o->key) {
			snprintf(err, errlen,
				 "--nats-cert and --nats-key go together");
			goto fail_err;
		}
		s = natsOptions_LoadCertificatesChain(no, o->cert, o->key);
		if (s != NATS_OK) {
			nats_err(err, errlen, "--nats-cert/--nats-key", s);
			goto fail_err;
		}
	}
	if (s == NATS_OK)
		s = set_auth(no, o, err, errlen, &bad);
	if (bad)
		goto fail_err;
	if (s != NATS_OK) {
		nats_err(err, errlen, "NATS options", s);
		goto fail_err;
	}
	if (ev) {
		natsOptions_SetDisconnectedCB(no, on_disconnected, (void *)ev);
		natsOptions_SetReconnectedCB(no, on_reconnected, (void *)ev);
	}

	/*
	 * First a plain attempt: a refused password, a certificate the
	 * server rejects or a TLS mismatch is a set-up error, one line and
	 * exit 2. Only "no server answered" may go on in the background.
	 */
	s = natsConnection_Connect(&nc, no);
	if (s == NATS_NO_SERVER && retry) {
		s = natsOptions_SetRetryOnFailedConnect(
		    no, true, ev ? on_reconnected : NULL, (void *)ev);
		if (s == NATS_OK)
			s = natsConnection_Connect(&nc, no);
		if (s == NATS_NOT_YET_CONNECTED)
			s = NATS_OK;
	}
	if (s != NATS_OK) {
		char what[256];
		snprintf(what, sizeof(what), "NATS %s",
			 o->servers ? o->servers : NC_NATS_DEFAULT_URL);
		nats_err(err, errlen, what, s);
		goto fail_err;
	}
	natsOptions_Destroy(no);
	no = NULL;
	*ncp = nc;
	return 0;

fail_err:
	natsConnection_Destroy(nc);
	natsOptions_Destroy(no);
	return -1;
}

void nc_nats_close(natsConnection *nc, jsCtx *js)
{
	jsCtx_Destroy(js);
	if (nc) {
		natsConnection_Close(nc);
		natsConnection_Destroy(nc);
	}
	/* the library's threads may still be running a callback (the
	   disconnection the close caused) whose argument the caller is about
	   to free: wait for every one of them to end */
	nats_CloseAndWait(5000);
}
