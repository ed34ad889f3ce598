#!/usr/bin/env bash
# Install, start and stop the Label Studio server of the integration test: its own venv, loopback only, SQLite, offline.
#   labelstudio-server.sh install              make .ls-venv (label-studio 1.23.2, label-studio-sdk 2.1.2) unless present
#   labelstudio-server.sh start PORT TOKEN     start on 127.0.0.1:PORT, wait for /health; pid in $LS_DATA/server.pid
#   labelstudio-server.sh stop                 stop the server started above, by its pid (its process group)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
VENV="${LS_VENV:-$ROOT/.ls-venv}"
DATA="${LS_DATA:-$ROOT/.ls-data}"
PY="${PYTHON:-python3.11}"
command -v "$PY" >/dev/null || PY=python3
PIDFILE="$DATA/server.pid"

case "${1:-}" in
install)
    # every package pinned (labelstudio-constraints.txt): unpinned, label-studio 1.23.2 resolves sentry-sdk 3, which
    # crashes the server at start; a venv holding sentry-sdk 3 is made again
    if "$VENV/bin/python" -c "import label_studio, label_studio_sdk, sentry_sdk; assert int(sentry_sdk.VERSION.split('.')[0]) < 3" 2>/dev/null; then
        exit 0
    fi
    "$PY" -m venv "$VENV"
    mkdir -p "$DATA"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
        -c "$ROOT/tests/integration/labelstudio-constraints.txt" \
        "label-studio==1.23.2" "label-studio-sdk==2.1.2" "sentry-sdk<3" >"$DATA/install.log" 2>&1 \
        || { tail -20 "$DATA/install.log" >&2; exit 1; }
    ;;
start)
    port="${2:?port}"; token="${3:?token}"
    mkdir -p "$DATA"
    if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
        echo "a server started by this script is still running (pid $(cat "$PIDFILE")); stop it first" >&2
        exit 1
    fi
    rm -rf "$DATA/server"
    # setsid: the server gets its own process group, so stop can end it and its children by this one pid
    LATEST_VERSION_CHECK=false COLLECT_ANALYTICS=false LABEL_STUDIO_BASE_DATA_DIR="$DATA/server" \
        setsid "$VENV/bin/label-studio" start --internal-host 127.0.0.1 -p "$port" --no-browser \
        --data-dir "$DATA/server" --username kashcorpus@example.org --password kashcorpus-test \
        --user-token "$token" --enable-legacy-api-token >"$DATA/server.log" 2>&1 </dev/null &
    echo $! >"$PIDFILE"
    for _ in $(seq 1 240); do
        if "$VENV/bin/python" -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$port/health', timeout=2)" 2>/dev/null; then
            exit 0
        fi
        if ! kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
            echo "Label Studio exited during start; last lines of its log:" >&2
            tail -20 "$DATA/server.log" >&2
            exit 1
        fi
        sleep 1
    done
    echo "Label Studio did not answer /health within 240 s" >&2
    exit 1
    ;;
stop)
    [ -f "$PIDFILE" ] || exit 0
    pid="$(cat "$PIDFILE")"
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
        kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$PIDFILE"
    ;;
*)
    echo "usage: $0 install | start PORT TOKEN | stop" >&2
    exit 2
    ;;
esac
