/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ospf.c: OSPFv2 (RFC 2328 appendix A) and OSPFv3 (RFC 5340 appendix A),
 * IP protocol 89, told apart by the version octet; one OSPFv2 or OSPFv3
 * record per packet, SrcIP/DstIP from the enclosing IP header.
 *
 * OSPFv2 header (24 octets)           OSPFv3 header (16 octets)
 *  +-------+-------+---------------+   +-------+-------+---------------+
 *  |Version| Type  | Packet length |   |Version| Type  | Packet length |
 *  |           Router ID           |   |           Router ID           |
 *  |            Area ID            |   |            Area ID            |
 *  |   Checksum    |    AuType     |   |   Checksum    |Inst.  | Rsvd  |
 *  |    Authentication (8 octets)  |   +-------+-------+---------------+
 *  +-------------------------------+
 *
 * Then by Type: 1 Hello, 2 Database Description (LSA headers), 3 Link
 * State Request (entries), 4 Link State Update (count, LSAs), 5 Link State
 * Acknowledgement (LSA headers). An LSA header is 20 octets (v2: age,
 * options, type; v3: age, 16-bit type), then Link State ID, Advertising
 * Router, sequence number, checksum and length (header included).
 *
 * Like nc_dispatch_ipproto's default (a protocol without ports), the
 * frame's transport summary is filled first, so Connection records are
 * what they were before OSPF was decoded.
 *
 * Bounds: the packet length narrows the cursor (what follows, e.g. the
 * OSPFv2 cryptographic trailer or LLS data, is not read). Every list holds
 * at most NC_MAX_OPTIONS entries, the routers, attached routers and
 * prefixes of one packet's LSAs at most OSPF_POOL in all (ospf.list_full).
 * An LSA whose length runs past the packet is ospf.lsa_overrun: its body
 * is read as far as the packet goes and the list ends there; the record
 * is written with what was read. No allocation: everything lives in one
 * workspace on the stack.
 */
#include "decode.h"
#include "registry.h"

#define OSPF_MAX  NC_MAX_OPTIONS /* LSAs, headers, requests, neighbors */
#define OSPF_POOL 256		 /* routers/prefixes/IDs of all LSAs */
#define V2_HDR	  24
#define V3_HDR	  16
#define LSA_HDR	  20

union ospf_body {
	Netcap__RouterLSAV2 rv2;
	Netcap__ASExternalLSAV2 asev2;
	Netcap__SummaryLSAV2 sv2;
	Netcap__RouterLSA r;
	Netcap__NetworkLSA n;
	Netcap__InterAreaPrefixLSA iap;
	Netcap__InterAreaRouterLSA iar;
	Netcap__ASExternalLSA ase;
	Netcap__LinkLSA link;
	Netcap__IntraAreaPrefixLSA intra;
};

struct ospf_ws {
	struct nc_dec *d;
	int v;	   /* 2 or 3 */
	bool full; /* ospf.list_full counted */
	unsigned nhdr, nlsa, nreq, nid, nrv2, nr, npfx;
	Netcap__LSAheader hdr[OSPF_MAX];
	Netcap__LSAheader *hdrp[OSPF_MAX];
	Netcap__LSA lsa[OSPF_MAX];
	Netcap__LSA *lsap[OSPF_MAX];
	union ospf_body body[OSPF_MAX];
	Netcap__LSReq req[OSPF_MAX];
	Netcap__LSReq *reqp[OSPF_MAX];
	uint32_t id[OSPF_POOL]; /* Hello neighbors, attached routers */
	Netcap__RouterV2 rv2[OSPF_POOL];
	Netcap__RouterV2 *rv2p[OSPF_POOL];
	Netcap__Router r[OSPF_POOL];
	Netcap__Router *rp[OSPF_POOL];
	Netcap__LSAPrefix pfx[OSPF_POOL];
	Netcap__LSAPrefix *pfxp[OSPF_POOL];
};

static void list_full(struct ospf_ws *w, const uint8_t *at)
{
	if (!w->full)
		nc_event(w->d, NC_EV_OSPF_LIST_FULL, at);
	w->full = true;
}

/* One 20-octet LSA header into h; false when fewer octets are left. */
static bool lsa_header(struct ospf_ws *w, struct cur *c, Netcap__LSAheader *h)
{
	*h = (Netcap__LSAheader)NETCAP__LSAHEADER__INIT;
	h->lsage = cur_be16(c);
	if (w->v == 2) {
		h->lsoptions = cur_u8(c);
		h->lstype = cur_u8(c);
	} else {
		h->lstype = cur_be16(c);
	}
	h->linkstateid = cur_be32(c);
	h->advrouter = cur_be32(c);
	h->lsseqnumber = cur_be32(c);
	h->lschecksum = cur_be16(c);
	h->length = cur_be16(c);
	return !c->err;
}

/* LSA headers to the end of c (DD, LS Ack); counts w->nhdr. */
static void header_list(struct ospf_ws *w, struct cur *c)
{
	while (cur_left(c) > 0) {
		if (w->nhdr == OSPF_MAX) {
			list_full(w, c->p);
			return;
		}
		const uint8_t *at = c->p;
		Netcap__LSAheader *h = &w->hdr[w->nhdr];
		if (!lsa_header(w, c, h)) {
			nc_event(w->d, NC_EV_OSPF_TRUNC, at);
			return;
		}
		w->hdrp[w->nhdr++] = h;
	}
}

/* Router IDs to the end of c into the pool; returns the first one. */
static uint32_t *id_list(struct ospf_ws *w, struct cur *c, size_t *n)
{
	uint32_t *first = &w->id[w->nid];
	*n = 0;
	while (cur_left(c) >= 4) {
		if (w->nid == OSPF_POOL || *n == OSPF_MAX) {
			list_full(w, c->p);
			break;
		}
		w->id[w->nid++] = cur_be32(c);
		(*n)++;
	}
	return first;
}

/* An OSPFv3 prefix (RFC 5340 A.4.1): length, options, 16 bits (metric
 * or reserved), then ceil(length/32) words. */
static bool v3_prefix(struct cur *c, int32_t *plen, int32_t *popt, int32_t *mid,
		      ProtobufCBinaryData *addr)
{
	uint8_t l = cur_u8(c);
	*popt = cur_u8(c);
	uint16_t m = cur_be16(c);
	if (c->err || l > 128)
		return false;
	*plen = l;
	if (mid)
		*mid = m;
	size_t n = ((size_t)l + 31) / 32 * 4;
	const uint8_t *p = cur_bytes(c, n);
	if (!p)
		return false;
	nc_bytes(addr, p, n);
	return true;
}

/* Prefixes of a Link or Intra-Area-Prefix LSA into the pool. */
static void prefix_list(struct ospf_ws *w, struct cur *c, uint32_t count,
			bool metric, size_t *n, Netcap__LSAPrefix ***out)
{
	*out = &w->pfxp[w->npfx];
	*n = 0;
	for (uint32_t i = 0; i < count && cur_left(c) > 0; i++) {
		if (w->npfx == OSPF_POOL || *n == OSPF_MAX) {
			list_full(w, c->p);
			return;
		}
		Netcap__LSAPrefix *p = &w->pfx[w->npfx];
		*p = (Netcap__LSAPrefix)NETCAP__LSAPREFIX__INIT;
		const uint8_t *at = c->p;
		if (!v3_prefix(c, &p->prefixlength, &p->prefixoptions,
			       metric ? &p->metric : NULL, &p->addressprefix)) {
			nc_event(w->d, NC_EV_OSPF_TRUNC, at);
			return;
		}
		w->pfxp[w->npfx++] = p;
		(*n)++;
	}
}

/* The body of one LSA (c: the octets after its header, within the
 * packet). Types without a body message keep the header only. */
static void lsa_body(struct ospf_ws *w, Netcap__LSA *l, union ospf_body *b,
		     struct cur *c, const uint8_t *at)
{
	int t = l->header->lstype;
	bool ok = true;
	if (w->v == 2 && t == 1) {
		Netcap__RouterLSAV2 *r = &b->rv2;
		*r = (Netcap__RouterLSAV2)NETCAP__ROUTER_LSAV2__INIT;
		r->flags = cur_u8(c);
		cur_skip(c, 1);
		r->links = cur_be16(c);
		r->routers = &w->rv2p[w->nrv2];
		for (int i = 0; i < r->links && !c->err && cur_left(c) > 0;
		     i++) {
			if (w->nrv2 == OSPF_POOL || r->n_routers == OSPF_MAX) {
				list_full(w, c->p);
				break;
			}
			Netcap__RouterV2 *e = &w->rv2[w->nrv2];
			*e = (Netcap__RouterV2)NETCAP__ROUTER_V2__INIT;
			e->linkid = cur_be32(c);
			e->linkdata = cur_be32(c);
			e->type = cur_u8(c);
			uint8_t ntos = cur_u8(c);
			e->metric = cur_be16(c);
			cur_skip(c, 4u * ntos);
			if (c->err)
				break;
			w->rv2p[w->nrv2++] = e;
			r->n_routers++;
		}
		ok = !c->err;
		l->rlsav2 = r;
	} else if (w->v == 2 && t == 2) {
		Netcap__NetworkLSA *n = &b->n;
		*n = (Netcap__NetworkLSA)NETCAP__NETWORK_LSA__INIT;
		n->networkmask = cur_be32(c);
		n->attachedrouter = id_list(w, c, &n->n_attachedrouter);
		ok = !c->err;
		l->nlsa = n;
	} else if (w->v == 2 && (t == 3 || t == 4)) {
		Netcap__SummaryLSAV2 *s = &b->sv2;
		*s = (Netcap__SummaryLSAV2)NETCAP__SUMMARY_LSAV2__INIT;
		s->networkmask = cur_be32(c);
		s->metric = cur_be32(c) & 0xffffff;
		ok = !c->err;
		l->slsav2 = s;
	} else if (w->v == 2 && (t == 5 || t == 7)) {
		Netcap__ASExternalLSAV2 *a = &b->asev2;
		*a = (Netcap__ASExternalLSAV2)NETCAP__ASEXTERNAL_LSAV2__INIT;
		a->networkmask = cur_be32(c);
		uint32_t em = cur_be32(c);
		a->externalbit = em >> 31;
		a->metric = em & 0xffffff;
		a->forwardingaddress = cur_be32(c);
		a->externalroutetag = cur_be32(c);
		ok = !c->err;
		l->aselsav2 = a;
	} else if (w->v == 3 && t == 0x2001) {
		Netcap__RouterLSA *r = &b->r;
		*r = (Netcap__RouterLSA)NETCAP__ROUTER_LSA__INIT;
		uint32_t fo = cur_be32(c);
		r->flags = fo >> 24;
		r->options = fo & 0xffffff;
		r->routers = &w->rp[w->nr];
		while (!c->err && cur_left(c) > 0) {
			if (w->nr == OSPF_POOL || r->n_routers == OSPF_MAX) {
				list_full(w, c->p);
				break;
			}
			Netcap__Router *e = &w->r[w->nr];
			*e = (Netcap__Router)NETCAP__ROUTER__INIT;
			e->type = cur_u8(c);
			cur_skip(c, 1);
			e->metric = cur_be16(c);
			e->interfaceid = cur_be32(c);
			e->neighborinterfaceid = cur_be32(c);
			e->neighborrouterid = cur_be32(c);
			if (c->err)
				break;
			w->rp[w->nr++] = e;
			r->n_routers++;
		}
		ok = !c->err;
		l->rlsa = r;
	} else if (w->v == 3 && t == 0x2002) {
		Netcap__NetworkLSA *n = &b->n;
		*n = (Netcap__NetworkLSA)NETCAP__NETWORK_LSA__INIT;
		n->options = cur_be32(c) & 0xffffff;
		n->attachedrouter = id_list(w, c, &n->n_attachedrouter);
		ok = !c->err;
		l->nlsa = n;
	} else if (w->v == 3 && t == 0x2003) {
		Netcap__InterAreaPrefixLSA *p = &b->iap;
		*p = (Netcap__InterAreaPrefixLSA)
		    NETCAP__INTER_AREA_PREFIX_LSA__INIT;
		p->metric = cur_be32(c) & 0xffffff;
		ok =
		    !c->err && v3_prefix(c, &p->prefixlength, &p->prefixoptions,
					 NULL, &p->addressprefix);
		l->interaprefixlsa = p;
	} else if (w->v == 3 && t == 0x2004) {
		Netcap__InterAreaRouterLSA *r = &b->iar;
		*r = (Netcap__InterAreaRouterLSA)
		    NETCAP__INTER_AREA_ROUTER_LSA__INIT;
		r->options = cur_be32(c) & 0xffffff;
		r->metric = cur_be32(c) & 0xffffff;
		r->destinationrouterid = cur_be32(c);
		ok = !c->err;
		l->iarouterlsa = r;
	} else if (w->v == 3 && (t == 0x4005 || t == 0x2007)) {
		Netcap__ASExternalLSA *a = &b->ase;
		*a = (Netcap__ASExternalLSA)NETCAP__ASEXTERNAL_LSA__INIT;
		uint32_t fm = cur_be32(c);
		a->flags = fm >> 24;
		a->metric = fm & 0xffffff;
		int32_t ref = 0;
		ok =
		    !c->err && v3_prefix(c, &a->prefixlength, &a->prefixoptions,
					 &ref, &a->addressprefix);
		a->reflstype = ref;
		if (ok && (a->flags & 0x02)) /* F */
			nc_bytes(&a->forwardingaddress, cur_bytes(c, 16), 16);
		if (ok && (a->flags & 0x01)) /* T */
			a->externalroutetag = cur_be32(c);
		if (ok && a->reflstype != 0)
			a->reflinkstateid = cur_be32(c);
		ok = ok && !c->err;
		l->aselsa = a;
	} else if (w->v == 3 && t == 0x0008) {
		Netcap__LinkLSA *k = &b->link;
		*k = (Netcap__LinkLSA)NETCAP__LINK_LSA__INIT;
		uint32_t po = cur_be32(c);
		k->rtrpriority = po >> 24;
		k->options = po & 0xffffff;
		nc_bytes(&k->linklocaladdress, cur_bytes(c, 16), 16);
		k->numofprefixes = cur_be32(c);
		ok = !c->err;
		if (ok)
			prefix_list(w, c, k->numofprefixes, false,
				    &k->n_prefixes, &k->prefixes);
		l->llsa = k;
	} else if (w->v == 3 && t == 0x2009) {
		Netcap__IntraAreaPrefixLSA *p = &b->intra;
		*p = (Netcap__IntraAreaPrefixLSA)
		    NETCAP__INTRA_AREA_PREFIX_LSA__INIT;
		p->numofprefixes = cur_be16(c);
		p->reflstype = cur_be16(c);
		p->reflinkstateid = cur_be32(c);
		p->refadvrouter = cur_be32(c);
		ok = !c->err;
		if (ok)
			prefix_list(w, c, (uint32_t)p->numofprefixes, true,
				    &p->n_prefixes, &p->prefixes);
		l->intraaprefixlsa = p;
	}
	if (!ok)
		nc_event(w->d, NC_EV_OSPF_TRUNC, at);
}

/* Link State Update: the count, then LSAs to the end of c. */
static void lsu(struct ospf_ws *w, struct cur *c, Netcap__LSUpdate *u)
{
	u->numoflsas = cur_be32(c);
	if (c->err) {
		nc_event(w->d, NC_EV_OSPF_TRUNC, c->p);
		return;
	}
	u->lsas = w->lsap;
	for (uint32_t i = 0; i < u->numoflsas; i++) {
		if (cur_left(c) == 0) {
			/* fewer LSAs than the count says */
			nc_event(w->d, NC_EV_OSPF_TRUNC, c->p);
			return;
		}
		if (w->nlsa == OSPF_MAX || w->nhdr == OSPF_MAX) {
			list_full(w, c->p);
			return;
		}
		const uint8_t *at = c->p;
		Netcap__LSAheader *h = &w->hdr[w->nhdr];
		if (!lsa_header(w, c, h)) {
			nc_event(w->d, NC_EV_OSPF_TRUNC, at);
			return;
		}
		w->nhdr++;
		Netcap__LSA *l = &w->lsa[w->nlsa];
		*l = (Netcap__LSA)NETCAP__LSA__INIT;
		l->header = h;
		nc_ctx_ips(w->d, &l->srcip, &l->dstip);
		w->lsap[w->nlsa] = l;
		union ospf_body *b = &w->body[w->nlsa++];
		u->n_lsas++;
		if (h->length < LSA_HDR) {
			nc_event(w->d, NC_EV_OSPF_BAD_LENGTH, at);
			return;
		}
		size_t blen = (size_t)h->length - LSA_HDR;
		bool over = blen > cur_left(c);
		struct cur bc = cur_sub(c, blen); /* what the packet has */
		if (over)
			nc_event(w->d, NC_EV_OSPF_LSA_OVERRUN, at);
		lsa_body(w, l, b, &bc, at);
		if (over)
			return;
	}
}

enum dec_rc nc_dec_ospf(struct nc_dec *d, struct cur c)
{
	const uint8_t *start = c.p;
	/* a connection without ports, as for any port-less protocol */
	nc_l4_fill(d, 89, &c, &c);

	uint8_t version = cur_u8(&c);
	uint8_t type = cur_u8(&c);
	uint16_t plen = cur_be16(&c);
	uint32_t rid = cur_be32(&c);
	uint32_t area = cur_be32(&c);
	uint16_t cksum = cur_be16(&c);
	if (c.err) {
		nc_event(d, NC_EV_OSPF_TRUNC, start);
		return DEC_TRUNC;
	}
	if (version != 2 && version != 3) {
		nc_event(d, NC_EV_OSPF_BAD_VERSION, start);
		return DEC_INVALID;
	}
	uint16_t w2 = 0;
	uint64_t auth = 0;
	if (version == 2) {
		w2 = cur_be16(&c);
		auth = (uint64_t)cur_be32(&c) << 32;
		auth |= cur_be32(&c);
	} else {
		w2 = cur_be16(&c); /* instance ID, reserved */
	}
	if (c.err) {
		nc_event(d, NC_EV_OSPF_TRUNC, start);
		return DEC_TRUNC;
	}
	bool want = nc_want(d, version == 2 ? NC_REC_OSPFV2 : NC_REC_OSPFV3);

	/* The packet length narrows the cursor; a short capture is a
	 * truncation, a length the packet cannot hold invalid. */
	size_t hl = version == 2 ? V2_HDR : V3_HDR;
	enum dec_rc rc = DEC_OK;
	if (plen < hl) {
		nc_event(d, NC_EV_OSPF_BAD_LENGTH, start);
		c.end = c.p; /* the header only */
		rc = DEC_INVALID;
	} else if (!cur_limit(&c, plen - hl)) {
		nc_event(d,
			 nc_data_cut(d, &c) ? NC_EV_OSPF_TRUNC
					    : NC_EV_OSPF_BAD_LENGTH,
			 start);
		rc = DEC_TRUNC;
	}
	if (!want)
		return rc;

	struct ospf_ws w;
	w.d = d;
	w.v = version;
	w.full = false;
	w.nhdr = w.nlsa = w.nreq = w.nid = w.nrv2 = w.nr = w.npfx = 0;

	Netcap__HelloPkgV2 h2 = NETCAP__HELLO_PKG_V2__INIT;
	Netcap__HelloPkg h3 = NETCAP__HELLO_PKG__INIT;
	Netcap__DbDescPkg dd = NETCAP__DB_DESC_PKG__INIT;
	Netcap__LSUpdate u = NETCAP__LSUPDATE__INIT;
	bool has_hello = false, has_dd = false, has_lsu = false;
	const uint8_t *body = c.p;

	/* a length below the header: the header alone is written */
	switch (plen < hl ? -1 : (int)type) {
	case -1:
		break;
	case 1: /* Hello */
		if (version == 2) {
			h2.networkmask = cur_be32(&c);
			h2.hellointerval = cur_be16(&c);
			h2.options = cur_u8(&c);
			h2.rtrpriority = cur_u8(&c);
			h2.routerdeadinterval = cur_be32(&c);
			h2.designatedrouterid = cur_be32(&c);
			h2.backupdesignatedrouterid = cur_be32(&c);
			if (!c.err)
				h2.neighborid =
				    id_list(&w, &c, &h2.n_neighborid);
		} else {
			h3.interfaceid = cur_be32(&c);
			uint32_t po = cur_be32(&c);
			h3.rtrpriority = po >> 24;
			h3.options = po & 0xffffff;
			h3.hellointerval = cur_be16(&c);
			h3.routerdeadinterval = cur_be16(&c);
			h3.designatedrouterid = cur_be32(&c);
			h3.backupdesignatedrouterid = cur_be32(&c);
			if (!c.err)
				h3.neighborid =
				    id_list(&w, &c, &h3.n_neighborid);
		}
		if (c.err)
			nc_event(d, NC_EV_OSPF_TRUNC, body);
		has_hello = true;
		break;
	case 2: /* Database Description */
		if (version == 2) {
			dd.interfacemtu = cur_be16(&c);
			dd.options = cur_u8(&c);
			dd.flags = cur_u8(&c);
		} else {
			dd.options = cur_be32(&c) & 0xffffff;
			dd.interfacemtu = cur_be16(&c);
			cur_skip(&c, 1);
			dd.flags = cur_u8(&c);
		}
		dd.ddseqnumber = cur_be32(&c);
		if (c.err) {
			nc_event(d, NC_EV_OSPF_TRUNC, body);
		} else {
			header_list(&w, &c);
			dd.lsainfo = w.hdrp;
			dd.n_lsainfo = w.nhdr;
		}
		has_dd = true;
		break;
	case 3: /* Link State Request */
		while (cur_left(&c) > 0) {
			if (w.nreq == OSPF_MAX) {
				list_full(&w, c.p);
				break;
			}
			const uint8_t *at = c.p;
			Netcap__LSReq *q = &w.req[w.nreq];
			*q = (Netcap__LSReq)NETCAP__LSREQ__INIT;
			q->lstype = version == 2
					? (int32_t)cur_be32(&c)
					: (cur_skip(&c, 2), cur_be16(&c));
			q->lsid = cur_be32(&c);
			q->advrouter = cur_be32(&c);
			if (c.err) {
				nc_event(d, NC_EV_OSPF_TRUNC, at);
				break;
			}
			w.reqp[w.nreq++] = q;
		}
		break;
	case 4: /* Link State Update */
		lsu(&w, &c, &u);
		has_lsu = true;
		break;
	case 5: /* Link State Acknowledgement */
		header_list(&w, &c);
		break;
	default: /* 0 and 6..255 */
		nc_event(d, NC_EV_OSPF_BAD_TYPE, start);
		break;
	}

	if (version == 2) {
		Netcap__OSPFv2 r = NETCAP__OSPFV2__INIT;
		r.timestamp = d->ts;
		r.version = version;
		r.type = type;
		r.packetlength = plen;
		r.routerid = rid;
		r.areaid = area;
		r.checksum = cksum;
		r.autype = w2;
		r.authentication = auth;
		if (type == 5) {
			r.lsas = w.hdrp;
			r.n_lsas = w.nhdr;
		}
		r.lsu = has_lsu ? &u : NULL;
		r.lsr = w.reqp;
		r.n_lsr = w.nreq;
		r.dbdesc = has_dd ? &dd : NULL;
		r.hellov2 = has_hello ? &h2 : NULL;
		nc_ctx_ips(d, &r.srcip, &r.dstip);
		nc_emit(d, NC_REC_OSPFV2, &r.base);
	} else {
		Netcap__OSPFv3 r = NETCAP__OSPFV3__INIT;
		r.timestamp = d->ts;
		r.version = version;
		r.type = type;
		r.packetlength = plen;
		r.routerid = rid;
		r.areaid = area;
		r.checksum = cksum;
		r.instance = w2 >> 8;
		r.reserved = w2 & 0xff;
		if (type == 5) {
			r.lsas = w.hdrp;
			r.n_lsas = w.nhdr;
		}
		r.lsu = has_lsu ? &u : NULL;
		r.lsr = w.reqp;
		r.n_lsr = w.nreq;
		r.dbdesc = has_dd ? &dd : NULL;
		r.hello = has_hello ? &h3 : NULL;
		nc_ctx_ips(d, &r.srcip, &r.dstip);
		nc_emit(d, NC_REC_OSPFV3, &r.base);
	}
	return rc;
}
