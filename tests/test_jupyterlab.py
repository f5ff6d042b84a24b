"""Notebook 05's step-through widget in a real JupyterLab, in a real (headless) browser.

Starts JupyterLab on 127.0.0.1 (a free port, a random token, a temporary root folder holding a
copy of ``notebooks/05_chain_rule.ipynb``), opens the notebook in Debian's Chromium driven by
Playwright, runs every cell, presses the widget's Next button and checks what a student sees:
the highlighted (current, red) node of the drawing lies inside the visible output area (not
off to the right, where only sideways scrolling would find it), and no cell shows an error.

Needs the system package ``chromium`` (``apt-get install chromium``) and the Python packages
playwright, jupyterlab and ipywidgets (the ``dev`` extra). The browser may reach 127.0.0.1
only: every other request is refused, so the test needs no network. About 30-60 s.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from chromium import NEEDS_CHROMIUM, launch

from micrograd.draw import HIGHLIGHT

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "05_chain_rule.ipynb"
# Names other than 127.0.0.1 do not resolve: nothing leaves the machine.
LOCAL_ONLY = ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
VIEWPORT = {"width": 1280, "height": 800}  # a laptop screen
SERVER_START = 60  # seconds
RUN_ALL = 120  # seconds for the whole notebook

pytestmark = NEEDS_CHROMIUM


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_serving(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"JupyterLab exited ({server.returncode}):\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    pytest.fail(f"JupyterLab did not answer within {SERVER_START} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    """A JupyterLab server on 127.0.0.1 serving a temporary folder: yields (base url, token)."""
    pytest.importorskip("jupyterlab", reason="needs jupyterlab (the dev extra)")
    pytest.importorskip("ipywidgets", reason="needs ipywidgets (the notebook extra)")
    root = tmp_path_factory.mktemp("lab")
    shutil.copy(NOTEBOOK, root / NOTEBOOK.name)
    private = tmp_path_factory.mktemp("lab-state")  # settings, workspaces, runtime files
    # Render every cell (JupyterLab may otherwise skip cells scrolled out of view).
    tracker = private / "settings" / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True)
    (tracker / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    config = private / "config"
    config.mkdir()
    # No news feed and no update check: the server itself stays off the network too.
    lab_config = {
        "LabApp": {"news_url": None, "check_for_updates_class": "jupyterlab.NeverCheckForUpdate"}
    }
    (config / "jupyter_server_config.json").write_text(json.dumps(lab_config))
    port, token = _free_port(), secrets.token_hex(16)
    env = {
        **os.environ,
        # The kernel imports this checkout's micrograd, and is this environment's python3.
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "JUPYTER_PATH": str(Path(sys.prefix) / "share" / "jupyter"),
        "JUPYTER_CONFIG_DIR": str(config),
        "JUPYTER_DATA_DIR": str(private / "data"),
        "JUPYTER_RUNTIME_DIR": str(private / "runtime"),
        "IPYTHONDIR": str(private / "ipython"),
    }
    log = private / "server.log"
    with log.open("w") as log_file:
        server = subprocess.Popen(
            [
                sys.executable, "-m", "jupyterlab", "--no-browser",
                "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
                "--ServerApp.port_retries=0",
                "--ServerApp.allow_root=True",  # CI containers often run as root
                f"--IdentityProvider.token={token}",
                f"--ServerApp.root_dir={root}",
                f"--LabServerApp.user_settings_dir={private / 'settings'}",
                f"--LabServerApp.workspaces_dir={private / 'workspaces'}",
                "--LabApp.expose_app_in_browser=True",  # window.jupyterapp, to run all cells
            ],
            cwd=root, env=env, stdout=log_file, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(f"{base}/api/status?token={token}", server, log)
        yield base, token
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture
def page(jupyterlab):
    """A Chromium page that may only talk to 127.0.0.1."""

    def only_localhost(route):
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            route.abort()

    with launch(LOCAL_ONLY) as browser:
        context = browser.new_context(viewport=VIEWPORT)
        context.route("**/*", only_localhost)
        yield context.new_page()


# The step-through widget: the output area holding a widget with a "Next" button.
WIDGET = ".jp-OutputArea-output:has(button:text-is('Next'))"  # Playwright's selector syntax

# The current node of the widget's drawing, and the rectangles to compare, in page pixels.
# The node is found by the class the step-through gives it (mg_current), or else by the red
# outline draw_dot gives highlighted boxes.
FIND_WIDGET_JS = """[...document.querySelectorAll(".jp-OutputArea-output")].find(o =>
  [...o.querySelectorAll("button")].some(b => b.textContent.trim() === "Next"))"""
GEOMETRY_JS = """(red) => {
  const output = FIND_WIDGET;
  const svg = output.querySelector("svg");
  let node = svg.querySelector(".mg_current");
  if (!node) {
    node = [...svg.querySelectorAll("g.node")].find(g =>
      [...g.querySelectorAll("polygon, path")].some(p => p.getAttribute("stroke") === red));
  }
  const rect = e => { const r = e.getBoundingClientRect();
                      return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; };
  return {
    node: node ? rect(node) : null,
    output: rect(output),
    svg: rect(svg),
    viewport: {left: 0, top: 0, right: window.innerWidth, bottom: window.innerHeight},
    label: [...output.querySelectorAll(".widget-label")].map(e => e.textContent).join(" "),
  };
}""".replace("FIND_WIDGET", FIND_WIDGET_JS)
LABEL_CHANGED_JS = """(before) => {
  const output = FIND_WIDGET;
  return [...output.querySelectorAll(".widget-label")].map(e => e.textContent).join(" ") !== before;
}""".replace("FIND_WIDGET", FIND_WIDGET_JS)

# Errors of the notebook as JupyterLab holds it (outputs of type "error"), and the messages
# widgets print when they cannot be shown ("Error displaying widget: model not found").
ERRORS_JS = """() => {
  const notebook = window.jupyterapp.shell.currentWidget.content;
  const errors = [];
  notebook.widgets.forEach((cell, i) => {
    if (cell.model.type !== "code") return;
    for (const out of cell.model.outputs.toJSON()) {
      if (out.output_type === "error") errors.push(`cell ${i}: ${out.ename}: ${out.evalue}`);
    }
    const text = cell.node.querySelector(".jp-OutputArea")?.innerText || "";
    if (text.includes("Error displaying widget")) errors.push(`cell ${i}: ${text.slice(0, 200)}`);
  });
  return errors;
}"""

# True once the kernel is idle and every code cell has run (a number in its prompt), or a
# cell failed (then "run all" stops there).
ALL_RUN_JS = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const cells = panel.content.widgets.filter(c => c.model.type === "code");
  const failed = cells.some(c => c.model.outputs.toJSON().some(o => o.output_type === "error"));
  return panel.sessionContext.session?.kernel?.status === "idle"
      && (failed || cells.every(c => c.model.executionCount !== null));
}"""


def _inside(inner: dict, outer: dict) -> bool:
    return (
        inner["left"] >= outer["left"] - 1
        and inner["right"] <= outer["right"] + 1
        and inner["top"] >= outer["top"] - 1
        and inner["bottom"] <= outer["bottom"] + 1
    )


def test_step_through_widget_keeps_the_current_node_in_view(jupyterlab, page):
    base, token = jupyterlab
    page.set_default_timeout(SERVER_START * 1000)  # JupyterLab's first load is heavy
    page.goto(f"{base}/lab/tree/{NOTEBOOK.name}?reset&token={token}")
    page.wait_for_function("() => window.jupyterapp?.shell.currentWidget?.content?.widgets?.length")
    page.wait_for_function(
        "() => window.jupyterapp.shell.currentWidget.sessionContext.session?.kernel?.status"
        " === 'idle'"
    )
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(ALL_RUN_JS, timeout=RUN_ALL * 1000, polling=500)
    errors = page.evaluate(ERRORS_JS)
    assert not errors, "notebook 05 shows errors:\n" + "\n".join(errors)

    widget = page.locator(WIDGET).first
    widget.scroll_into_view_if_needed()
    before = page.evaluate(GEOMETRY_JS, HIGHLIGHT["color"])
    widget.get_by_role("button", name="Next").click()
    page.wait_for_function(LABEL_CHANGED_JS, arg=before["label"])
    widget.get_by_role("button", name="Next").scroll_into_view_if_needed()
    after = page.evaluate(GEOMETRY_JS, HIGHLIGHT["color"])

    assert after["node"] is not None, "no highlighted (current) node in the widget's drawing"
    assert _inside(after["node"], after["output"]), (
        f"the current node {after['node']} lies outside the widget's output area "
        f"{after['output']} (the drawing is {after['svg']}): scale the drawing to the output"
    )
    # Sideways, the node is on screen too (the page is scrolled only up and down).
    horizontal = {
        **after["viewport"],
        "top": after["node"]["top"],
        "bottom": after["node"]["bottom"],
    }
    assert _inside(after["node"], horizontal), (
        f"the current node {after['node']} is off screen {after['viewport']}"
    )
    assert page.evaluate(ERRORS_JS) == []
