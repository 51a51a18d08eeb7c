# netcap build. Every dependency comes through pkg-config.
#   make            build build/netcap
#   make run        install deps if missing, build, capture a bundled capture, dump some records
#   make test       install deps if missing, run the whole suite, then again under ASan+UBSan,
#                   then check formatting (clang-format)
#   make asan       the suite under ASan+UBSan only
#   make hostile    fuzz targets (short runs), mutated captures, kill and
#                   full-disk tests, static analysis (docs/HARDENING.md)
#   make bench      the benchmark (not a test)
#   make static     build/netcap-static: the libraries linked in, only the C
#                   library needed at run time (docs/PERFORMANCE.md)
#   make lint       static analysis, cppcheck and clang-tidy (part of make hostile)

BUILD ?= build
SAN ?=
CC ?= cc
PKG_CONFIG ?= pkg-config

VERSION := $(shell git describe --always --dirty 2>/dev/null || echo 0.1)

WARN := -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes \
	-Wmissing-prototypes -Wno-missing-field-initializers
OPT ?= -O2 -g
CFLAGS_BASE := -std=gnu11 $(OPT) $(WARN) -D_GNU_SOURCE
ifeq ($(SAN),1)
CFLAGS_BASE += -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
endif

CORE_PKGS := libprotobuf-c liblz4 jansson libcrypto zlib
APP_PKGS := libdpdk libpcap libbpf yaml-0.1 libmicrohttpd libzip libnats \
	libevent libevent_openssl libssl $(CORE_PKGS)

GEN := $(BUILD)/gen
# decoders/ holds the decoder contract and the dispatch registries; its
# folders hold the decoders by layer (docs/ARCHITECTURE.md section 4)
DEC_DIRS := $(sort $(dir $(wildcard decoders/*/*.c decoders/*/*.h)))
DEC_INC := -Idecoders $(patsubst %/,-I%,$(DEC_DIRS))
INC := $(DEC_INC) -Irecords -I$(GEN)

CORE_CFLAGS = $(CFLAGS_BASE) $(INC) $(shell $(PKG_CONFIG) --cflags $(CORE_PKGS))
APP_CFLAGS = $(CFLAGS_BASE) $(INC) -Iapp $(shell $(PKG_CONFIG) --cflags $(APP_PKGS))
CORE_LIBS = $(shell $(PKG_CONFIG) --libs $(CORE_PKGS)) -lm
APP_LIBS = $(shell $(PKG_CONFIG) --libs $(APP_PKGS)) -lm -lpthread
TEST_LIBS = $(shell $(PKG_CONFIG) --libs cmocka yaml-0.1) $(CORE_LIBS)

CORE_SRC := $(wildcard decoders/*.c decoders/*/*.c) $(wildcard records/*.c)
# static_stubs.c is build/netcap-static's alone (make static)
STATIC_SRC := app/static_stubs.c
APP_SRC := $(filter-out $(STATIC_SRC),$(wildcard app/*.c))
TEST_SRC := $(wildcard test/unit/test_*.c)

CORE_OBJ := $(GEN)/netcap.pb-c.o $(GEN)/netcap_pack.o $(CORE_SRC:%.c=$(BUILD)/obj/%.o)
APP_OBJ := $(APP_SRC:%.c=$(BUILD)/obj/%.o)
TESTS := $(TEST_SRC:test/unit/%.c=$(BUILD)/test/%)

.PHONY: all deps run test check unit integration asan bench clean format format-check install static

all: $(BUILD)/netcap $(BUILD)/xdp_filter.o

$(GEN)/netcap.pb-c.c $(GEN)/netcap.pb-c.h: records/netcap.proto
	@mkdir -p $(GEN)
	protoc-c --c_out=$(GEN) -Irecords records/netcap.proto

$(GEN)/netcap.pb-c.o: $(GEN)/netcap.pb-c.c
	$(CC) $(CFLAGS_BASE) -Wno-unused-parameter $(INC) $(shell $(PKG_CONFIG) --cflags libprotobuf-c) -c $< -o $@

# Direct record packers generated from the schema (docs/PERFORMANCE.md).
$(GEN)/netcap_pack.c $(GEN)/netcap_pack.h &: records/netcap.proto scripts/gen-packers.py
	@mkdir -p $(GEN)
	python3 scripts/gen-packers.py records/netcap.proto $(GEN)/netcap_pack

$(GEN)/netcap_pack.o: $(GEN)/netcap_pack.c $(GEN)/netcap_pack.h $(GEN)/netcap.pb-c.h records/rec_types.def records/rec.h
	$(CC) $(CORE_CFLAGS) -c $< -o $@

# The same generator on a schema with every type netcap.proto lacks, for
# test_unpack only (test/unit/unpack_types.proto).
$(GEN)/unpack_types.pb-c.c $(GEN)/unpack_types.pb-c.h &: test/unit/unpack_types.proto
	@mkdir -p $(GEN)
	protoc-c --c_out=$(GEN) -Itest/unit test/unit/unpack_types.proto

$(GEN)/unpack_types_pack.c $(GEN)/unpack_types_pack.h &: test/unit/unpack_types.proto scripts/gen-packers.py
	@mkdir -p $(GEN)
	python3 scripts/gen-packers.py test/unit/unpack_types.proto $(GEN)/unpack_types_pack --no-records

# nc_version.h is rewritten only when the version string changes, so the
# objects that include it rebuild exactly then.
$(GEN)/nc_version.h: FORCE
	@mkdir -p $(GEN)
	@echo '#define NC_VERSION "$(VERSION)"' > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
FORCE:

$(CORE_SRC:%.c=$(BUILD)/obj/%.o) $(APP_OBJ) $(TESTS): | $(GEN)/netcap.pb-c.h $(GEN)/netcap_pack.h $(GEN)/nc_version.h

$(BUILD)/obj/decoders/%.o: decoders/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CORE_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/obj/records/%.o: records/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CORE_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/obj/app/%.o: app/%.c
	@mkdir -p $(dir $@)
	$(CC) $(APP_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libnccore.a: $(CORE_OBJ)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/netcap: $(APP_OBJ) $(BUILD)/libnccore.a
	$(CC) $(LDFLAGS) -o $@ $(APP_OBJ) $(BUILD)/libnccore.a $(APP_LIBS)

# --xdp-filter's XDP program, found next to the binary (docs/ops-filter.md)
BPF_CC ?= clang
$(BUILD)/xdp_filter.o: bpf/xdp_filter.c
	@mkdir -p $(dir $@)
	$(BPF_CC) -O2 -g -target bpf -Wall -Wextra -Werror \
		-I/usr/include/$(shell $(CC) -dumpmachine) -c $< -o $@

$(BUILD)/test/%: test/unit/%.c $(BUILD)/libnccore.a
	@mkdir -p $(dir $@)
	$(CC) $(CORE_CFLAGS) $(shell $(PKG_CONFIG) --cflags cmocka) -Itest/unit $< -o $@ $(LDFLAGS) $(BUILD)/libnccore.a $(TEST_LIBS)

# the random messages of the packer and unpacker tests
$(BUILD)/test/test_packers $(BUILD)/test/test_unpack: test/unit/rand_msg.h

# test_unpack links the generated code of test/unit/unpack_types.proto
UT_GEN := $(GEN)/unpack_types.pb-c.c $(GEN)/unpack_types_pack.c
$(BUILD)/test/test_unpack: test/unit/test_unpack.c $(BUILD)/libnccore.a $(UT_GEN) $(UT_GEN:.c=.h)
	@mkdir -p $(dir $@)
	$(CC) $(CORE_CFLAGS) $(shell $(PKG_CONFIG) --cflags cmocka) -Itest/unit $< $(UT_GEN) -o $@ $(LDFLAGS) $(BUILD)/libnccore.a $(TEST_LIBS)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

deps:
	@scripts/install-deps.sh

run: deps
	@$(MAKE) --no-print-directory all
	@scripts/run-demo.sh $(BUILD)/netcap

unit: $(TESTS)
	@$(CC) $(CORE_CFLAGS) -fsyntax-only -x c decoders/template.c.in
	@set -e; for t in $(TESTS); do echo "== $$t"; $$t; done

# the sanitizer builds (make asan) leave the static binary out: it is
# the same code, linked differently (test/run-static-bin.sh)
integration: $(BUILD)/netcap $(BUILD)/xdp_filter.o $(if $(SAN),,$(BUILD)/netcap-static)
	@NC_SAN=$(SAN) NETCAP=$(BUILD)/netcap $(if $(SAN),,NETCAP_STATIC=$(BUILD)/netcap-static) \
		test/run-integration.sh

check: unit integration

# each part prints its time (CI allows 90 minutes for all of it)
test: deps
	@t=$$(date +%s); $(MAKE) --no-print-directory check && \
	echo "== make check: $$(($$(date +%s) - t)) s"
	@t=$$(date +%s); $(MAKE) --no-print-directory asan && \
	echo "== make asan: $$(($$(date +%s) - t)) s"
	@t=$$(date +%s); $(MAKE) --no-print-directory hostile && \
	echo "== make hostile: $$(($$(date +%s) - t)) s"
	@$(MAKE) --no-print-directory format-check

asan:
	@$(MAKE) --no-print-directory BUILD=build/asan SAN=1 OPT="-O1 -g" check

bench: deps
	@$(MAKE) --no-print-directory all static
	@scripts/bench.sh $(BUILD)/netcap

format:
	clang-format -i $(CORE_SRC) $(APP_SRC) $(STATIC_SRC) $(wildcard decoders/*.h decoders/*/*.h records/*.h app/*.h)

format-check:
	clang-format --dry-run -Werror $(CORE_SRC) $(APP_SRC) $(STATIC_SRC) $(wildcard decoders/*.h decoders/*/*.h records/*.h app/*.h)

# PREFIX/bin/netcap, its XDP program, the set-up scripts, the settings in
# SYSCONFDIR/netcap (kept when present) and the systemd unit
PREFIX ?= /usr/local
SYSCONFDIR ?= /etc
UNITDIR ?= /etc/systemd/system
install: all
	install -D -m 755 $(BUILD)/netcap $(DESTDIR)$(PREFIX)/bin/netcap
	install -D -m 644 $(BUILD)/xdp_filter.o $(DESTDIR)$(PREFIX)/lib/netcap/xdp_filter.o
	install -D -m 755 scripts/setup-hugepages.sh $(DESTDIR)$(PREFIX)/share/netcap/setup-hugepages.sh
	install -D -m 755 scripts/bind-nic.sh $(DESTDIR)$(PREFIX)/share/netcap/bind-nic.sh
	install -D -m 644 config/fingerprints.json $(DESTDIR)$(PREFIX)/share/netcap/fingerprints.json
	install -d $(DESTDIR)$(PREFIX)/share/doc/netcap
	install -m 644 README.md docs/*.md $(DESTDIR)$(PREFIX)/share/doc/netcap/
	install -d $(DESTDIR)$(SYSCONFDIR)/netcap
	[ -e $(DESTDIR)$(SYSCONFDIR)/netcap/netcap.json ] || \
		install -m 644 config/netcap.json $(DESTDIR)$(SYSCONFDIR)/netcap/netcap.json
	install -D -m 644 config/netcap.service $(DESTDIR)$(UNITDIR)/netcap.service

clean:
	rm -rf build

# ---- build/netcap-static (docs/PERFORMANCE.md "Static binary") -----------
# DPDK with the drivers below, libpcap, libbpf/libxdp, protobuf-c, LZ4,
# jansson, yaml, libevent, OpenSSL and zlib from their static archives;
# only glibc (libc, libm, ld-linux) stays dynamic. Debian 12 has no static
# libnats, libzip, or p11-kit/libunistring for libmicrohttpd's gnutls: those
# features are compiled out (app/static_stubs.c says how each refuses).
# The objects the NC_NO_* switches change are compiled again in
# $(BUILD)/static-obj; the rest are build/netcap's.
STATIC_DEFS := -DNC_NO_NATS -DNC_NO_MHD -DNC_NO_ZIP
STATIC_RECOMPILE := main prom transform
STATIC_LEFT_OUT := agent collect natsconn
STATIC_OBJ := $(filter-out $(addprefix $(BUILD)/obj/app/,$(addsuffix .o,$(STATIC_RECOMPILE) $(STATIC_LEFT_OUT))),$(APP_OBJ)) \
	$(addprefix $(BUILD)/static-obj/app/,$(addsuffix .o,$(STATIC_RECOMPILE) static_stubs))
# Drivers register from constructors: linked whole. PCI: the Intel and
# paravirtual NICs; the vdevs netcap documents (rx_port.c).
STATIC_DRIVERS := bus_pci bus_vdev mempool_ring mempool_stack \
	net_af_packet net_af_xdp net_pcap net_ring net_null \
	net_e1000 net_ixgbe net_i40e net_iavf net_ice net_virtio net_vmxnet3
# DPDK's libraries (what a shared link names), and the drivers' commons;
# librte_bpf from a copy whose bpf_validate (internal) does not collide
# with libpcap's public one
STATIC_DPDK_LIBS = $(patsubst -lrte_%,-l:librte_%.a,$(filter -lrte_%,$(shell $(PKG_CONFIG) --libs libdpdk))) \
	-l:librte_common_iavf.a
STATIC_LIBS = $(filter-out -lsystemd -ldl -lpthread -pthread -lrt -lm,$(shell $(PKG_CONFIG) --static --libs \
	libpcap libxdp libbpf yaml-0.1 libevent_openssl libssl numa libbsd $(CORE_PKGS)))

$(BUILD)/static-obj/app/%.o: app/%.c | $(GEN)/netcap.pb-c.h $(GEN)/netcap_pack.h $(GEN)/nc_version.h
	@mkdir -p $(dir $@)
	$(CC) $(APP_CFLAGS) $(STATIC_DEFS) -MMD -MP -c $< -o $@

$(BUILD)/static-obj/librte_bpf.a: $(shell $(CC) -print-file-name=librte_bpf.a)
	@mkdir -p $(dir $@)
	objcopy --redefine-sym bpf_validate=rte_bpf_validate_nc $< $@

-include $(shell find $(BUILD)/static-obj -name '*.d' 2>/dev/null)

$(BUILD)/netcap-static: $(STATIC_OBJ) $(BUILD)/libnccore.a $(BUILD)/static-obj/librte_bpf.a
	$(CC) $(LDFLAGS) -o $@ $(STATIC_OBJ) $(BUILD)/libnccore.a \
		-Wl,--whole-archive $(STATIC_DRIVERS:%=-l:librte_%.a) -Wl,--no-whole-archive \
		-Wl,--start-group $(BUILD)/static-obj/librte_bpf.a \
		$(filter-out -l:librte_bpf.a,$(STATIC_DPDK_LIBS)) \
		-Wl,-Bstatic $(STATIC_LIBS) -Wl,--end-group \
		-Wl,-Bdynamic -lm -lpthread -ldl -lrt

static: $(BUILD)/netcap-static

# flood captures for test/run-flood.sh (plain C, libc only)
build/gen-flood: scripts/gen-flood.c
	@mkdir -p build
	$(CC) $(CFLAGS_BASE) -o $@ $<

# the RX lcore's flow hash in a loop (scripts/bench-flowhash.sh), and the
# same loop over the flowhash.c of commit FLOWHASH_BASE (its older
# three-argument API) for instruction counts
build/flowhash-bench: scripts/flowhash-bench.c $(BUILD)/libnccore.a
	$(CC) $(CORE_CFLAGS) -o $@ $< $(BUILD)/libnccore.a $(CORE_LIBS) -lpcap

FLOWHASH_BASE ?= 1b5027b
build/flowhash-bench-old: scripts/flowhash-bench.c $(BUILD)/libnccore.a FORCE
	@mkdir -p build/flowhash-old
	git show $(FLOWHASH_BASE):decoders/flow/flowhash.c >build/flowhash-old/flowhash.c
	git show $(FLOWHASH_BASE):decoders/flow/flowhash.h >build/flowhash-old/flowhash.h
	$(CC) -Ibuild/flowhash-old $(CORE_CFLAGS) -DNC_OLD_API -o $@ $< \
		build/flowhash-old/flowhash.c $(BUILD)/libnccore.a $(CORE_LIBS) -lpcap

# ---- hostile input (docs/HARDENING.md) ----------------------------------
#   make fuzz        libFuzzer targets (clang-14, ASan+UBSan) in build/fuzz,
#                    and their seed corpora from test/data
#   make fuzz-short  every target FUZZ_SECONDS on its corpus, fixed seed
#   make soak        long fuzz runs and 1000 mutants per capture (not a test)
#   make hostile     fuzz-short, mutated captures, kill test, full disk,
#                    static analysis (part of make test)
FUZZ_BUILD := build/fuzz
FUZZ_CC ?= clang-14
# seconds per target in make fuzz-short and make hostile; empty: 300 s in
# all, shared among the targets (test/fuzz/run.sh)
FUZZ_SECONDS ?=
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
FUZZ_INC := $(DEC_INC) -Irecords -I$(FUZZ_BUILD)/gen -Itest/fuzz
FUZZ_CFLAGS = -std=gnu11 -O1 -g -D_GNU_SOURCE -Wall -Wextra \
	-Wno-missing-field-initializers $(FUZZ_SAN) $(FUZZ_INC) \
	$(shell $(PKG_CONFIG) --cflags $(CORE_PKGS) libpcap)
FUZZ_LIBS = $(shell $(PKG_CONFIG) --libs $(CORE_PKGS) libpcap yaml-0.1) -lm
FUZZ_NAMES := $(patsubst test/fuzz/fuzz_%.c,%,$(wildcard test/fuzz/fuzz_*.c))
FUZZ_BINS := $(FUZZ_NAMES:%=$(FUZZ_BUILD)/fuzz_%)
FUZZ_OBJ := $(FUZZ_BUILD)/gen/netcap.pb-c.o $(FUZZ_BUILD)/gen/netcap_pack.o $(CORE_SRC:%.c=$(FUZZ_BUILD)/obj/%.o)

.PHONY: fuzz fuzz-short hostile lint soak

$(FUZZ_BUILD)/gen/netcap.pb-c.c $(FUZZ_BUILD)/gen/netcap.pb-c.h: records/netcap.proto
	@mkdir -p $(FUZZ_BUILD)/gen
	protoc-c --c_out=$(FUZZ_BUILD)/gen -Irecords records/netcap.proto

$(FUZZ_BUILD)/gen/nc_version.h: FORCE
	@mkdir -p $(FUZZ_BUILD)/gen
	@echo '#define NC_VERSION "$(VERSION)"' > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

$(FUZZ_BUILD)/gen/netcap.pb-c.o: $(FUZZ_BUILD)/gen/netcap.pb-c.c
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Wno-unused-parameter -c $< -o $@

$(FUZZ_BUILD)/gen/netcap_pack.c $(FUZZ_BUILD)/gen/netcap_pack.h &: records/netcap.proto scripts/gen-packers.py
	@mkdir -p $(FUZZ_BUILD)/gen
	python3 scripts/gen-packers.py records/netcap.proto $(FUZZ_BUILD)/gen/netcap_pack

$(FUZZ_BUILD)/gen/netcap_pack.o: $(FUZZ_BUILD)/gen/netcap_pack.c $(FUZZ_BUILD)/gen/netcap_pack.h $(FUZZ_BUILD)/gen/netcap.pb-c.h
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_BUILD)/obj/%.o: %.c | $(FUZZ_BUILD)/gen/netcap.pb-c.h $(FUZZ_BUILD)/gen/netcap_pack.h $(FUZZ_BUILD)/gen/nc_version.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(FUZZ_BUILD)/fuzz_%: test/fuzz/fuzz_%.c test/fuzz/fuzz.h $(FUZZ_OBJ)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Werror -fsanitize=fuzzer $< $(FUZZ_OBJ) $(FUZZ_LIBS) -o $@

# fuzz_label and test_label compile in label's input readers (app/, not
# libnccore)
$(FUZZ_BUILD)/fuzz_label $(BUILD)/test/test_label: app/label_in.c app/label.h \
	test/unit/eve_diff.h app/label_map.h

# the unpackers' differential check, shared by its fuzz target and unit test
$(FUZZ_BUILD)/fuzz_unpack $(BUILD)/test/test_unpack: test/fuzz/unpack_check.h

$(FUZZ_BUILD)/mkseeds: test/fuzz/mkseeds.c $(FUZZ_OBJ)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Werror $< $(FUZZ_OBJ) $(FUZZ_LIBS) -o $@

$(FUZZ_BUILD)/corpus/.stamp: $(FUZZ_BUILD)/mkseeds $(wildcard test/data/*.pcap test/data/*.pcapng)
	rm -rf $(FUZZ_BUILD)/corpus
	$(FUZZ_BUILD)/mkseeds $(FUZZ_BUILD)/corpus $(wildcard test/data/*.pcap test/data/*.pcapng)
	@touch $@

-include $(shell find $(FUZZ_BUILD)/obj -name '*.d' 2>/dev/null)

fuzz: $(FUZZ_BINS) $(FUZZ_BUILD)/corpus/.stamp

fuzz-short: fuzz
	@FUZZ_SECONDS=$(FUZZ_SECONDS) test/fuzz/run.sh $(FUZZ_NAMES)

lint:
	@test/run-lint.sh

hostile: fuzz
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory BUILD=build/asan SAN=1 OPT="-O1 -g" build/asan/netcap
	@NETCAP=$(BUILD)/netcap NETCAP_ASAN=build/asan/netcap FUZZ_SECONDS=$(FUZZ_SECONDS) \
		test/run-hostile.sh $(FUZZ_NAMES)

# Long campaigns, not part of make test (docs/HARDENING.md has their
# results): every fuzz target 10 M executions or 10 minutes, 1000
# mutants of every capture through the ASan build, and ten million
# connections tracked at once within the memory bound (run-flood.sh).
soak: fuzz
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory BUILD=build/asan SAN=1 OPT="-O1 -g" build/asan/netcap
	@test/fuzz/long.sh $(FUZZ_NAMES)
	@MUTATE_N=1000 test/run-mutate.sh build/asan/netcap
	@FLOOD_MODES=syn FLOOD_MAXC=10000000 test/run-flood.sh $(BUILD)/netcap
