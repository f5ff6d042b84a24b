// The expression page: an expression and its values -> graph, backward step by step, ledger.
import { startPython, renderDot, showError, setupLanguage, t } from "./common.js";

const $ = (id) => document.getElementById(id);
const EXAMPLE = { expression: "tanh(x*w + b)", values: "x=2 w=-3 b=6.88" };

setupLanguage($("lang"));
const python = startPython($("status"));

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
  } catch (error) {
    showError($("error"), error.message);
  }
}

// A click on a value box: its label (the first text of the record) names the node.
async function onGraphClick(event) {
  const box = event.target.closest("g.node");
  const label = box?.querySelector("text")?.textContent;
  if (!label || !box.querySelector("polygon")) return; // an op oval, or the legend
  try {
    $("ledger").textContent = await python.call("explain", { name: label.trim() });
    $("ledger").hidden = false;
  } catch (error) {
    $("ledger").textContent = error.message;
    $("ledger").hidden = false;
  }
}

async function draw() {
  const expression = $("expression").value;
  const values = $("values").value;
  const params = new URLSearchParams({ expression, values });
  history.replaceState(null, "", "?" + params); // the address is the shareable link
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
    await showFrame(last); // the graph with all its gradients; step back from here
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
  const params = new URLSearchParams({ expression: $("expression").value, values: $("values").value });
  const link = location.origin + location.pathname + "?" + params;
  try { await navigator.clipboard.writeText(link); } catch { /* no clipboard: the address bar has it */ }
  history.replaceState(null, "", "?" + params);
  $("status").textContent = t("link-copied");
});
document.addEventListener("keydown", (event) => {
  if (event.target.closest("input, textarea, select") || $("result").hidden) return;
  const moves = { ArrowLeft: wanted - 1, ArrowRight: wanted + 1, Home: 0, End: last };
  if (event.key in moves) { event.preventDefault(); showFrame(moves[event.key]); }
});

python.ready.then(() => { $("draw").disabled = false; draw(); }, () => {});
