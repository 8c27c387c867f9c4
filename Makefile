# yeard: build, install and package.
#
#   make release                           the three programs, optimised, with the Swift runtime linked in
#                                          (--static-swift-stdlib: the binaries need no Swift toolchain to run)
#   make install [DESTDIR=...] [PREFIX=...] installs what `make release` built (BIN_DIR) and the files below
#   make deb                               yeard_VERSION_amd64.deb in .build/deb (scripts/build-deb;
#                                          DEB_FLAGS=--no-build packages the binaries already in BIN_DIR)
#
# `make install` writes, under $(DESTDIR):
#   $(BINDIR)/yeard, yearctl, yeard-gen
#   $(SYSTEMDUNITDIR)/yeard.service, yeard.socket   (ExecStart= names $(BINDIR)/yeard and
#                                                    $(SYSCONFDIR)/yeard/yeard.toml)
#   $(SYSUSERSDIR)/yeard.conf, $(TMPFILESDIR)/yeard.conf
#   $(SYSCONFDIR)/yeard/yeard.toml                  0644; an existing one is never overwritten: outside DESTDIR
#                                                    staging the shipped file goes beside it as yeard.toml.new
#   $(MANDIR)/man8/yeard.8.gz, man1/yearctl.1.gz, man5/yeard.toml.5.gz   (gzip -9n; ALLOW_MISSING_MAN=1 skips a
#                                                    page that is not written yet, with a warning, instead of failing)
#   $(MANDIR)/ru/man1/yearctl.1.gz, ru/man8/yeard.8.gz, ru/man5/yeard.toml.5.gz
#                                                    the translations (man -L ru yearctl, man -L ru yeard,
#                                                    man -L ru 5 yeard.toml)
#   bash, zsh and fish completions of the three programs, written by the programs themselves
#   $(LOCALEDIR)/LANG/LC_MESSAGES/yeard.mo          every po/LANG.po, compiled by msgfmt --check (scripts/po)
#   $(DATADIR)/yeard/templates/*.mustache           the printable documents' templates (docs/reports.md)
#
# After installing outside a package on a systemd machine:
#   systemd-sysusers yeard.conf && systemd-tmpfiles --create yeard.conf && systemctl daemon-reload
#   systemctl enable --now yeard.socket

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
LOCALEDIR ?= $(DATADIR)/locale
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d
SYSCONFDIR ?= /etc
BASHCOMPLETIONDIR ?= $(DATADIR)/bash-completion/completions
# zsh reads vendor-completions under /usr (Debian) and site-functions elsewhere.
ZSHCOMPLETIONDIR ?= $(if $(filter /usr,$(PREFIX)),$(DATADIR)/zsh/vendor-completions,$(DATADIR)/zsh/site-functions)
FISHCOMPLETIONDIR ?= $(DATADIR)/fish/vendor_completions.d

# Where the built programs are; `make release` puts them in .build/release.
BIN_DIR ?= .build/release
PROGRAMS = yeard yearctl yeard-gen
MAN_PAGES = docs/man/yeard.8 docs/man/yearctl.1 docs/man/yeard.toml.5 docs/man/yeard-gen.1
# Translations, docs/man/LANG/PAGE, installed as $(MANDIR)/LANG/manN/PAGE.gz (man -L LANG).
TRANSLATED_MAN_PAGES = docs/man/ru/yearctl.1 docs/man/ru/yeard.8 docs/man/ru/yeard.toml.5
ALLOW_MISSING_MAN ?= 0

SWIFT ?= swift
INSTALL ?= install

.PHONY: all release install install-programs install-units install-config install-man install-completions deb \
	check-programs install-locale install-templates

all: release

# One product at a time: swift build takes a single --product.
release:
	for program in $(PROGRAMS); do \
		$(SWIFT) build -c release --static-swift-stdlib --product $$program || exit 1; \
	done

check-programs:
	@for program in $(PROGRAMS); do \
		if [ ! -x "$(BIN_DIR)/$$program" ]; then \
			echo "make install: $(BIN_DIR)/$$program is missing: run 'make release' first (or set BIN_DIR)" >&2; \
			exit 1; \
		fi; \
	done

install: install-programs install-units install-config install-man install-completions install-locale \
	install-templates

# The printable documents' templates: yeard and yearctl look in ../share/yeard/templates from their own directory
# ($(DATADIR)/yeard/templates when BINDIR is $(PREFIX)/bin); /etc/yeard/templates replaces any of them by name.
install-templates:
	$(INSTALL) -d -m 0755 "$(DESTDIR)$(DATADIR)/yeard/templates"
	$(INSTALL) -m 0644 Sources/YearReports/Templates/*.mustache "$(DESTDIR)$(DATADIR)/yeard/templates/"

# The message catalogues: yearctl and yeard look in ../share/locale from their own directory, which is $(LOCALEDIR)
# when BINDIR is $(PREFIX)/bin.
install-locale:
	scripts/po compile "$(DESTDIR)$(LOCALEDIR)"
	find "$(DESTDIR)$(LOCALEDIR)" -name yeard.mo -exec chmod 0644 {} +

install-programs: check-programs
	$(INSTALL) -d -m 0755 "$(DESTDIR)$(BINDIR)"
	for program in $(PROGRAMS); do \
		$(INSTALL) -m 0755 "$(BIN_DIR)/$$program" "$(DESTDIR)$(BINDIR)/$$program" || exit 1; \
	done

# The units name /usr/bin/yeard and /etc/yeard/yeard.toml; other places are written in as they are installed.
install-units:
	$(INSTALL) -d -m 0755 "$(DESTDIR)$(SYSTEMDUNITDIR)" "$(DESTDIR)$(SYSUSERSDIR)" "$(DESTDIR)$(TMPFILESDIR)"
	sed -e 's|^ExecStart=/usr/bin/yeard |ExecStart=$(BINDIR)/yeard |' \
		-e 's|--config /etc/yeard/yeard.toml|--config $(SYSCONFDIR)/yeard/yeard.toml|' \
		systemd/yeard.service > "$(DESTDIR)$(SYSTEMDUNITDIR)/yeard.service.tmp"
	grep -q '^ExecStart=$(BINDIR)/yeard --config $(SYSCONFDIR)/yeard/yeard.toml' \
		"$(DESTDIR)$(SYSTEMDUNITDIR)/yeard.service.tmp" \
		|| { echo "make install: ExecStart= of systemd/yeard.service was not rewritten" >&2; exit 1; }
	chmod 0644 "$(DESTDIR)$(SYSTEMDUNITDIR)/yeard.service.tmp"
	mv "$(DESTDIR)$(SYSTEMDUNITDIR)/yeard.service.tmp" "$(DESTDIR)$(SYSTEMDUNITDIR)/yeard.service"
	$(INSTALL) -m 0644 systemd/yeard.socket "$(DESTDIR)$(SYSTEMDUNITDIR)/yeard.socket"
	$(INSTALL) -m 0644 systemd/yeard.sysusers "$(DESTDIR)$(SYSUSERSDIR)/yeard.conf"
	$(INSTALL) -m 0644 systemd/yeard.tmpfiles "$(DESTDIR)$(TMPFILESDIR)/yeard.conf"

# A configuration already in place is the administrator's: outside staging (DESTDIR empty) it is never replaced.
install-config:
	$(INSTALL) -d -m 0755 "$(DESTDIR)$(SYSCONFDIR)/yeard"
	@if [ -z "$(DESTDIR)" ] && [ -e "$(SYSCONFDIR)/yeard/yeard.toml" ]; then \
		echo "$(INSTALL) -m 0644 config/yeard.toml $(SYSCONFDIR)/yeard/yeard.toml.new"; \
		$(INSTALL) -m 0644 config/yeard.toml "$(SYSCONFDIR)/yeard/yeard.toml.new"; \
		echo "make install: $(SYSCONFDIR)/yeard/yeard.toml exists and was left as it is; the shipped" \
			"configuration is $(SYSCONFDIR)/yeard/yeard.toml.new (compare: diff -u $(SYSCONFDIR)/yeard/yeard.toml" \
			"$(SYSCONFDIR)/yeard/yeard.toml.new)"; \
	else \
		echo "$(INSTALL) -m 0644 config/yeard.toml $(DESTDIR)$(SYSCONFDIR)/yeard/yeard.toml"; \
		$(INSTALL) -m 0644 config/yeard.toml "$(DESTDIR)$(SYSCONFDIR)/yeard/yeard.toml"; \
	fi

# gzip -9n: no name or time stamp in the .gz, so the same page gives the same bytes (reproducible packages).
install-man:
	@missing=0; \
	for page in $(MAN_PAGES) $(TRANSLATED_MAN_PAGES); do \
		if [ ! -f "$$page" ]; then \
			if [ "$(ALLOW_MISSING_MAN)" = 1 ]; then \
				echo "make install: WARNING: $$page does not exist yet; not installed (ALLOW_MISSING_MAN=1)" >&2; \
			else \
				echo "make install: $$page is missing: the man pages are part of the installation" \
					"(ALLOW_MISSING_MAN=1 skips missing pages, for development only)" >&2; \
				missing=1; \
			fi; \
			continue; \
		fi; \
		section=$${page##*.}; \
		sub=$${page#docs/man/}; case "$$sub" in */*) lang="$${sub%%/*}/" ;; *) lang="" ;; esac; \
		dir="$(DESTDIR)$(MANDIR)/$${lang}man$$section"; \
		echo "gzip -9n < $$page > $$dir/$${page##*/}.gz"; \
		$(INSTALL) -d -m 0755 "$$dir" || exit 1; \
		gzip -9n < "$$page" > "$$dir/$${page##*/}.gz.tmp" || exit 1; \
		chmod 0644 "$$dir/$${page##*/}.gz.tmp" && mv "$$dir/$${page##*/}.gz.tmp" "$$dir/$${page##*/}.gz" || exit 1; \
	done; \
	exit $$missing

# swift-argument-parser writes each program's completion script (--generate-completion-script SHELL); bash-completion
# sources its scripts, so the bash one loses its #! line.
install-completions: check-programs
	$(INSTALL) -d -m 0755 "$(DESTDIR)$(BASHCOMPLETIONDIR)" "$(DESTDIR)$(ZSHCOMPLETIONDIR)" \
		"$(DESTDIR)$(FISHCOMPLETIONDIR)"
	@set -e; for program in $(PROGRAMS); do \
		for shell in bash zsh fish; do \
			case $$shell in \
				bash) target="$(DESTDIR)$(BASHCOMPLETIONDIR)/$$program" ;; \
				zsh) target="$(DESTDIR)$(ZSHCOMPLETIONDIR)/_$$program" ;; \
				fish) target="$(DESTDIR)$(FISHCOMPLETIONDIR)/$$program.fish" ;; \
			esac; \
			echo "$(BIN_DIR)/$$program --generate-completion-script $$shell > $$target"; \
			"$(BIN_DIR)/$$program" --generate-completion-script $$shell > "$$target.tmp"; \
			if [ $$shell = bash ]; then sed -i '1{/^#!/d}' "$$target.tmp"; fi; \
			test -s "$$target.tmp" || { echo "make install: $$program wrote no $$shell completion" >&2; exit 1; }; \
			chmod 0644 "$$target.tmp"; mv "$$target.tmp" "$$target"; \
		done; \
	done

deb:
	scripts/build-deb $(DEB_FLAGS)
