# Entry points. `make test` is the one command CI runs (via .ci/run).
#   make deps      install the Debian packages the build needs (idempotent)
#   make build     configure and build everything into build/ (binaries: build/bin)
#   make test      deps + build + every test (unit, mock, cluster), then the
#                  sanitizer build's tests and a short run of every fuzzer
#   make cluster-test  the tests on the local Kubernetes cluster (hack/cluster)
#   make demo      build, start the local cluster with mock GPUs, show them
#   make demo-down stop the demo cluster
#   make asan      ASan+UBSan build in build-asan/ and its tests
#   make fuzz      clang libFuzzer build in build-fuzz/, each fuzzer run FUZZ_SECONDS
SHELL := /bin/bash
BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

# Let ccache reuse objects across checkouts in different folders (CI clones).
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1

FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 10

.PHONY: deps build test unit cluster-test asan fuzz demo demo-down clean

deps:
	@hack/install-deps.sh

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS)

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

unit: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -LE 'cluster|apiserver'

# Tests on the local cluster (hack/cluster): the first run builds the pinned
# Kubernetes binaries (about 30 minutes on 2 cores), later runs reuse them.
# Then the tests that start their own private API server from those binaries.
cluster-test: build
	cd $(BUILD) && ctest --output-on-failure -L cluster || { ../hack/cluster/logs --tail 40; exit 1; }
	cd $(BUILD) && ctest --output-on-failure -L apiserver

$(ASAN_BUILD)/build.ninja:
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DDRA_SANITIZE=ON $(CMAKE_FLAGS)

asan: deps $(ASAN_BUILD)/build.ninja
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS) -LE apiserver

# libFuzzer targets (clang-14), each run for FUZZ_SECONDS on its seed corpus.
$(FUZZ_BUILD)/build.ninja:
	CC=clang-14 CXX=clang++-14 cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DDRA_BUILD_FUZZERS=ON -DDRA_BUILD_TESTS=OFF $(CMAKE_FLAGS)

fuzz: deps $(FUZZ_BUILD)/build.ninja
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzzers
	@hack/run-fuzzers.sh $(FUZZ_BUILD)/fuzz $(FUZZ_SECONDS)

test: unit cluster-test asan fuzz

demo: build
	@hack/demo.sh

demo-down:
	@hack/cluster/down

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
