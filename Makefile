# The two commands README promises: `make run` and `make test`.
# Both do the whole set-up first (scripts/setup.sh is idempotent).

CARGO ?= cargo

.PHONY: run test test-real setup setup-test bench lint install uninstall test-install deb

# With a camera and a display: the home screen, then coaching live (with a
# camera and no display: the prevention routine, printed). Without a camera:
# the routine's demonstrations (the body model doing each exercise, with one
# mistake each) coached by the engine in the window; without a display, the
# same session printed. Nothing is saved from the demonstration.
DEMO_ROUTINE = prevention
run: setup
	@if ls /dev/video* >/dev/null 2>&1 && [ -n "$$DISPLAY" ]; then \
	  $(CARGO) run --release --quiet -- run; \
	elif ls /dev/video* >/dev/null 2>&1; then \
	  $(CARGO) run --release --quiet -- run --routine $(DEMO_ROUTINE); \
	else \
	  $(CARGO) run --release --quiet -- run --source demo --routine $(DEMO_ROUTINE) --no-save; \
	fi

# Pipeline stages per model, then the live app's latency and redraw rate on
# the same clip paced at 30 fps in a window (under Xvfb when no display):
# first every frame in order, then live-like (newest frame wins).
LIVE_BENCH = $(CARGO) run --release --quiet -- run --source fixtures/videos/sports2d/demo.mp4 --exercise standing-back-bend --stats --mute --no-save --no-check-in --skip-demos --close-at-end

test: setup-test
	$(CARGO) test --release

# The tests that read the team's real footage and keypoints in ../shared
# (not ours to redistribute, so they are #[ignore]d in `make test`). CI runs
# them; they fail when the folder is missing.
SHARED_REAL = ../shared/data/real
test-real: setup-test
	@test -d $(SHARED_REAL) || { echo "test-real: $(SHARED_REAL) is missing: these tests need the team's shared folder next to the checkout" >&2; exit 1; }
	$(CARGO) test --release -- --ignored

# MEDIAPIPE_PYTHON=/path/to/python (with mediapipe==0.10.21) adds the
# side-by-side comparison with MediaPipe (see README, Performance).
bench: setup-test
	$(CARGO) run --release --quiet -- bench $(if $(MEDIAPIPE_PYTHON),--mediapipe $(MEDIAPIPE_PYTHON))
	@if [ -n "$$DISPLAY" ]; then $(LIVE_BENCH) >/dev/null && $(LIVE_BENCH) --live >/dev/null; \
	else xvfb-run -a -s "-screen 0 1400x900x24" sh -c '$(LIVE_BENCH) >/dev/null && $(LIVE_BENCH) --live >/dev/null'; fi

# A user install, no root: PREFIX/bin/posecoach and PREFIX/share/posecoach/
# (see scripts/install.sh). Uninstalling leaves the history and sessions.
PREFIX ?= $(HOME)/.local
install: setup
	$(CARGO) build --release --quiet
	@scripts/install.sh "$(PREFIX)"

uninstall:
	@scripts/install.sh --uninstall "$(PREFIX)"

# Installs into a scratch prefix and runs it from elsewhere, as a newcomer
# would, then uninstalls (CI runs it).
test-install: setup-test
	@scripts/test_install.sh

# posecoach_VERSION_amd64.deb (plain dpkg-deb): its information and file
# list are printed (see scripts/deb.sh).
deb: setup
	$(CARGO) build --release --quiet
	@scripts/deb.sh

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --all-targets -- -D warnings

setup:
	@scripts/setup.sh

setup-test:
	@scripts/setup.sh --test
