// The expression page: an expression and its values -> graph, backward step by step, ledger.
import { startPython, renderDot, showError, setupLanguage, t } from "./common.js";

const $ = (id) => document.getElementById(id);
const EXAMPLE = { expression: "tanh(x*w + b)", values: "x=2 w=-3 b=6.88" };

setupLanguage($("lang"));
const python = startPython($("status"));

let drawn = null;      // {expression, values} on screen, for the shareable link
let last = 0;          // the last frame of the current expression
let shown = -1;        // the frame on screen
let wanted = 0;        // the frame asked for (the slider may move faster than Python)
const frames = new Map();

function frameLabel(frame) {
  if (frame === 0) return t("start-label", last);
  return t("step-label", frame, last) + (frame === last ? t("done") : "");
}

async function showFrame(frame) {
  wanted = Math.max(0, Math.min(last, frame));
  $("slider").value = wanted;
  $("step-label").textContent = frameLabel(wanted);
  $("prev").disabled = wanted === 0;
  $("next").disabled = wanted === last;
  if (!frames.has(wanted)) frames.set(wanted, python.call("frame", { frame: wanted }));
  const asked = wanted;
  try {
    const data = await frames.get(asked);
    if (asked !== wanted) return; // the student has moved on
    const svg = await renderDot($("graph"), data.dot);
    svg.addEventListener("click", onGraphClick);
    $("panel").textContent = data.text;
    $("graph").dataset.frame = asked;
    shown = asked;
    share();
  } catch (error) {
    showError($("error"), error.message);
  }
}

// A click on a value box: its label (the first text of the record) names the node.
async function onGraphClick(event) {
  const box = event.target.closest("g.node");
  const label = box?.querySelector("text")?.textContent;
  const title = box?.querySelector("title")?.textContent;
  // op ovals have no polygon; the legend and unnamed constants ("data 2") have no ledger
  if (!label || !box.querySelector("polygon") || title === "legend" || label.startsWith("data ")) return;
  try {
    $("ledger").textContent = await python.call("explain", { name: label.trim() });
    $("ledger").hidden = false;
  } catch (error) {
    $("ledger").textContent = error.message;
    $("ledger").hidden = false;
  }
}

// The address bar always holds the link to what is on screen: expression, values, step.
function share() {
  const params = new URLSearchParams({ ...drawn, step: String(shown) });
  history.replaceState(null, "", "?" + params);
  return location.href;
}

async function draw(step = null) {
  const expression = $("expression").value;
  const values = $("values").value;
  showError($("error"), "");
  frames.clear();
  try {
    const summary = await python.call("expression", { text: expression, values });
    last = summary.last;
    $("slider").max = last;
    $("value").textContent = `${summary.text} = ${summary.value}`;
    $("gradients").textContent = summary.gradients ? `gradients: ${summary.gradients}` : "";
    $("ledger").hidden = true;
    $("result").hidden = false;
    drawn = { expression, values };
    // the graph with all its gradients (step back from there), or the step of the link
    await showFrame(step === null ? last : step);
  } catch (error) {
    $("result").hidden = true;
    showError($("error"), error.message);
  }
}

const params = new URLSearchParams(location.search);
$("expression").value = params.get("expression") ?? EXAMPLE.expression;
$("values").value = params.get("values") ?? EXAMPLE.values;

$("form").addEventListener("submit", (event) => { event.preventDefault(); draw(); });
$("prev").addEventListener("click", () => showFrame(wanted - 1));
$("next").addEventListener("click", () => showFrame(wanted + 1));
$("slider").addEventListener("input", () => showFrame(Number($("slider").value)));
$("copy-link").addEventListener("click", async () => {
  if (!drawn) return;
  try {
    await navigator.clipboard.writeText(share());
    $("status").textContent = t("link-copied");
  } catch { /* no clipboard permission: the address bar holds the same link */ }
});
document.addEventListener("keydown", (event) => {
  if (event.target.closest("input, textarea, select") || $("result").hidden) return;
  const moves = { ArrowLeft: wanted - 1, ArrowRight: wanted + 1, Home: 0, End: last };
  if (event.key in moves) { event.preventDefault(); showFrame(moves[event.key]); }
});

const linkedStep = params.has("step") ? Number(params.get("step")) : null;
python.ready.then(() => {
  $("draw").disabled = false;
  draw(Number.isInteger(linkedStep) ? linkedStep : null);
}, () => {});
