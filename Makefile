# Liferay mail session role: the two commands are `make run` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg

# The molecule scenarios: rootful podman with runc, netavark + aardvark-dns (the network's DNS),
# iptables (netavark's firewall), catatonit (--init) and debootstrap (the local Debian images).
MOLECULE_DEB_PACKAGES := podman runc netavark aardvark-dns iptables catatonit debootstrap

# Debian packages the tests need (installed by `make deps` when run as root).
#   JDK + Commons Configuration 1.10: the parser Liferay reads portal-ext.properties with
#   Postfix + Dovecot (+ openssl for per-run certificates): the real mail servers the
#   verification tests run on loopback
#   PostgreSQL + MariaDB (servers and clients): the throwaway databases the database-check
#   tests start on loopback (tests/dbserver.py)
#   Tomcat 10 (tomcat10-common: CATALINA_HOME /usr/share/tomcat10, without the system service)
#   + Jakarta Mail and Activation: the real Tomcat the application-server session tests start
#   iproute2 + nftables: the benchmark's dropped-connection case (a drop rule in its own netns)
DEB_PACKAGES := default-jdk-headless libcommons-configuration-java libcommons-lang-java \
	libcommons-logging-java \
	postfix dovecot-core dovecot-pop3d dovecot-imapd dovecot-lmtpd openssl \
	postgresql postgresql-client mariadb-server mariadb-client \
	tomcat10-common libjakarta-mail-java libjakarta-activation-java \
	iproute2 nftables \
	$(MOLECULE_DEB_PACKAGES)

RUN_DIR := .run

# Molecule: every scenario under molecule/ (or SCENARIO=name), with podman configured by
# $(RUN_DIR)/containers.conf, the images from molecule/images/build.
CONTAINERS_CONF_FILE := $(CURDIR)/$(RUN_DIR)/containers.conf
MOLECULE_SCENARIOS := $(sort $(patsubst molecule/%/molecule.yml,%,$(wildcard molecule/*/molecule.yml)))
SCENARIO ?= $(MOLECULE_SCENARIOS)
MOLECULE_ENV := CONTAINERS_CONF=$(CONTAINERS_CONF_FILE) PATH="$(CURDIR)/$(BIN):$$PATH"

.PHONY: help run test venv deps lint unit clean podman-conf images molecule bench bench-smoke

help:
	@echo "make run   - apply the role to this machine with inventory/local (LIFERAY_HOME in $(RUN_DIR)/liferay)"
	@echo "make test  - create $(VENV), install the Debian packages the tests need, run linters and tests"
	@echo "make lint  - yamllint, ansible-lint (production profile), ruff"
	@echo "make molecule [SCENARIO=default] - the molecule scenarios on podman (as root; part of make test)"
	@echo "make bench - converge cost per host and verification timings (bench/bench.py; not part of make test)"
	@echo "make clean - remove $(RUN_DIR) and $(VENV)"

$(BIN)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

venv: $(BIN)/.installed

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

run: venv
	mkdir -p $(RUN_DIR)/liferay
	$(DEMO_MAIL) start --state-dir $(RUN_DIR)/mail
	trap '$(DEMO_MAIL) stop --state-dir $(RUN_DIR)/mail' EXIT; \
	$(LOCAL_PLAYBOOK) playbooks/site.yml --diff
	@echo
	@echo "== $(RUN_DIR)/liferay/portal-ext.properties (secrets masked) =="
	@sed -E 's/^([^#!=]*(password|secret|credential|token)[^=]*=).*/\1********/I' $(RUN_DIR)/liferay/portal-ext.properties

lint: venv
	$(BIN)/yamllint --strict .
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/ansible-lint --profile production --strict
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

unit: venv deps
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

molecule: venv deps podman-conf images
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
	$(BIN)/python bench/bench.py $(BENCH_ARGS)

bench-smoke: venv deps
	$(BIN)/python bench/bench.py --smoke

test: venv deps lint unit bench-smoke molecule

clean:
	-[ -x $(BIN)/python ] && $(DEMO_MAIL) stop --state-dir $(RUN_DIR)/mail
	rm -rf $(RUN_DIR) $(VENV)
