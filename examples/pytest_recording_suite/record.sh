#!/usr/bin/env bash
# How the cassettes were recorded: pytest-recording alone, with an older official SDK, against the
# harness's mock server on the port the tests name (the tests are then replayed with today's SDK).
#   python3 -m venv /tmp/oldsdk && /tmp/oldsdk/bin/pip install "openai==1.40.0" "httpx<0.28" pytest pytest-recording
set -euo pipefail
cd "$(dirname "$0")"
python3 -m openai_harness serve --port 8099 -q & server=$!
trap 'kill $server' EXIT
sleep 2
rm -rf cassettes
export OPENAI_API_KEY="sk-recording-$RANDOM"
/tmp/oldsdk/bin/python -m pytest -q -p no:openai_harness --record-mode=once -k "not tool_call"
# The tool-call test's first answer is a scripted tool call.
curl -s -X POST localhost:8099/__harness/replies -H 'Content-Type: application/json' \
  -d '{"route": "POST /chat/completions", "replies": [{"tool_calls": [{"name": "get_weather", "arguments": "{\"city\": \"Paris\"}"}]}]}' >/dev/null
/tmp/oldsdk/bin/python -m pytest -q -p no:openai_harness --record-mode=once -k tool_call
