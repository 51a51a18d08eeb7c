# shellcheck shell=sh
# Sourced by scripts/bench.sh and scripts/bench-scaling.sh; uses their
# $ncpu (CPUs) and $NW (workers).
#
# Pin the lcore threads of netcap process $1 once they exist: workers
# (lcores 2 .. NW+1, named rte-worker-<lcore>) round robin over CPUs
# 1..ncpu-1, every other thread to CPU 0.
pin() {
	[ "$ncpu" -ge 2 ] || return 0
	i=0
	while [ $i -lt 50 ] && [ -d "/proc/$1/task" ]; do
		i=$((i + 1))
		sleep 0.05
		seen=0
		for t in /proc/"$1"/task/*; do
			c=$(cat "$t/comm" 2>/dev/null) || continue
			case "$c" in
			rte-worker-*)
				l=${c#rte-worker-}
				if [ "$l" -ge 2 ] && [ "$l" -le $((NW + 1)) ]; then
					cpu=$((1 + (l - 2) % (ncpu - 1)))
					seen=$((seen + 1))
				else
					cpu=0
				fi ;;
			*) cpu=0 ;;
			esac
			taskset -p -c $cpu "${t##*/}" >/dev/null 2>&1 || true
			# a worker's CPU as an isolated core: other processes
			# (SCHED_OTHER) do not preempt it (RT throttling
			# still leaves them 5%). Not where workers share a
			# CPU: a polling SCHED_FIFO worker would starve the
			# other one for good.
			[ $cpu -eq 0 ] || [ -n "${BENCH_NO_RT:-}" ] ||
				[ "$NW" -gt $((ncpu - 1)) ] ||
				chrt -f -p 10 "${t##*/}" >/dev/null 2>&1 || true
		done
		[ $seen -ge "$NW" ] && return 0
	done
}
