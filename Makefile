# Liferay mail session role: the two commands are `make run` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg

# Debian packages the tests need (installed by `make deps` when run as root).
#   JDK + Commons Configuration 1.10: the parser Liferay reads portal-ext.properties with
#   Postfix + Dovecot (+ openssl for per-run certificates): the real mail servers the
#   verification tests run on loopback
#   PostgreSQL + MariaDB (servers and clients): the throwaway databases the database-check
#   tests start on loopback (tests/dbserver.py)
#   Tomcat 10 (tomcat10-common: CATALINA_HOME /usr/share/tomcat10, without the system service)
#   + Jakarta Mail and Activation: the real Tomcat the application-server session tests start
DEB_PACKAGES := default-jdk-headless libcommons-configuration-java libcommons-lang-java \
	libcommons-logging-java \
	postfix dovecot-core dovecot-pop3d dovecot-imapd dovecot-lmtpd openssl \
	postgresql postgresql-client mariadb-server mariadb-client \
	tomcat10-common libjakarta-mail-java libjakarta-activation-java

RUN_DIR := .run

.PHONY: help run test venv deps lint unit clean

help:
	@echo "make run   - apply the role to this machine with inventory/local (LIFERAY_HOME in $(RUN_DIR)/liferay)"
	@echo "make test  - create $(VENV), install the Debian packages the tests need, run linters and tests"
	@echo "make lint  - yamllint, ansible-lint (production profile), ruff"
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

test: venv deps lint unit

clean:
	-[ -x $(BIN)/python ] && $(DEMO_MAIL) stop --state-dir $(RUN_DIR)/mail
	rm -rf $(RUN_DIR) $(VENV)
