#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Checks of netcap's /metrics against a real Prometheus (test/run-metrics.sh).

  metrics_check.py capture PROM JOB SUMMARY BOUND [steady]
      the job's samples: counters never go down; the last sample of
      netcap_packets_total, the records per type (netcap_records_total and
      nc_protocols_total) and the drops by cause equal the capture's
      summary; with steady (a replay at full speed), the packet rate over
      the scrapes taken while it ran is the summary's packets_per_s
      (within 1.6x: the first and last second of a run are not at full
      speed); series of the job <= BOUND.
  metrics_check.py export PROM JOB SUMMARIES BOUND
      nc_protocols_total of an export job equals the sum of records.<Type>
      over the capture summaries (files named in SUMMARIES, one per line);
      series <= BOUND.
  metrics_check.py dashboard PROM DASHBOARD.json JOB...
      every PromQL expression of every panel returns data, evaluated at the
      last sample of each JOB ($__rate_interval = 1m).
  metrics_check.py tshark SCRAPE PCAP
      a scrape of export over the records of PCAP against tshark on PCAP:
      DNS questions by type and responses by code, TLS server hellos by
      version and cipher suite (tshark's names), HTTP requests by method
      and responses by status class, and the TCP and UDP payload size
      histograms (tcp.len, udp.length - 8), bucket by bucket.
  metrics_check.py wait PROM JOB
      until a sample of netcap_capture_finished or netcap_export_finished
      is 1 (30 s at most).

PROM is the Prometheus base URL. Exit 1 with one line per problem.
"""
import json
import sys
import time
import urllib.parse
import urllib.request

errs = []


def api(prom, path, **params):
    url = prom + path + "?" + urllib.parse.urlencode(params)
    with urllib.request.urlopen(url, timeout=10) as r:
        d = json.load(r)
    if d.get("status") != "success":
        raise RuntimeError("%s: %s" % (url, d))
    return d["data"]


def query(prom, q, t=None):
    p = {"query": q}
    if t is not None:
        p["time"] = "%.3f" % t
    return api(prom, "/api/v1/query", **p)


def summary(path):
    s = {}
    for line in open(path):
        f = line.split()
        if len(f) >= 2:
            s[f[0]] = f[1]
    return s


def raw(prom, metric, job):
    """{labels-without-name: [(t, v), ...]} of every raw sample so far"""
    d = query(prom, '%s{job="%s"}[1h]' % (metric, job))
    out = {}
    for r in d["result"]:
        lab = tuple(sorted((k, v) for k, v in r["metric"].items()
                           if k not in ("__name__", "job", "instance")))
        out[lab] = [(float(t), float(v)) for t, v in r["values"]]
    return out


def last(prom, metric, job, by):
    """{label value: last sample} of a counter, by one label"""
    out = {}
    for lab, vals in raw(prom, metric, job).items():
        out[dict(lab).get(by, "")] = vals[-1][1]
    return out


def series_count(prom, job):
    # every series the job ever had (an instant vector goes stale once
    # the target stops)
    d = query(prom, 'count(last_over_time({job="%s",__name__=~"netcap_.+|'
              'nc_.+"}[1h]))' % job)
    return int(float(d["result"][0]["value"][1])) if d["result"] else 0


def check_bound(prom, job, bound):
    n = series_count(prom, job)
    if n == 0 or n > bound:
        errs.append("%s: %d series (bound %d)" % (job, n, bound))
    return n


def wait(prom, job):
    q = ('max_over_time(netcap_capture_finished{job="%s"}[1h]) or '
         'max_over_time(netcap_export_finished{job="%s"}[1h])' % (job, job))
    for _ in range(300):
        d = query(prom, q)
        if d["result"] and float(d["result"][0]["value"][1]) == 1:
            return
        time.sleep(0.1)
    errs.append("%s: no scrape with the final counters in 30 s" % job)


def capture(prom, job, sumfile, bound, steady):
    s = summary(sumfile)
    # counters never decrease (netcap restarts nothing within a job)
    counters = [r["__name__"] for r in api(prom, "/api/v1/series", **{
        "match[]": '{job="%s",__name__=~".+_total"}' % job})]
    nsamples = 0
    for m in sorted(set(counters)):
        for lab, vals in raw(prom, m, job).items():
            nsamples += len(vals)
            for (t0, a), (t1, b) in zip(vals, vals[1:]):
                if b < a:
                    errs.append("%s %s: %g at %.3f after %g" %
                                (m, dict(lab), b, t1, a))
                    break
    pk = raw(prom, "netcap_packets_total", job).get((), [])
    fin = raw(prom, "netcap_capture_finished", job).get((), [])
    if not pk:
        errs.append("%s: no netcap_packets_total samples" % job)
        return
    want = int(s["packets"])
    if pk[-1][1] != want:
        errs.append("%s: last netcap_packets_total %d, summary packets %d" %
                    (job, pk[-1][1], want))
    # the rate over the samples taken while running
    ends = {t for t, v in fin if v == 1}
    run = [(t, v) for t, v in pk if t not in ends and v > 0]
    rate = None
    if len(run) >= 3:
        (t0, a), (t1, b) = run[0], run[-1]
        rate = (b - a) / (t1 - t0)
        pps = float(s["packets_per_s"])
        if steady and not (pps / 1.6 <= rate <= pps * 1.6):
            errs.append("%s: packets/s from the scrapes %.0f, summary %.0f"
                        % (job, rate, pps))
    else:
        errs.append("%s: %d scrapes while running, 3 needed" %
                    (job, len(run)))
    # records per type, from the engine and from the traffic metrics
    want_rec = {k[len("records."):]: int(v) for k, v in s.items()
                if k.startswith("records.") and k != "records.total"}
    for metric, label in (("netcap_records_total", "type"),
                          ("nc_protocols_total", "Protocol")):
        got = {k: int(v) for k, v in last(prom, metric, job, label).items()
               if v}
        if got != want_rec:
            diff = sorted(set(got.items()) ^ set(want_rec.items()))
            errs.append("%s: %s != summary records: %s" %
                        (job, metric, diff[:6]))
    # drops by cause
    drops = {}
    for lab, vals in raw(prom, "netcap_dropped_packets_total", job).items():
        drops[dict(lab)["cause"]] = int(vals[-1][1])
    ring = sum(int(v) for k, v in s.items()
               if k.startswith("rx.ring_full_drops."))
    want_drops = {"ring_full": ring,
                  "imissed": int(s.get("port.imissed", 0)),
                  "rx_nombuf": int(s.get("port.rx_nombuf", 0)),
                  "ierrors": int(s.get("port.ierrors", 0))}
    if drops != want_drops:
        errs.append("%s: drops %s, summary %s" % (job, drops, want_drops))
    rdrops = {dict(lab)["cause"]: int(vals[-1][1]) for lab, vals in
              raw(prom, "netcap_dropped_records_total", job).items()}
    want_r = {"unpackable": int(s["worker.dropped_records"]),
              "disk_floor": int(s.get("writer.disk_floor_records", 0))}
    if rdrops != want_r:
        errs.append("%s: record drops %s, summary %s" % (job, rdrops, want_r))
    # connections closed by timeout and eviction, by state: their sums
    # are the summary's conn.timeout and conn.evicted events
    closed = {}
    for m, ev in (("netcap_connection_timeouts_total", "conn.timeout"),
                  ("netcap_connection_evictions_total", "conn.evicted")):
        got = sum(int(vals[-1][1]) for vals in raw(prom, m, job).values())
        w = int(s.get("events." + ev, 0))
        closed[ev] = got
        if got != w:
            errs.append("%s: sum of %s %d, summary events.%s %d" %
                        (job, m, got, ev, w))
    n = check_bound(prom, job, bound)
    print("metrics: %s: %d scrapes, %d counter samples monotonic, packets "
          "%d, %.0f packets/s from the scrapes (summary %s), %d record "
          "types, drops %s, closed %s, %d series (bound %d)" %
          (job, len(pk), nsamples, want, rate or 0, s["packets_per_s"],
           len(want_rec), drops, closed, n, bound))


def export(prom, job, sumlist, bound):
    want = {}
    for path in open(sumlist).read().split():
        for k, v in summary(path).items():
            if k.startswith("records.") and k != "records.total":
                t = k[len("records."):]
                want[t] = want.get(t, 0) + int(v)
    got = {k: int(v) for k, v in
           last(prom, "nc_protocols_total", job, "Protocol").items() if v}
    if got != want:
        diff = sorted(set(got.items()) ^ set(want.items()))
        errs.append("%s: nc_protocols_total != the summaries: %s" %
                    (job, diff[:8]))
    n = check_bound(prom, job, bound)
    print("metrics: %s: %d record types, %d records, %d series (bound %d)"
          % (job, len(got), sum(got.values()), n, bound))


def dashboard(prom, path, jobs):
    dash = json.load(open(path))
    times = []
    for job in jobs:
        # the last scrape that answered (up is written on failures too)
        for m in ("netcap_workers", "netcap_export_files"):
            pk = raw(prom, m, job).get((), [])
            if pk:
                times.append(pk[-1][0])
    n = 0
    for p in dash["panels"]:
        for tgt in p.get("targets", []):
            expr = tgt["expr"].replace("$__rate_interval", "1m")
            n += 1
            if not any(query(prom, expr, t)["result"] for t in times):
                errs.append("dashboard panel '%s': no data for %s" %
                            (p["title"], expr))
    print("metrics: dashboard: %d panels, %d expressions evaluated" %
          (len(dash["panels"]), n))


def scrape_values(path):
    """{(name, frozenset(labels)): value} of a text exposition"""
    import re
    out = {}
    for line in open(path):
        if line.startswith("#") or not line.strip():
            continue
        m = re.match(r'([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$',
                     line.strip())
        if not m:
            errs.append("unparsable line: " + line.strip())
            continue
        labs = frozenset(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"',
                                    m.group(3) or ""))
        out[(m.group(1), labs)] = float(m.group(4))
    return out


def family(vals, name, label):
    return {dict(k[1])[label]: int(v) for k, v in vals.items()
            if k[0] == name}


def pdml_shownames(pcap, filt, field):
    import subprocess
    import xml.etree.ElementTree as ET
    x = subprocess.run(["tshark", "-r", pcap, "-Y", filt, "-T", "pdml"],
                       capture_output=True, check=True).stdout
    return [f.get("showname") for f in ET.fromstring(x).iter("field")
            if f.get("name") == field]


def tshark_fields(pcap, filt, *fields):
    import subprocess
    cmd = ["tshark", "-r", pcap, "-Y", filt, "-T", "fields"]
    for f in fields:
        cmd += ["-e", f]
    x = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return [l.split("\t") for l in x.stdout.splitlines()]


def count(items):
    c = {}
    for i in items:
        c[i] = c.get(i, 0) + 1
    return c


def compare(what, got, want):
    if got != want:
        errs.append("%s: metrics %s, tshark %s" % (what, got, want))


def tshark(scrape, pcap):
    v = scrape_values(scrape)
    # DNS: question types by tshark's name ("Type: A (Host Address) (1)")
    names = [sn.split()[1] for sn in
             pdml_shownames(pcap, "dns.flags.response == 0", "dns.qry.type")]
    compare("DNS questions", family(v, "nc_dns_questions_total", "type"),
            count(names))
    rcodes = ["NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",
              "REFUSED"]  # RFC 1035 4.1.1
    got = tshark_fields(pcap, "dns.flags.response == 1", "dns.flags.rcode")
    compare("DNS responses", family(v, "nc_dns_responses_total", "rcode"),
            count(rcodes[int(r[0])] for r in got))
    # TLS: negotiated version (supported_versions, else the hello's)
    vers = {"0x0300": "SSLv3", "0x0301": "TLSv1.0", "0x0302": "TLSv1.1",
            "0x0303": "TLSv1.2", "0x0304": "TLSv1.3"}
    got = tshark_fields(pcap, "tls.handshake.type == 2",
                        "tls.handshake.version",
                        "tls.handshake.extensions.supported_version")
    compare("TLS versions", family(v, "nc_tls_server_hellos_total",
                                   "version"),
            count(vers[(r[1] if len(r) > 1 and r[1] else r[0])]
                  for r in got))
    suites = [sn.split()[2] for sn in
              pdml_shownames(pcap, "tls.handshake.type == 2",
                             "tls.handshake.ciphersuite")]
    compare("TLS cipher suites", family(v, "nc_tls_cipher_suites_total",
                                        "suite"), count(suites))
    got = tshark_fields(pcap, "http.request", "http.request.method")
    compare("HTTP methods", family(v, "nc_http_requests_total", "method"),
            count(r[0] for r in got))
    got = tshark_fields(pcap, "http.response", "http.response.code")
    compare("HTTP status classes",
            family(v, "nc_http_responses_total", "status_class"),
            count(r[0][0] + "xx" for r in got))
    # payload size histograms, cumulative buckets
    for layer, filt, field, adj in (("tcp", "tcp", "tcp.len", 0),
                                    ("udp", "udp", "udp.length", -8)):
        sizes = [int(r[0]) + adj for r in tshark_fields(pcap, filt, field)]
        buckets = {dict(k[1])["le"]: int(val) for k, val in v.items()
                   if k[0] == "nc_%s_size_bucket" % layer}
        want = {}
        for le in buckets:
            lim = float("inf") if le == "+Inf" else float(le)
            want[le] = sum(1 for x in sizes if x <= lim)
        compare("%s payload size buckets" % layer, buckets, want)
        sm = v.get(("nc_%s_size_sum" % layer, frozenset()))
        compare("%s payload size sum" % layer, sm, float(sum(sizes)))
    print("metrics: tshark: DNS, TLS, HTTP counters and TCP/UDP size "
          "histograms of %s agree" % pcap)


def main():
    cmd, prom = sys.argv[1], sys.argv[2]
    if cmd == "capture":
        capture(prom, sys.argv[3], sys.argv[4], int(sys.argv[5]),
                len(sys.argv) > 6 and sys.argv[6] == "steady")
    elif cmd == "export":
        export(prom, sys.argv[3], sys.argv[4], int(sys.argv[5]))
    elif cmd == "dashboard":
        dashboard(prom, sys.argv[3], sys.argv[4:])
    elif cmd == "tshark":
        tshark(sys.argv[2], sys.argv[3])
    elif cmd == "wait":
        wait(prom, sys.argv[3])
    for e in errs:
        print("metrics: FAILED: " + e)
    sys.exit(1 if errs else 0)


main()
