#!/bin/sh
# Regenerates test/fixtures/golden/ with Debian's python3-torch (apt install python3-torch). Run from the repo root.
# The reference is independent of the engine: it writes the model folders and computes logits with its own code.
set -eu
cd "$(dirname "$0")"
/usr/bin/python3 make_fixtures.py ../test/fixtures/golden
/usr/bin/python3 check_golden.py ../test/fixtures/golden
