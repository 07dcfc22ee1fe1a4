#!/bin/sh
# The sandbox's non-root mode, tested for real: tests/sandbox and tests/adversarial again,
# as nobody (uid 65534), where the zygote falls back to a user namespace of its own.
# Usage: tests/unprivileged.sh PYTHON [pytest arguments]. Only root can switch users; for
# anyone else the main run already was the unprivileged one.
set -eu
python="$1"
shift
if [ "$(id -u)" != 0 ]; then
	echo "unprivileged run: not root, so the main run already tested the non-root mode"
	exit 0
fi
for tool in setpriv unshare; do
	command -v "$tool" >/dev/null || { echo "unprivileged run skipped: no $tool (util-linux)"; exit 0; }
done
if ! setpriv --reuid=65534 --regid=65534 --clear-groups test -r tests/conftest.py; then
	echo "unprivileged run skipped: nobody cannot read this checkout"
	exit 0
fi
base=$("$python" -c 'import os, sys; print(os.path.realpath(sys.base_prefix))')
# The first folder on the way to the interpreter that nobody may not enter (/root, often).
blocked=$("$python" -c '
import os, stat, sys
parts = sys.argv[1].split("/")
for end in range(2, len(parts) + 1):
    folder = "/".join(parts[:end])
    if not os.stat(folder).st_mode & stat.S_IXOTH:
        print(folder)
        break
' "$base")
echo "unprivileged run: tests/sandbox and tests/adversarial as nobody${blocked:+ ($base shown through $blocked)}"
# In a private mount namespace, so that nothing here is seen by anyone else: cover the
# blocked folder with an empty one that holds only the Python installation.
exec unshare -m --propagation private sh -c '
	set -e
	if [ -n "$1" ]; then
		keep=$(mktemp -d)
		mount --bind "$2" "$keep"
		mount -t tmpfs -o mode=0755 autograder-python "$1"
		mkdir -p "$2"
		mount --bind "$keep" "$2"
	fi
	shift 2
	exec setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/tmp "$@"
' sh "$blocked" "$base" "$python" -m pytest -q -p no:cacheprovider tests/sandbox tests/adversarial "$@"
