# SPDX-License-Identifier: BSD-3-Clause
"""IPProfile and DeviceProfile against Wireshark.

IPProfile: NumPackets and Bytes of every address against tshark's
endpoints statistics (-z endpoints,ip / endpoints,ipv6: frames and frame
bytes each address sent or received), and every address tshark lists has a
profile. netcap builds profiles from connections (decoders/profile.c), so an
address seen only inside a tunnel's outer header or an ICMP error's quoted
packet differs: such captures are listed in APP_EXCEPTIONS.
DeviceProfile: DeviceManufacturer against tshark's eth.src.oui_resolved
(Wireshark's copy of the IEEE registry) for every source MAC.
"""
PROTOS = ["ip", "ipv6"]
TYPES = ["IPProfile", "DeviceProfile"]
FIELDS = ["eth.src", "eth.src.oui_resolved"]
# 802.11 data frames: netcap's source MAC is the SA (decoders/link/dot11.c);
# tshark's wlan.sa_resolved is not the registry name, so no vendor check.
FIELDS += ["wlan.sa"]


def endpoints(ctx):
    out = {}
    text = ctx.tshark(["-q", "-z", "endpoints,ip", "-z", "endpoints,ipv6"])
    for line in text.splitlines():
        parts = line.split()
        if len(parts) != 7 or not parts[1].isdigit():
            continue
        out[parts[0]] = (int(parts[1]), int(parts[2]))
    return out


def check(ctx):
    ip = {r["Addr"]: r for r in ctx.recs.get("IPProfile", [])}
    for addr, (pk, by) in sorted(endpoints(ctx).items()):
        r = ip.get(addr)
        if r is None:
            ctx.bad("IPProfile %s: tshark has the endpoint, netcap no "
                    "profile" % addr)
            continue
        ctx.eq("IPProfile %s NumPackets" % addr, pk, int(r["NumPackets"]))
        ctx.eq("IPProfile %s Bytes" % addr, by, int(r["Bytes"]))
    # vendors of frames with one Ethernet header (an unresolved OUI has
    # no oui_resolved value, so several headers cannot be lined up)
    vendors, seen = {}, set()
    for fr in ctx.frames:
        seen.update(fr["eth.src"])
        seen.update(fr["wlan.sa"])
        if len(fr["eth.src"]) == 1:
            v = fr["eth.src.oui_resolved"]
            vendors.setdefault(fr["eth.src"][0], v[0] if v else "")
    for r in ctx.recs.get("DeviceProfile", []):
        mac = r["MacAddr"]
        if mac not in seen:
            ctx.bad("DeviceProfile %s: no frame from this MAC in tshark" %
                    mac)
        elif mac in vendors:
            # the registry's casing: Wireshark's manuf file re-cases
            # names ("NETGEAR" -> "Netgear"); the words must agree
            ctx.eq("DeviceProfile %s DeviceManufacturer" % mac,
                   vendors[mac].lower(), r["DeviceManufacturer"].lower())
