/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * natsconn.h: what agent and collect share about NATS JetStream
 * (docs/DISTRIBUTED.md): the connection options, the connect call, and the
 * batch message format.
 *
 * A batch message carries the records of one writer batch of one type:
 *   subject  netcap.<sensor>.<Type>
 *   data     one LZ4 frame of varint-delimited records (no Header record)
 *   headers  Nats-Msg-Id    <sensor>.<run>.<Type>.<seq> (JetStream drops a
 *                           republished batch inside its duplicate window)
 *            Netcap-Type, Netcap-Sensor, Netcap-Run (16 hex digits, new per
 *            agent run), Netcap-Seq (1, 2, ... per run and type),
 *            Netcap-Records, Netcap-Size (bytes before compression),
 *            Netcap-First, Netcap-Last (record timestamps, ns),
 *            Netcap-Version, Netcap-Input, Netcap-Payloads (0 or 1)
 */
#ifndef NC_NATSCONN_H
#define NC_NATSCONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <nats/nats.h>

#define NC_NATS_SUBJECT_ROOT "netcap"
#define NC_NATS_STREAM	     "NETCAP"
#define NC_NATS_DEFAULT_URL  "nats://127.0.0.1:4222"
/* a batch holds 64 KiB of records, or one larger record: refuse a message
   that claims more than this before inflating it */
#define NC_NATS_MAX_RAW (64u << 20)
#define NC_SENSOR_MAX	64

/* Connection settings; strings may be NULL. Secrets never come from the
   command line: a password or token from a file or the environment
   (NETCAP_NATS_PASSWORD, NETCAP_NATS_TOKEN). */
struct nc_nats_opts {
	const char *servers;	   /* URL[,URL...] */
	const char *ca;		   /* CA certificates (PEM): TLS on */
	const char *cert, *key;	   /* client certificate and key (PEM) */
	const char *creds;	   /* NATS .creds file (JWT + nkey seed) */
	const char *nkey;	   /* nkey public key ... */
	const char *nkey_seed;	   /* ... and the file holding its seed */
	const char *user;	   /* user name; password from the env or: */
	const char *password_file; /* file whose first line is the password */
	const char *token_file;	   /* file whose first line is a token */
	bool tls;		   /* TLS without a CA file (system CAs) */
};

/* Callbacks on the client's own threads. */
struct nc_nats_events {
	void (*disconnected)(void *arg);
	void (*reconnected)(void *arg);
	void *arg;
};

/*
 * Connect. retry: keep trying in the background when no server answers
 * now (agent: batches spool meanwhile); otherwise fail. name: the client
 * name the servers show. Returns 0, or -1 with one line in err.
 */
int nc_nats_connect(const struct nc_nats_opts *o, const char *name, bool retry,
		    const struct nc_nats_events *ev, natsConnection **nc,
		    char *err, size_t errlen);
/* Close, and wait for the client library's threads (and so its callbacks)
   to end: once per process, at its end. */
void nc_nats_close(natsConnection *nc, jsCtx *js);

/* A sensor name usable as one subject token: [A-Za-z0-9_-], 1..64. */
bool nc_sensor_ok(const char *s);
/* The host name made a sensor name ('.' and other bytes become '_'). */
void nc_sensor_default(char *buf, size_t len);

/* The Nats-Msg-Id of a batch. */
void nc_batch_msg_id(char *buf, size_t len, const char *sensor, uint64_t run,
		     const char *type, uint64_t seq);

#endif /* NC_NATSCONN_H */
