"""The playground in a real headless browser: Pyodide running this engine, served locally.

Needs Debian's Chromium (/usr/bin/chromium), playwright, and npm the first time (the
build fetches the pinned Pyodide and viz.js). The playground is (re)built when it is
missing or older than the code it packs. Every request that does not go to 127.0.0.1 is
blocked and counted: the pages must work with no network beyond the site itself.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from chromium import NEEDS_CHROMIUM, launch

from micrograd import Value, explain
from micrograd.ledger import format_number

ROOT = Path(__file__).resolve().parent.parent
PLAYGROUND = ROOT / "playground"
DIST = PLAYGROUND / "dist"
LOAD_TIMEOUT = 120_000  # ms: Pyodide loads in about 3 s, far slower on a busy machine

pytestmark = [*NEEDS_CHROMIUM, pytest.mark.slow]


def _stale() -> bool:
    """Whether playground/dist is missing or older than a file it is built from."""
    manifest = DIST / "wheels.json"
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    sources = [*ROOT.joinpath("micrograd").rglob("*.py"), *PLAYGROUND.glob("*.*")]
    return any(f.stat().st_mtime > built for f in sources if f.is_file())


@pytest.fixture(scope="module")
def site():
    """The built playground served from 127.0.0.1 on a free port; yields its base URL."""
    if _stale():
        if shutil.which("npm") is None and not (PLAYGROUND / "node_modules").exists():
            pytest.skip("npm is not installed: it is needed once to fetch Pyodide and viz.js")
        subprocess.run(
            [sys.executable, str(PLAYGROUND / "build.py"), "--out", str(DIST)],
            check=True,
            timeout=600,
        )

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(DIST))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    with launch() as chromium:
        yield chromium


@pytest.fixture
def page(browser, site):
    """A fresh page; every request not to 127.0.0.1 is aborted and recorded."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    outside: list[str] = []
    errors: list[str] = []
    routed: list[str] = []

    def guard(route):
        routed.append(route.request.url)
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.site = site
    page.routed = routed
    yield page
    context.close()
    assert outside == [], f"requests left 127.0.0.1: {outside}"
    assert errors == []


def _open(page, name: str, query: str = "") -> None:
    page.goto(page.site + name + query)
    # the loading message is there at once, before Python has started
    assert "Loading Python" in page.text_content("#status")
    page.wait_for_selector(".status.ready", timeout=LOAD_TIMEOUT)


def _graph_boxes(page) -> dict[str, list[str]]:
    """The value boxes of the graph on screen: {label: [texts of the box]}."""
    return page.evaluate(
        """() => {
      const boxes = {};
      for (const g of document.querySelectorAll("#graph g.node")) {
        const texts = [...g.querySelectorAll("text")].map(t => t.textContent);
        if (texts.some(t => t.startsWith("grad "))) boxes[texts[0]] = texts;
      }
      return boxes;
    }"""
    )


NEURON = ("tanh(x*w + b)", "x=2 w=-3 b=6.88")


def _wait_for_frame(page, frame: int) -> None:
    page.wait_for_function(
        f"document.getElementById('graph').dataset.frame === '{frame}'", timeout=30_000
    )


def test_expression_graph_shows_the_gradients_micrograd_graph_prints(page):
    text, values = NEURON
    _open(page, "expression.html", f"?expression={quote(text)}&values={quote(values)}")
    page.wait_for_selector("#graph svg", timeout=30_000)
    cli = subprocess.run(
        [sys.executable, "-m", "micrograd", "graph", text, "--at", *values.split()],
        capture_output=True,
        text=True,
        check=True,
    )
    printed = [line for line in cli.stdout.splitlines() if line.startswith("gradients:")]
    assert page.text_content("#gradients") == printed[0]
    assert page.text_content("#value") == cli.stdout.splitlines()[0]
    # the boxes of the graph show the same gradients as the engine's own backward()
    x, w, b = Value(2.0), Value(-3.0), Value(6.88)
    (x * w + b).tanh().backward()
    boxes = _graph_boxes(page)
    for name, v in {"x": x, "w": w, "b": b}.items():
        assert f"grad {format_number(v.grad)}" in boxes[name]
        assert f"data {format_number(v.data)}" in boxes[name]
    # the address is the shareable link: the same graph opens from it
    assert "expression=tanh" in page.url and "values=x%3D2" in page.url
    # the guard saw the worker's requests too (so "nothing left 127.0.0.1" covers them)
    fetched = {url.rsplit("/", 1)[-1] for url in page.routed}
    assert {"pyodide.asm.wasm", "python_stdlib.zip", "viz.js"} <= fetched
    assert any(name.startswith("micrograd_edu-") and name.endswith(".whl") for name in fetched)


def test_opened_as_a_file_the_page_says_to_serve_it(browser, site):
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto((DIST / "expression.html").as_uri())
    page.wait_for_selector(".status.error", timeout=10_000)
    assert "served over http" in page.text_content("#status")
    assert [url for url in requests if not url.startswith("file:")] == []
    page.close()


def test_stepping_reaches_the_last_frame_with_the_step_through_texts(page):
    from micrograd.cli.expression import parse_expression
    from micrograd.stepper import record_backward

    _open(page, "expression.html")  # the example is the neuron
    page.wait_for_selector("#graph svg", timeout=30_000)
    trace = record_backward(
        parse_expression(NEURON[0], {"x": 2, "w": -3, "b": 6.88}, label_subexpressions=True)
    )
    last = len(trace.steps)
    page.keyboard.press("Home")
    _wait_for_frame(page, 0)
    assert page.text_content("#step-label") == f"start (step 0 of {last})"
    assert page.text_content("#panel") == trace.frame_text(0)
    assert page.is_disabled("#prev")
    for k in range(1, last + 1):
        page.click("#next")
        _wait_for_frame(page, k)
        assert page.text_content("#panel") == trace.frame_text(k)
        current = page.locator("#graph g.node.mg_current text").first.text_content()
        assert current == trace.names[trace.steps[k - 1].node]
    assert page.text_content("#step-label") == f"step {last} of {last} (done)"
    assert page.is_disabled("#next")
    page.keyboard.press("ArrowLeft")
    _wait_for_frame(page, last - 1)
    page.fill("#slider", "1")
    _wait_for_frame(page, 1)
    assert page.url.endswith("&step=1")  # the link to share opens this very frame


def test_clicking_an_input_shows_its_chain_rule_ledger(page):
    _open(page, "expression.html", "?expression=x*w%20%2B%20x&values=x%3D2%20w%3D-3&step=1")
    _wait_for_frame(page, 1)  # a shared link opens at its step
    assert page.text_content("#step-label") == "step 1 of 2"
    page.locator("#graph g.node", has_text="data 2").first.click()
    page.wait_for_selector("#ledger:not([hidden])", timeout=30_000)
    x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    y = x * w + x
    y.backward()
    assert page.text_content("#ledger").splitlines()[-1] == str(explain(x, y)).splitlines()[-1]
    assert "2 paths" in page.text_content("#ledger")


def test_a_bad_expression_shows_a_message_not_a_blank_page(page):
    _open(page, "expression.html")
    page.wait_for_selector("#graph svg", timeout=30_000)
    page.fill("#expression", "tanh(x*w +")
    page.click("#draw")
    page.wait_for_selector("#error:not([hidden])", timeout=30_000)
    message = page.text_content("#error")
    assert "syntax error" in message and "tanh(x*w +" in message
    assert page.is_hidden("#result") and page.is_visible("h1") and page.is_visible("#expression")
    page.fill("#expression", "log(x)")
    page.fill("#values", "x=0")
    page.click("#draw")
    page.wait_for_function("document.getElementById('error').textContent.includes('log')")


def test_training_on_moons_reaches_95_percent_within_100_steps(page):
    _open(page, "training.html")
    page.wait_for_function("window.playground.weights !== null", timeout=30_000)
    assert page.input_value("#dataset") == "moons"
    page.fill("#stop", "100")
    page.click("#train")
    assert page.text_content("#train") == "Pause"
    page.wait_for_function(
        "window.playground.step >= 100 && !window.playground.running", timeout=300_000
    )
    state = page.evaluate("({...window.playground, points: null, options: null})")
    assert state["step"] == 100 and len(state["losses"]) == 100
    assert state["accuracy"] >= 0.95
    assert page.text_content("#accuracy") == f"{100 * state['accuracy']:.1f}%"
    losses = state["losses"]
    assert sum(losses[-10:]) / 10 < sum(losses[:10]) / 10 / 5  # the curve falls, a lot
    # the canvas shows both classes' regions (the boundary is drawn from the weights)
    colours = page.evaluate(
        """() => {
      const ctx = document.getElementById("boundary").getContext("2d");
      const data = ctx.getImageData(0, 0, 360, 360).data, seen = new Set();
      for (let i = 0; i < data.length; i += 4 * 97) seen.add(data.slice(i, i + 3).join());
      return [...seen];
    }"""
    )
    assert {"253,224,197", "207,226,255"} <= set(colours)
    page.click("#step")
    page.wait_for_function("window.playground.step === 101", timeout=30_000)
    page.fill("#layer", "1")
    page.click("#show-neuron")
    page.wait_for_selector("#neuron-graph svg", timeout=30_000)
    assert "Neuron 0" in page.text_content("#neuron-graph")  # layer 0, collapsed
    page.click("#reset")
    page.wait_for_function("window.playground.step === 0", timeout=30_000)
    # the seed sets the initial weights: another seed, other weights; the same, the same
    initial = page.evaluate("JSON.stringify(window.playground.weights)")
    page.fill("#seed", "1")
    page.dispatch_event("#seed", "change")
    page.wait_for_function(f"JSON.stringify(window.playground.weights) !== {initial!r}")
    page.fill("#seed", "0")
    page.dispatch_event("#seed", "change")
    page.wait_for_function(f"JSON.stringify(window.playground.weights) === {initial!r}")


def test_the_language_toggle_shows_chinese(page):
    _open(page, "training.html")
    page.click("#lang")
    assert page.text_content("#train") == "训练"
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    page.click("#lang")
    assert page.text_content("#train") == "Train"
