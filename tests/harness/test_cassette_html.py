"""`cassette show --html` draws a cassette as a page; checked in a real headless Chromium, by what
the page shows once its script has run (skipped, with the reason, where no Chromium is installed)."""

from __future__ import annotations

import html.parser
import pathlib
import shutil
import subprocess
import sys

import pytest

from openai_harness import ChatReply, MockServer, StreamCut, ToolCall
from openai_harness.cassettes import load_cassette
from openai_harness.cassettes._replay import RecordingProxy
from openai_urllib3 import APIConnectionError, OpenAI

KEY = "sk-proj-" + "H7m1Pg3s" * 5
HOSTILE = "</script><script>document.title='owned'</script><img src=x onerror=alert(1)>"


def browser() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("no Chromium installed (Debian: apt-get install chromium); .ci/run installs it")


def record_session(path: pathlib.Path) -> None:
    """A chat turn, a tool call, a hostile prompt and a stream cut mid-way, through the recording proxy."""
    with MockServer() as server, RecordingProxy(server.root_url, path) as proxy:
        client = OpenAI(api_key=KEY, base_url=proxy.url, max_retries=0, trust_env=False)
        client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Say hello"}])
        server.script("POST /chat/completions", ChatReply(tool_calls=[ToolCall("get_weather", {"city": "Paris"})]))
        client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Weather in Paris?"}])
        client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": HOSTILE}])
        server.fault("POST /chat/completions", StreamCut(after_events=3))
        stream = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Count slowly"}], stream=True)
        with pytest.raises(APIConnectionError):
            for _ in stream:
                pass


class _Text(html.parser.HTMLParser):
    """The text a reader sees: what is outside script and style elements."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
            self.scripts += tag == "script"

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def rendered(page: pathlib.Path, tmp_path: pathlib.Path) -> str:
    command = [
        browser(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", page.as_uri(),
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_the_page_shows_conversations_tool_calls_and_a_cut_stream_in_a_real_browser(tmp_path: pathlib.Path) -> None:
    cassette = tmp_path / "session.yaml"
    record_session(cassette)
    assert load_cassette(cassette)[-1].response.cut
    page = tmp_path / "session.html"
    cli = subprocess.run([sys.executable, "-m", "openai_harness", "cassette", "show", "--html", str(cassette), "-o", str(page)], capture_output=True, text=True, timeout=60)
    assert cli.returncode == 0, cli.stderr
    source = page.read_text(encoding="utf-8")
    assert "http://" not in source.split("<script id=")[0] and "src=" not in source.split("<script id=")[0]  # nothing loaded from elsewhere
    dom = rendered(page, tmp_path)
    assert 'data-rendered="4"' in dom  # the script ran and drew every exchange
    reader = _Text()
    reader.feed(dom)
    text = " ".join(reader.parts)
    assert "4 exchanges, 1 streamed" in text
    assert "#0 POST /v1/chat/completions" in text and "Say hello" in text and "You said: Say hello" in text
    assert 'tool call get_weather({"city": "Paris"})' in text or 'tool call get_weather({"city":"Paris"})' in text
    assert "Stream cut after 3 events" in text and "over" in text and " ms" in text
    # The hostile prompt is shown as text; it added no element and ran nothing.
    assert HOSTILE in text
    assert reader.scripts == 2 and "<img" not in dom and "owned" not in dom.split("<title>")[1].split("</title>")[0]
    assert KEY not in source


def test_a_page_for_a_cassette_without_timing_says_so(tmp_path: pathlib.Path) -> None:
    from openai_harness._cassette_html import cassette_page
    from openai_harness.cassettes import Event, Interaction, RecordedRequest, RecordedResponse

    events = [Event('{"choices":[{"delta":{"content":"hi"}}]}'), Event("[DONE]")]
    interaction = Interaction(RecordedRequest("POST", "https://api.openai.com/v1/chat/completions", [], b'{"model":"gpt-4o","messages":[]}'), RecordedResponse(200, "OK", [], b"", events))
    page = tmp_path / "untimed.html"
    page.write_text(cassette_page("untimed", [interaction]), encoding="utf-8")
    reader = _Text()
    reader.feed(rendered(page, tmp_path))
    assert "2 events (no timing recorded)" in " ".join(reader.parts)


def test_show_html_takes_one_cassette() -> None:
    result = subprocess.run([sys.executable, "-m", "openai_harness", "cassette", "show", "--html", "a.yaml", "b.yaml"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "one file" in result.stderr and "Traceback" not in result.stderr


def test_a_realtime_session_is_drawn_as_a_timeline_of_both_directions(tmp_path: pathlib.Path) -> None:
    from openai_harness.cassettes import use_cassette

    cassette = tmp_path / "realtime.yaml"
    with MockServer() as server, use_cassette(cassette, record_mode="once"):
        client = OpenAI(api_key=KEY, base_url=server.url, max_retries=0, trust_env=False)
        with client.realtime.connect(model="gpt-realtime") as connection:
            connection.recv()
            connection.session.update(session={"type": "realtime", "output_modalities": ["text"]})
            connection.conversation.item.create(item={"type": "message", "role": "user", "content": [{"type": "input_text", "text": "Hi there"}]})
            connection.response.create()
            for event in connection:
                if event.type == "response.done":
                    break
    shown = subprocess.run([sys.executable, "-m", "openai_harness", "cassette", "show", str(cassette)], capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0 and "WebSocket session:" in shown.stdout and "(3 from the client)" in shown.stdout
    page = tmp_path / "realtime.html"
    cli = subprocess.run([sys.executable, "-m", "openai_harness", "cassette", "show", "--html", str(cassette), "-o", str(page)], capture_output=True, text=True, timeout=60)
    assert cli.returncode == 0, cli.stderr
    reader = _Text()
    reader.feed(rendered(page, tmp_path))
    text = " ".join(reader.parts)
    assert "#0 GET /v1/realtime" in text and "-> 101" in text
    assert "Hi there" in text and "You said: Hi there" in text
    assert "messages (WebSocket session: server above, client below)" in text
    assert "client: response.create" in text and "server: response.done" in text
