"""The exported step-through page in a real headless browser (Debian's chromium).

Needs the system package ``chromium`` (``apt-get install chromium``) and the Python package
playwright; the browser Playwright would download is not used.
"""

from __future__ import annotations

import pytest
from chromium import NEEDS_CHROMIUM, launch

import micrograd
from micrograd import Value
from micrograd.draw import format_number
from micrograd.stepper import export_html, record_backward

pytestmark = NEEDS_CHROMIUM


@pytest.fixture(scope="module")
def browser():
    with launch() as chromium:
        yield chromium


def _neuron():
    """A small neuron with a reused input (x1 feeds two products); every node labelled,
    so that the page's boxes can be told apart by their text."""
    x1, x2 = Value(2.0, label="x1"), Value(0.5, label="x2")
    w1, w2, b = Value(-3.0, label="w1"), Value(1.0, label="w2"), Value(6.88, label="b")
    labelled = [("x1w1", x1 * w1), ("x2w2", x2 * w2), ("x1x2", x1 * x2)]
    for name, v in labelled:
        v.label = name
    s = labelled[0][1] + labelled[1][1]
    s.label = "s"
    sb = s + b
    sb.label = "sb"
    n = sb + labelled[2][1]
    n.label = "n"
    out = n.tanh()
    out.label = "out"
    return out


# Labels of the boxes outlined as receiving a share in the visible frame, and their colour.
RECEIVING_JS = """() => {
  const frame = [...document.querySelectorAll("section.frame")].find(f => !f.hidden);
  return [...frame.querySelectorAll("g.node.mg_receiving")].map(g => [
    g.querySelector("text").textContent,
    getComputedStyle(g.querySelector("polygon")).stroke,
  ]);
}"""

# The value boxes of the visible frame: {label: [texts of the box]}.
BOXES_JS = """() => {
  const frame = [...document.querySelectorAll("section.frame")].find(f => !f.hidden);
  const boxes = {};
  for (const g of frame.querySelectorAll("g.node")) {
    const texts = [...g.querySelectorAll("text")].map(t => t.textContent);
    if (texts.some(t => t.startsWith("grad "))) { boxes[texts[0]] = texts; }
  }
  return boxes;
}"""


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """The page of _neuron(), exported once: (path, trace, root)."""
    out = _neuron()
    path = export_html(out, tmp_path_factory.mktemp("html") / "steps.html", title="A neuron")
    return path, record_backward(out), out


@pytest.fixture
def page_with_errors(browser, exported):
    """Open the exported page; returns (page, console errors, trace, root)."""
    path, trace, out = exported
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.resolve().as_uri())
    page.wait_for_selector("section.frame:visible")
    yield page, errors, trace, out
    page.close()


def _visible_frame(page) -> dict:
    """Number, highlighted box, step label and panel text of the one visible frame."""
    frames = page.locator("section.frame:visible")
    assert frames.count() == 1
    frame = frames.first
    current = frame.locator("g.node.mg_current")
    assert current.count() == 1
    return {
        "frame": int(frame.get_attribute("data-frame")),
        "current": current.locator("text").first.text_content(),  # the box's label
        "current_stroke": current.locator("polygon").first.get_attribute("stroke"),
        "label": page.text_content("#step-label"),
        "panel": frame.locator(".panel").text_content(),
        "slider": page.input_value("#slider"),
    }


def test_page_loads_without_console_errors(page_with_errors):
    page, errors, trace, _out = page_with_errors
    assert page.title() == "A neuron"
    shown = _visible_frame(page)
    assert shown["frame"] == 0 and shown["slider"] == "0"
    assert shown["current"] == trace.root.label == "out"
    assert page.is_disabled("#prev") and not page.is_disabled("#next")
    assert errors == []


def test_next_advances_the_highlighted_node_step_by_step(page_with_errors):
    page, errors, trace, _out = page_with_errors
    seen = [_visible_frame(page)]
    for step in trace.steps:
        page.click("#next")
        seen.append(_visible_frame(page))
        receiving = page.evaluate(RECEIVING_JS)
        assert sorted(label for label, _ in receiving) == sorted(
            p.label for p in set(step.node.parents)
        )
        assert {stroke for _, stroke in receiving} == {"rgb(31, 119, 180)"}  # the CSS blue
    for k, shown in enumerate(seen):
        assert shown["frame"] == k and shown["slider"] == str(k)
        node = trace.root if k == 0 else trace.steps[k - 1].node
        assert shown["current"] == node.label
        assert shown["current_stroke"] == "#d62728"  # draw_dot's highlight colour
        if k:
            assert shown["label"].startswith(f"step {k} of {len(trace.steps)}")
            assert shown["panel"].startswith(f"step {k}: {trace.names[node]} ")
    assert len({s["label"] for s in seen}) == len(seen)  # the label changes every time
    assert page.is_disabled("#next")
    page.click("#prev")
    assert _visible_frame(page)["frame"] == len(trace.steps) - 1
    assert errors == []


def test_keyboard_and_slider_move_between_frames(page_with_errors):
    page, errors, trace, _out = page_with_errors
    last = len(trace.steps)
    page.keyboard.press("End")
    assert _visible_frame(page)["frame"] == last
    page.keyboard.press("ArrowLeft")
    assert _visible_frame(page)["frame"] == last - 1
    page.keyboard.press("Home")
    assert _visible_frame(page)["frame"] == 0
    page.keyboard.press("ArrowRight")
    assert _visible_frame(page)["frame"] == 1
    page.fill("#slider", "3")  # sets the value and fires input
    assert _visible_frame(page)["frame"] == 3
    assert errors == []


def test_last_frame_shows_the_final_gradients(page_with_errors):
    page, errors, trace, _out = page_with_errors
    for _ in trace.steps:
        page.click("#next")
    boxes = page.evaluate(BOXES_JS)
    fresh = _neuron()  # the same graph again: its own backward() gives the expected grads
    fresh.backward()
    nodes = micrograd.topological_order(fresh)
    assert sorted(boxes) == sorted(v.label for v in trace.nodes) == sorted(v.label for v in nodes)
    for node in nodes:
        texts = boxes[node.label]
        assert f"grad {format_number(node.grad)}" in texts, (node.label, texts)
        assert f"data {format_number(node.data)}" in texts
    assert errors == []


def test_first_frame_shows_only_the_seed(page_with_errors):
    page, errors, trace, out = page_with_errors
    boxes = page.evaluate(BOXES_JS)
    for node in trace.nodes:
        seeded = 1.0 if node is out else 0.0
        assert f"grad {format_number(seeded)}" in boxes[node.label]
    assert errors == []


def test_hostile_labels_and_title_are_shown_literally(browser, tmp_path):
    """NUL, a lone surrogate, an entity and markup in labels, the title and an op name."""
    from micrograd.engine import Op, apply

    label = "a\x00b\udcff&amp;<b>x</b>"
    x = Value(1.0, label=label)
    out = apply(Op("<<b>bold</b>>", lambda a: 2 * a, lambda a, out: (2.0,)), [x])
    out.label = "y\\N"
    path = export_html(out, tmp_path / "hostile.html", title="t\udcff<i>")
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.resolve().as_uri())
    shown_label = "a\\x00b\\udcff&amp;<b>x</b>"
    assert page.title() == "t\\udcff<i>"
    texts = page.evaluate(
        """() => [...document.querySelectorAll("section.frame:not([hidden]) text")]
                 .map(t => t.textContent)"""
    )
    assert shown_label in texts and "<<b>bold</b>>" in texts and "y\\N" in texts
    assert page.locator("b").count() == 0 and page.locator("i").count() == 0
    page.click("#next")
    assert shown_label in page.text_content("section.frame:not([hidden]) .panel")
    assert errors == []
    page.close()


def test_the_widget_drawing_fits_the_output_width_with_the_current_node_in_view(browser):
    """The widget's picture in a 500 px output area: scaled down, current node visible."""
    pytest.importorskip("ipywidgets")
    from micrograd.stepper import step_through

    x = Value(0.5, label="x")
    y = x
    for k in range(12):  # a long chain: about 2,000 px wide at natural size
        y = (y * 1.5).tanh()
        y.label = f"y{k}"
    widget = step_through(y)
    page = browser.new_page(viewport={"width": 800, "height": 900})
    for _ in range(2):  # the first frame, and the next one
        page.set_content(
            '<div class="mg-step-through" style="width: 500px">'
            f'<div class="mg-graph"><div>{widget.picture.value}</div></div></div>'
        )
        area = page.locator(".mg-step-through").bounding_box()
        svg = page.locator("svg").bounding_box()
        box = page.locator("g.node.mg_current").bounding_box()
        assert svg["width"] <= area["width"] == 500
        assert area["x"] <= box["x"] and box["x"] + box["width"] <= area["x"] + 500
        widget.next()
    page.close()
