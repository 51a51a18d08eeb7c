#!/bin/sh
# make bench, the peers row: netcap against the tools people would use
# instead, in the same run, on the same captures (docs/PERFORMANCE.md
# "Peers in the same run"):
#
#   Argus        argus -X -r FILE -w OUT (flow audit records; -X: the
#                defaults, not /etc/argus.conf) against capture -r with
#                Connection records only
#   ndpiReader   ndpiReader -i FILE -q -w OUT (nDPI classifying every
#                flow) against capture -r with the application records:
#                every type but the per-packet L2-L4 ones (bench.sh's
#                L2-L4 set, --exclude Ethernet,IPv4,IPv6,TCP,UDP)
#
# on build/bench/web.pcap (scripts/mkweb.sh; the issue's targets are on
# it) and build/bench/bench.pcap (scripts/mkbench.py). Each command runs
# BENCH_RUNS times (3), the least wall and the least CPU (user+sys of the
# process and its threads, /usr/bin/time) kept, each on its own: other
# load on the machine only ever adds. Three runs a tool:
#   wall, CPU  as a user runs it: netcap -w BENCH_WORKERS (1), all CPUs
#   per core   every thread on one CPU (netcap --cpus C, the peers under
#              taskset), CPU seconds less the same on a one-packet
#              capture ("fixed": start-up and exit, not per packet)
# netcap's RX, worker and writer lcores poll their rings (rte_pause, a
# yield every 64 spins; the writer sleeps 100 us when long idle), so on
# all CPUs its CPU time counts waiting too. On one CPU a waiting lcore
# yields to the one it waits for, so "per core" is the work of all of
# netcap's lcores (reading the file into mbufs, decoding, writing), as
# the peers' CPU time is all of theirs: the targets are judged on it.
# "worker" is netcap's worker alone (worker.cycles_per_packet x packets
# / TSC Hz, all-CPU run): the decoders' share, a lower bound. Argus
# idles about a second before it exits: its wall is no throughput.
# The ratios are peer / netcap: how many times faster netcap is.
#
# Then one sanity line a pair: Argus's flows (ra, argus-client) and
# ndpiReader's flows and protocols next to netcap's records, so a peer
# that read nothing shows. A benchmark, not a test: nothing is asserted.
# Without argus or ndpiReader that pair prints "skipped (why)".
#
#   scripts/bench-peers.sh [NETCAP]   (BENCH_RUNS 3, BENCH_WORKERS 1)
set -eu
NETCAP=${1:-build/netcap}
cd "$(dirname "$0")/.."
RUNS=${BENCH_RUNS:-3}
NW=${BENCH_WORKERS:-1}
NW=${NW%%,*}
L24=Ethernet,IPv4,IPv6,TCP,UDP
dir=build/bench

have() { command -v "$1" >/dev/null 2>&1; }
# the peers and the timer; each missing peer skips its pair only
[ -x /usr/bin/time ] || { echo "peers: skipped (/usr/bin/time not installed: apt-get install time)"; exit 0; }
argus=argus ndpi=ndpiReader
have argus || argus=
have ndpiReader || ndpi=
if [ -z "$argus$ndpi" ]; then
	echo "peers: skipped (argus and ndpiReader not installed: apt-get install argus-server argus-client libndpi-bin)"
	exit 0
fi
[ -n "$argus" ] || echo "peers: Argus skipped (argus not installed: apt-get install argus-server argus-client)"
[ -n "$ndpi" ] || echo "peers: ndpiReader skipped (ndpiReader not installed: apt-get install libndpi-bin)"

out=$(mktemp -d /tmp/ncbench-peers.XXXXXX)
trap 'rm -rf "$out"' EXIT
# the last CPU: bench.sh keeps main, RX and writer on CPU 0
core=$(($(nproc) - 1))
hz=$(awk '/^cpu MHz/ { print $4 * 1e6; exit }' /proc/cpuinfo)

# tm KEY FILE CMD...: RUNS runs of CMD, the word @F in it standing for
# FILE, each with an empty $out/d for its output; "least_wall least_cpu"
# in $out/KEY, the last run's stdout and stderr in $out/KEY.log and its
# output left in $out/d
tm() {
	tk=$1 tf=$2
	shift 2
	n=$#
	for a; do
		[ "$a" = @F ] && a=$tf
		set -- "$@" "$a"
	done
	shift "$n"
	i=0
	: >"$out/$tk.all"
	while [ $i -lt "$RUNS" ]; do
		i=$((i + 1))
		rm -rf "$out/d"
		mkdir "$out/d"
		/usr/bin/time -f '%e %U %S' -o "$out/time" "$@" >"$out/$tk.log" 2>&1 || {
			echo "peers: $* failed: $(tail -1 "$out/$tk.log")" >&2
			exit 1
		}
		# netcap's worker alone: TSC cycles in its non-empty bursts
		# (0 for the peers)
		ws=$(awk -v hz="$hz" '$1 == "packets" { p = $2 }
			$1 == "worker.cycles_per_packet" { c = $2 }
			END { printf "%.3f", c * p / hz }' "$out/$tk.log")
		echo "$(tail -1 "$out/time") $ws" >>"$out/$tk.all"
	done
	awk 'NR == 1 || $1 < w { w = $1 }
	     NR == 1 || $2 + $3 < c { c = $2 + $3 }
	     NR == 1 || $4 < k { k = $4 }
	     END { printf "%.3f %.3f %.3f\n", w, c, k }' "$out/$tk.all" >"$out/$tk"
}

# three KEY FILE ONE CMD...: the wall/CPU runs (CMD as given), then the
# one-CPU runs on ONE (the one-packet capture) and on FILE; "wall cpu
# core_cpu fixed" in $out/KEY; $out/d and $out/KEY.log are those of the
# FILE run on one CPU
three() {
	k3=$1 file=$2 one=$3
	shift 3
	case $1 in
	"$NETCAP") pre='' post="--cpus $core" ;;
	*) pre="taskset -c $core" post='' ;;
	esac
	tm "$k3.all" "$file" "$@"
	# shellcheck disable=SC2086 # $pre and $post: empty or words
	tm "$k3.one" "$one" $pre "$@" $post
	# shellcheck disable=SC2086
	tm "$k3.core" "$file" $pre "$@" $post
	cp "$out/$k3.core.log" "$out/$k3.log"
	# the worker from the all-CPU runs: on one CPU its bursts would
	# count the other lcores' turns
	echo "$(cut -d' ' -f1-2 "$out/$k3.all") $(cut -d' ' -f2 "$out/$k3.core") $(cut -d' ' -f2 "$out/$k3.one") $(cut -d' ' -f3 "$out/$k3.all")" >"$out/$k3"
}

val() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }

# row NAME KEY: one tool's line
row() {
	awk -v n="$1" '{
		pc = $3 - $4
		if (pc < 0.001)
			pc = 0.001
		printf "  %-42s %7.2f %7.2f %9.2f %7.2f %9.2f %7s\n", n, $1, $2, $3, $4, pc,
		    ($5 > 0 ? sprintf("%.2f", $5) : "-")
	}' "$out/$2"
}

# ratio NAME PEER NETCAP TARGET: peer / netcap, and the target where
# there is one
ratio() {
	printf '%s %s\n' "$(cat "$out/$2")" "$(cat "$out/$3")" |
		awk -v n="$1" -v t="$4" '
		function pc(c, f) { return c - f < 0.001 ? 0.001 : c - f }
		{
			w = $1 / $6; c = $2 / $7; p = pc($3, $4) / pc($8, $9)
			k = pc($3, $4) / ($10 > 0 ? $10 : 0.001)
			printf "  %s: wall %.2fx, CPU %.2fx, per core %.2fx, worker alone %.2fx",
			    n, w, c, p, k
			if (t != "")
				printf " (target >= %sx per core: %s)", t, (p >= t ? "met" : "missed")
			printf "\n"
		}'
}

for name in web bench; do
	f=$dir/$name.pcap
	if [ ! -s "$f" ]; then
		echo "peers: no $f (scripts/bench.sh makes it)"
		continue
	fi
	editcap -r "$f" "$out/one.pcap" 1
	# the issue's targets are on the web traffic
	t5='' t2=''
	[ "$name" = bench ] || t5=5 t2=2
	nc="$NETCAP capture -q -r @F -w $NW -o $out/d/nc"
	echo "peers on $name.pcap ($(capinfos -c -M "$f" | sed -n 's/^Number of packets: *//p') packets), best of $RUNS; seconds:"
	printf '  %-42s %7s %7s %9s %7s %9s %7s\n' "" wall CPU "on 1 CPU" fixed "per core" worker
	if [ -n "$argus" ]; then
		three argus "$f" "$out/one.pcap" argus -X -r @F -w "$out/d/argus.out"
		# ra: the flows (Argus's "man" records are its own status)
		af="- - -"
		if have ra; then
			af=$(ra -r "$out/d/argus.out" -n -s proto pkts - not man | awk '
				NR > 1 { n++; p += $2; if ($1 == "tcp" || $1 == "udp") tu++ }
				END { printf "%d %d %d", n, tu, p }')
		fi
		# shellcheck disable=SC2086 # $nc: words
		three ncconn "$f" "$out/one.pcap" $nc --include Connection
		row "argus -X -r (flow records)" argus
		row "netcap capture -r, Connection" ncconn
		ratio "Connection, netcap vs Argus" argus ncconn "$t5"
		echo "$af" | awk -v c="$(val records.Connection "$out/ncconn.log")" \
		    -v p="$(val packets "$out/ncconn.log")" '{
			printf "  sanity: Argus %s flows (%s TCP/UDP), %s packets (ra); netcap %s Connection records, %s packets\n", $1, $2, $3, c, p }'
	fi
	if [ -n "$ndpi" ]; then
		three ndpi "$f" "$out/one.pcap" ndpiReader -i @F -q -w "$out/d/ndpi.txt"
		# -w's table: protocol, packets, bytes, flows
		nf=$(awk -F'\t' 'NF == 4 { n += $4; p += $2; if ($1 != "Unknown") k++ }
			END { printf "%d %d %d", n, k, p }' "$out/d/ndpi.txt")
		# shellcheck disable=SC2086
		three ncapp "$f" "$out/one.pcap" $nc --exclude "$L24"
		row "ndpiReader -i -q (flows classified)" ndpi
		row "netcap capture -r, application records" ncapp
		ratio "application records, netcap vs ndpiReader" ndpi ncapp "$t2"
		x=$out/ncapp.log
		echo "$nf" | awk -v c="$(val records.Connection "$x")" \
		    -v h="$(val records.HTTP "$x")" -v d="$(val records.DNS "$x")" \
		    -v t="$(val records.TLSClientHello "$x")" \
		    -v a="$(val records.total "$x")" '{
			printf "  sanity: ndpiReader %s flows, %s protocols, %s packets; netcap %s Connection, %d HTTP, %d DNS, %d TLSClientHello, %s records in all\n", $1, $2, $3, c, h, d, t, a }'
	fi
done
echo "peers: per core = CPU s with all threads on CPU $core, less a one-packet run's (fixed); netcap's lcores busy-poll, and on one CPU"
echo "  a waiting lcore yields to the busy one: all of netcap's work (read, decode, write), not its polling; worker = netcap's"
echo "  worker alone (a lower bound); Argus's wall includes its 1 s idle wait before exit"
