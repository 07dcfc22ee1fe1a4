# Set-up and everyday commands. Every target installs what it needs first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install browser postgres demo serve test test-unprivileged lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[instructor,dev]'
	touch $(STAMP)

install: $(STAMP) browser

# Headless Chromium (Debian package) renders the report in its test and screenshot script.
# Installed when missing if we are root with apt; otherwise say how to get it.
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	else \
		echo "chromium not found: install it (Debian: apt-get install chromium) to test the HTML report"; \
	fi

# PostgreSQL (Debian package): the gradebook and portal queue tests also run on a throwaway
# server started by the tests themselves. Installed when missing if we are root with apt.
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql; \
	else \
		echo "postgresql not found: install it (Debian: apt-get install postgresql) to test on it"; \
	fi

serve: $(STAMP)  ## the course portal with the bundled example course, on http://127.0.0.1:8000
	$(BIN)/autograder serve --example

demo: $(STAMP)  ## grade the bundled example submissions of the softmax homework
	$(BIN)/autograder grade softmax
	$(BIN)/autograder similarity softmax
	$(BIN)/autograder report softmax
	@echo "Open reports/softmax/report.html, reports/softmax/grades.csv and reports/softmax/<student_id>/feedback.html."

test: $(STAMP) browser postgres  ## the whole test suite, with the linter first
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q
	@$(MAKE) --no-print-directory test-unprivileged

# As root: the sandbox and adversarial tests again as nobody, in the non-root (userns) mode.
test-unprivileged: $(STAMP)
	sh tests/unprivileged.sh $(BIN)/python

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) reports/*/ .pytest_cache .ruff_cache
