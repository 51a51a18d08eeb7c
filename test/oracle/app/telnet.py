# SPDX-License-Identifier: BSD-3-Clause
"""Telnet Credentials and Service against Wireshark.

Wireshark has no Telnet login extraction (tshark 4.0's credentials tap
covers HTTP, FTP, POP3, IMAP and SMTP only), so the logins are rebuilt
here from what tshark decodes: telnet.data, the NVT data of each segment
with the option negotiation and other commands taken out (RFC 854), per
direction, in frame order. The rules (independent of decoders/telnet.c):

  - the server's prompt is the text since its last line end when the
    client sends its next key: it ends (spaces aside, any case) with
    "login:", "username:" or "user name:" (a user name is asked) or
    "password:" (a password is asked);
  - the client's keys make a line: BS and DEL erase a character, ^U the
    line, escape sequences are dropped, CR (with LF or NUL after it) or
    LF ends it; a line answers the prompt pending;
  - after a password, a server line saying "login incorrect", "login
    failed", "authentication fail..." or "access denied" gives "login
    failed", "last login" or a prompt ending in $ # > % "login accepted",
    a new user or password prompt or the end of the connection "".

Compared per connection, in order: Credentials (Service "Telnet") User,
Password, Notes; and the Service record of the server's address and port
(Name "Telnet"): Banner is the first non-empty line the server sent.
"""

PROTOS = ["telnet"]
TYPES = ["Credentials"]
FIELDS = ["telnet.data"]

ESC = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t",
       "v": "\v", "\\": "\\", '"': '"', "'": "'", "0": "\0"}


def unescape(s):
    """tshark's display of a string field -> the characters."""
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c != "\\" or i + 1 >= len(s):
            out.append(c)
            i += 1
            continue
        n = s[i + 1]
        if n == "x" and i + 3 < len(s) + 0 and \
                all(h in "0123456789abcdefABCDEF" for h in s[i + 2:i + 4]):
            out.append(chr(int(s[i + 2:i + 4], 16)))
            i += 4
        elif n in ESC:
            out.append(ESC[n])
            i += 2
        else:
            out.append(n)
            i += 2
    return "".join(out)


def ends(text, word):
    return text.rstrip(" \t").lower().endswith(word)


FAIL = ("login incorrect", "login failed", "authentication fail",
        "access denied")


class Login:
    def __init__(self):
        self.cur = ""      # server text since its last line end
        self.new = False   # server text since the client last typed
        self.line = ""     # the client's line
        self.cr = False
        self.esc = 0
        self.want = None   # "user" / "pass"
        self.user = self.pw = ""
        self.pending = False
        self.out = []      # (user, password, notes)
        self.banner = None

    def verdict(self, notes):
        if self.pending:
            self.pending = False
            self.out.append((self.user, self.pw, notes))

    def look(self, text, final):
        low = text.lower()
        if self.pending:
            if any(w in low for w in FAIL):
                self.verdict("login failed")
            elif "last login" in low:
                self.verdict("login accepted")
        if final or "last login" in low:
            return
        if any(ends(text, w) for w in ("login:", "username:",
                                       "user name:")):
            self.verdict("")
            self.want = "user"
        elif ends(text, "password:"):
            self.verdict("")
            self.want = "pass"
        elif self.pending and any(ends(text, c) for c in "$#>%"):
            self.verdict("login accepted")

    def server(self, text):
        for ch in text:
            if ch in "\r\n":
                if self.cur and self.banner is None:
                    self.banner = self.cur
                self.look(self.cur, True)
                self.cur = ""
            elif ch != "\0":
                self.cur += ch
                self.new = True

    def client(self, text):
        for ch in text:
            after_cr, self.cr = self.cr, ch == "\r"
            if ch == "\0" or (ch == "\n" and after_cr):
                continue
            if self.new:
                self.new = False
                self.look(self.cur, False)
            if ch in "\r\n":
                if self.banner is None:
                    self.banner = self.cur
                if self.want == "user":
                    self.user = self.line
                elif self.want == "pass":
                    self.pw = self.line
                    self.pending = True
                self.want = None
                self.line = ""
            elif self.esc == 1:
                self.esc = 2 if ch in "[O" else 0
            elif self.esc == 2:
                if "\x40" <= ch <= "\x7e":
                    self.esc = 0
            elif ch == "\x1b":
                self.esc = 1
            elif ch in "\b\x7f":
                self.line = self.line[:-1]
            elif ch == "\x15":
                self.line = ""
            elif ch >= " ":
                self.line += ch

    def close(self):
        if self.banner is None and self.cur:
            self.banner = self.cur
        if self.new:
            self.look(self.cur, False)
        self.verdict("")


def check(ctx):
    conns = {}
    for fr in ctx.frames:
        if not ctx.has(fr, "telnet") or not fr["tcp.stream"]:
            continue
        sp, dp = ctx.ports(fr)
        c = conns.get(fr["tcp.stream"][0])
        if c is None:
            # the server is the endpoint on port 23, else the lower port
            srv = (ctx.src(fr), sp) if sp == 23 or (dp != 23 and sp < dp) \
                else (ctx.dst(fr), dp)
            cli = (ctx.dst(fr), dp) if srv[1] == sp else (ctx.src(fr), sp)
            c = conns[fr["tcp.stream"][0]] = (srv, cli, Login())
        srv, cli, lg = c
        text = "".join(unescape(v) for v in fr["telnet.data"])
        if (ctx.src(fr), sp) == srv:
            lg.server(text)
        else:
            lg.client(text)
    recs = {}
    for r in ctx.recs.get("Credentials", []):
        if r.get("Service") != "Telnet":
            continue
        k = frozenset([(r["SrcIP"], r["SrcPort"]), (r["DstIP"], r["DstPort"])])
        recs.setdefault(k, []).append(r)
    svcs = {}
    for r in ctx.recs.get("Service", []):
        if r.get("Name") == "Telnet":
            svcs[(r.get("IP"), r.get("Port"))] = r
    seen = set()
    for srv, cli, lg in conns.values():
        lg.close()
        k = frozenset([srv, cli])
        seen.add(k)
        name = "Telnet %s:%d->%s:%d" % (cli + srv)
        got = [(r.get("User", ""), r.get("Password", ""), r.get("Notes", ""))
               for r in recs.get(k, [])]
        ctx.eq(name + " logins", lg.out, got)
        s = svcs.get(srv)
        if s is None:
            ctx.bad("%s: no Service record for %s:%d" % ((name,) + srv))
        elif lg.banner is not None:
            ctx.eq(name + " Service Banner", lg.banner, s.get("Banner", ""))
    for k, rs in recs.items():
        if k not in seen:
            ctx.bad("Telnet %s: %d Credentials, tshark saw no Telnet" %
                    (sorted(k), len(rs)))
