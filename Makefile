# The collection liferay_ops.mail (the role liferay_ops.mail.mail_session): the two commands are
# `make run` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
RUN_DIR := .run
# this checkout as the installed collection liferay_ops.mail (tools/dev_collection.py links it here)
export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/$(RUN_DIR)/collections

# The molecule scenarios: rootful podman with runc, netavark + aardvark-dns (the network's DNS),
# iptables (netavark's firewall), catatonit (--init) and debootstrap (the local Debian images).
MOLECULE_DEB_PACKAGES := podman runc netavark aardvark-dns iptables catatonit debootstrap

# Debian packages the tests need (installed by `make deps` when run as root).
#   JDK + Commons Configuration 1.10: the parser Liferay reads portal-ext.properties with
#   Postfix + Dovecot (+ openssl for per-run certificates): the real mail servers the
#   verification tests run on loopback
#   PostgreSQL + MariaDB (servers and clients): the throwaway databases the database-check
#   tests start on loopback (tests/harness/dbserver.py)
#   Tomcat 10 (tomcat10-common: CATALINA_HOME /usr/share/tomcat10, without the system service)
#   + Jakarta Mail and Activation: the real Tomcat the application-server session tests start
#   iproute2 + nftables: the verification tests' own network namespaces (dropped packets, a private
#   resolver) and the benchmark's dropped-connection case
#   OpenSSH server and client: the benchmark's hosts over SSH (sshd on loopback addresses, bench/ssh_targets.py)
DEB_PACKAGES := default-jdk-headless libcommons-configuration-java libcommons-lang-java \
	libcommons-logging-java \
	postfix dovecot-core dovecot-pop3d dovecot-imapd dovecot-lmtpd openssl \
	postgresql postgresql-client mariadb-server mariadb-client \
	tomcat10-common libjakarta-mail-java libjakarta-activation-java \
	iproute2 nftables openssh-server openssh-client \
	$(MOLECULE_DEB_PACKAGES)

# Molecule: every scenario under molecule/ (or SCENARIO=name), with podman configured by
# $(RUN_DIR)/containers.conf, the images from molecule/images/build.
CONTAINERS_CONF_FILE := $(CURDIR)/$(RUN_DIR)/containers.conf
MOLECULE_SCENARIOS := $(sort $(patsubst molecule/%/molecule.yml,%,$(wildcard molecule/*/molecule.yml)))
SCENARIO ?= $(MOLECULE_SCENARIOS)
MOLECULE_ENV := CONTAINERS_CONF=$(CONTAINERS_CONF_FILE) PATH="$(CURDIR)/$(BIN):$$PATH"

.PHONY: help run test venv deps lint unit clean podman-conf images molecule bench bench-smoke collection-link \
	build sanity generate

# The role's variable files, rendered from plugins/module_utils/liferay/settings_table.py
# (tests/repository/test_docs_are_generated_and_links_live.py fails when they are out of date).
generate: venv
	$(BIN)/python tools/render_role.py

help:
	@echo "make run   - apply the role to this machine with inventory/local (LIFERAY_HOME in $(RUN_DIR)/liferay)"
	@echo "make test  - create $(VENV), install the Debian packages the tests need, run linters and tests"
	@echo "make lint  - yamllint, ansible-lint (production profile), ruff"
	@echo "make generate - render argument_specs.yml, defaults/main.yml, docs/variables.md from the settings table"
	@echo "make build - the collection tarball users install ($(RUN_DIR)/dist/liferay_ops-mail-<version>.tar.gz)"
	@echo "make sanity - ansible-test sanity on the built collection (part of make test)"
	@echo "make matrix - the playbook tests on ansible-core 2.16 and 2.21 (part of make test)"
	@echo "make molecule [SCENARIO=default] - the molecule scenarios on podman (as root; part of make test)"
	@echo "make bench - converge cost per host and verification timings (bench/bench.py; not part of make test)"
	@echo "make clean - remove $(RUN_DIR) and $(VENV)"

$(BIN)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

venv: $(BIN)/.installed

collection-link:
	@$(PYTHON) tools/dev_collection.py >/dev/null

# The artefact users install: $(RUN_DIR)/dist/liferay_ops-mail-<version>.tar.gz
build: venv
	rm -rf $(RUN_DIR)/dist
	$(BIN)/ansible-galaxy collection build --output-path $(RUN_DIR)/dist .

deps:
	@missing=$$(for p in $(DEB_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null \
		| grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" != 0 ]; then echo "missing Debian packages: $$missing (run make as root, or apt-get install them)"; exit 1; fi; \
		echo "installing Debian packages: $$missing"; \
		echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections; \
		apt-get update -qq; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

DEMO_MAIL := $(BIN)/python tools/demo_mail_server.py
LOCAL_PLAYBOOK := $(BIN)/ansible-playbook -i inventory/local/hosts.yml \
	--vault-password-file inventory/local/vault-password

run: venv collection-link
	mkdir -p $(RUN_DIR)/liferay
	$(DEMO_MAIL) start --state-dir $(RUN_DIR)/mail
	trap '$(DEMO_MAIL) stop --state-dir $(RUN_DIR)/mail' EXIT; \
	$(LOCAL_PLAYBOOK) playbooks/site.yml --diff
	@echo
	@echo "== $(RUN_DIR)/liferay/portal-ext.properties (secrets masked) =="
	@$(BIN)/python tools/show_masked.py $(RUN_DIR)/liferay/portal-ext.properties

# ansible-test sanity on the built artefact, unpacked at ansible_collections/liferay_ops/mail (where
# ansible-test wants a collection, and a git index to list its files); offline, its pip bootstrap comes
# from tools/get_pip_standin.py. No ignore file: every finding counts.
SANITY_DIR := $(RUN_DIR)/sanity/ansible_collections/liferay_ops/mail
# the pip version ansible-test 2.19 bootstraps in its sanity environments (get_venv_packages)
ANSIBLE_TEST_PIP := 24_2
SANITY_PYTHON := 3.11
sanity: build
	install -D -m 0644 tools/get_pip_standin.py $(HOME)/.ansible/test/cache/get_pip_$(ANSIBLE_TEST_PIP).py
	rm -rf $(RUN_DIR)/sanity && mkdir -p $(SANITY_DIR)
	tar -xzf $(RUN_DIR)/dist/liferay_ops-mail-*.tar.gz -C $(SANITY_DIR)
	cd $(SANITY_DIR) && git init -q && git add -A
	cd $(SANITY_DIR) && $(CURDIR)/$(BIN)/ansible-test sanity --python $(SANITY_PYTHON) --color no

lint: venv
	$(BIN)/yamllint --strict .
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/ansible-lint --profile production --strict
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/antsibull-changelog lint

unit: venv deps podman-conf collection-link
	$(BIN)/pytest

# Podman as the scenarios need it here: runc, cgroupfs (no systemd), explicit ulimits, file events.
podman-conf:
	@mkdir -p $(RUN_DIR)
	@printf '%s\n' \
		'# written by make podman-conf: point CONTAINERS_CONF here to run the molecule scenarios' \
		'[containers]' \
		'default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]' \
		'[engine]' \
		'runtime = "runc"' \
		'cgroup_manager = "cgroupfs"' \
		'events_logger = "file"' \
		'[network]' \
		'network_backend = "netavark"' > $(CONTAINERS_CONF_FILE)
	@echo "CONTAINERS_CONF=$(CONTAINERS_CONF_FILE)"

images: deps podman-conf
	@start=$$SECONDS; $(MOLECULE_ENV) molecule/images/build; \
	echo "images: ready in $$((SECONDS - start)) s"

# One molecule run at a time on a machine: every scenario's containers are named mail and liferay-1.
# (The lock's descriptor is closed for molecule: long-lived helpers such as aardvark-dns must not keep it.)
MOLECULE_LOCK := /run/lock/mail-session-molecule.lock

molecule: venv deps podman-conf images collection-link
	@exec 9>$(MOLECULE_LOCK); \
	if ! flock -n 9; then echo "== waiting for another molecule run on this machine ($(MOLECULE_LOCK))"; flock 9; fi; \
	passed=0; failed=0; summary=""; \
	for scenario in $(SCENARIO); do \
		start=$$SECONDS; \
		echo "== molecule test -s $$scenario"; \
		if $(MOLECULE_ENV) $(BIN)/molecule test -s $$scenario 9>&-; then \
			result=passed; passed=$$((passed + 1)); else result=FAILED; failed=$$((failed + 1)); fi; \
		summary+=$$(printf '  %-16s %-6s %4d s' "$$scenario" "$$result" "$$((SECONDS - start))")$$'\n'; \
		echo "== $$scenario: $$result in $$((SECONDS - start)) s"; \
	done; \
	echo "== molecule scenarios (wall time)"; printf '%s' "$$summary"; \
	echo "molecule: $$passed passed, $$failed failed"; \
	[ "$$failed" = 0 ]

# The benchmark prints figures; `make test` only runs a small smoke of it so it cannot rot.
BENCH_ARGS ?=
bench: venv deps
	$(BIN)/pip install -q -r bench/requirements.txt
	$(BIN)/python bench/bench.py $(BENCH_ARGS)

bench-smoke: venv deps
	$(BIN)/python bench/bench.py --smoke

test: venv deps lint sanity unit matrix bench-smoke molecule

clean:
	-[ -x $(BIN)/python ] && $(DEMO_MAIL) stop --state-dir $(RUN_DIR)/mail
	rm -rf $(RUN_DIR) $(VENV)

# ==== compatibility matrix (make matrix; docs/compatibility.md) ==================================
# The built-in session's playbook tests on the oldest and the newest ansible-core the collection
# supports, each in a venv of its own built from requirements-core-<version>.txt (rebuilt only when
# that file changes). 2.19 is the main venv's, which `make unit` runs. The venvs live under
# $(RUN_DIR), which git, the collection build and the linters all ignore. The versions run side by
# side (the tests wait on ansible-playbook more than they compute); `make matrix MATRIX_VERSIONS=2.21`
# runs one. Logs: $(RUN_DIR)/matrix/core-<version>.log.
MATRIX_VERSIONS ?= 2.16 2.21
# Of the rolling restart, the test that rests most on ansible-core (a run_once loop across serial batches).
MATRIX_TESTS := tests/playbooks/test_builtin_session_converges_idempotently.py \
	tests/playbooks/test_generation_decides_where_settings_go.py \
	tests/playbooks/test_role_verifies_the_real_servers.py \
	tests/playbooks/test_inventory_is_what_liferay_uses.py \
	tests/playbooks/test_rolling_restart_keeps_the_cluster_serving.py::test_serial_batches_one_node_down_across_the_play_and_a_failure_stops_the_later_batches \
	tests/repository/test_installed_collection_runs_by_full_name.py
MATRIX_DIR := $(RUN_DIR)/matrix
# the Python minor versions each ansible-core may run on, in order of preference
MATRIX_PYTHON_2.16 := 3.11 3.12 3.10
MATRIX_PYTHON_2.21 := 3.12 3.13 3.14
MATRIX_STAMPS := $(foreach v,$(MATRIX_VERSIONS),$(RUN_DIR)/venv-core$(v)/.installed)

# $(call find_python,3.12 3.13): the first working interpreter of those versions, pyenv's (newest patch
# first) before PATH's (a pyenv shim on PATH exists but fails when its version is not selected)
find_python = for minor in $(1); do \
	for py in $$(for root in $$(pyenv root 2>/dev/null) $${PYENV_ROOT:-} $$HOME/.pyenv; do \
			ls -d $$root/versions/$$minor.*/bin/python$$minor 2>/dev/null; done | sort -urV) \
		$$(command -v python$$minor); do \
		if "$$py" -c "import sys; sys.exit(sys.version_info[:2] != ($${minor/./,}))" 2>/dev/null; then \
			echo "$$py"; exit 0; fi; \
	done; done; exit 1

$(RUN_DIR)/venv-core%/.installed: requirements-core-%.txt
	@py=$$($(call find_python,$(MATRIX_PYTHON_$*))) || { \
		echo "matrix: ansible-core $* needs one of Python $(MATRIX_PYTHON_$*) and none was found" \
			"(looked in pyenv's versions and on PATH; e.g. pyenv install $(firstword $(MATRIX_PYTHON_$*)))"; exit 1; }; \
	echo "== $(@D): ansible-core $* on $$py"; \
	rm -rf $(@D); \
	"$$py" -m venv $(@D); \
	$(@D)/bin/pip install --quiet -r $< 2>&1 | { grep -v "is ignored: it is neither a file nor a directory" || true; }; \
	touch $@

.PHONY: matrix
matrix: deps $(MATRIX_STAMPS)
	@mkdir -p $(MATRIX_DIR); rm -f $(MATRIX_DIR)/*.result; start=$$(date +%s); \
	for v in $(MATRIX_VERSIONS); do \
		venv=$(RUN_DIR)/venv-core$$v; \
		echo "== ansible-core $$($$venv/bin/python -c 'from ansible.release import __version__ as v; print(v)')" \
			"on Python $$($$venv/bin/python -c 'import platform; print(platform.python_version())'):" \
			"pytest $(words $(MATRIX_TESTS)) files (log: $(MATRIX_DIR)/core-$$v.log)"; \
		( t0=$$(date +%s); rc=0; \
		  $$venv/bin/python -m pytest -p no:cacheprovider $(MATRIX_TESTS) >$(MATRIX_DIR)/core-$$v.log 2>&1 || rc=$$?; \
		  echo "$$rc $$(( $$(date +%s) - t0 ))" >$(MATRIX_DIR)/core-$$v.result ) & \
	done; \
	wait; \
	passed=0; failed=0; summary=""; \
	for v in $(MATRIX_VERSIONS); do \
		venv=$(RUN_DIR)/venv-core$$v; log=$(MATRIX_DIR)/core-$$v.log; \
		read -r rc secs <$(MATRIX_DIR)/core-$$v.result; \
		echo; echo "== ansible-core $$v: pytest output"; cat $$log; \
		last=$$(grep -E '^=+ .* in [0-9.]+s' $$log | tail -n 1 || true); \
		count() { echo "$$last" | grep -oE "[0-9]+ $$1" | grep -oE '^[0-9]+' || echo 0; }; \
		if [ "$$rc" = 0 ]; then result=passed; passed=$$((passed + 1)); else result=FAILED; failed=$$((failed + 1)); fi; \
		summary+=$$(printf '  ansible-core %-8s Python %-7s %-6s %3d passed, %d failed, %d errors, %d skipped  %4d s' \
			"$$($$venv/bin/python -c 'from ansible.release import __version__ as v; print(v)')" \
			"$$($$venv/bin/python -c 'import platform; print(platform.python_version())')" \
			"$$result" "$$(count passed)" "$$(count failed)" "$$(count error)" "$$(count skipped)" "$$secs")$$'\n'; \
	done; \
	echo; echo "== compatibility matrix (wall time; the versions ran side by side, $$(( $$(date +%s) - start )) s in all)"; \
	printf '%s' "$$summary"; \
	echo "matrix: $$passed passed, $$failed failed"; \
	[ "$$failed" = 0 ]
