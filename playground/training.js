// The training page: Python (in the worker) trains; this page draws what it reports.
import { startPython, renderDot, showError, setupLanguage, t } from "./common.js";

const $ = (id) => document.getElementById(id);
setupLanguage($("lang"));
const python = startPython($("status"));

// Light region colours and strong point colours for classes 0, 1, 2, ...
const REGION = ["#fde0c5", "#cfe2ff", "#d4f0d4", "#f3d4f0"];
const POINT = ["#e8710a", "#1a5fb4", "#2e8b57", "#a0309a"];
const MULTICLASS = new Set(["spirals", "blobs"]);

// What the page knows; also read by the browser tests (window.playground).
const state = { points: null, losses: [], accuracy: null, step: 0, weights: null, running: false };
window.playground = state;

function config() {
  const number = (id) => ($(id).value.trim() === "" ? null : Number($(id).value));
  return {
    dataset: $("dataset").value,
    hidden: $("hidden").value,
    activation: $("activation").value,
    loss: $("loss").value,
    optimizer: $("optimizer").value,
    lr: number("lr"),
    batch_size: number("batch"),
    alpha: number("alpha") ?? 0,
    seed: number("seed") ?? 0,
  };
}

function fill(select, names, chosen) {
  select.replaceChildren(...names.map((name) => new Option(name, name, false, name === chosen)));
}

// ---- the model's forward pass in plain floats, from its weights, for the boundary ----
const ACT = { relu: (z) => Math.max(0, z), tanh: Math.tanh, sigmoid: (z) => 1 / (1 + Math.exp(-z)), linear: (z) => z };

function predict(weights, x) {
  let h = x;
  for (const layer of weights) {
    const act = ACT[layer.activation];
    h = layer.W.map((row, j) => act(row.reduce((s, w, i) => s + w * h[i], layer.b[j])));
  }
  if (h.length === 1) return h[0] > 0 ? 1 : 0; // one score: class 1 above 0, as micrograd.train
  return h.indexOf(Math.max(...h));
}

function bounds(X) {
  const xs = X.map((p) => p[0]), ys = X.map((p) => p[1]);
  const pad = 0.5;
  return { x0: Math.min(...xs) - pad, x1: Math.max(...xs) + pad, y0: Math.min(...ys) - pad, y1: Math.max(...ys) + pad };
}

function drawBoundary() {
  const canvas = $("boundary"), ctx = canvas.getContext("2d");
  const { X, y } = state.points;
  const b = bounds(X), W = canvas.width, H = canvas.height;
  const toX = (px) => b.x0 + (px / W) * (b.x1 - b.x0);
  const toY = (py) => b.y1 - (py / H) * (b.y1 - b.y0);
  const cell = 4;
  for (let py = 0; py < H; py += cell) {
    for (let px = 0; px < W; px += cell) {
      ctx.fillStyle = REGION[predict(state.weights, [toX(px + cell / 2), toY(py + cell / 2)]) % REGION.length];
      ctx.fillRect(px, py, cell, cell);
    }
  }
  X.forEach((p, i) => {
    ctx.beginPath();
    ctx.arc(((p[0] - b.x0) / (b.x1 - b.x0)) * W, ((b.y1 - p[1]) / (b.y1 - b.y0)) * H, 4, 0, 2 * Math.PI);
    ctx.fillStyle = POINT[y[i] % POINT.length];
    ctx.fill();
    ctx.strokeStyle = i === Number($("sample").value) ? "#000" : "#fff";
    ctx.lineWidth = i === Number($("sample").value) ? 2.5 : 1;
    ctx.stroke();
  });
}

function drawLossCurve() {
  const canvas = $("loss-curve"), ctx = canvas.getContext("2d");
  const W = canvas.width, H = canvas.height, losses = state.losses;
  ctx.clearRect(0, 0, W, H);
  if (losses.length < 2) return;
  const top = Math.max(...losses.filter(Number.isFinite)) || 1;
  ctx.beginPath();
  losses.forEach((loss, i) => {
    const px = (i / (losses.length - 1)) * (W - 10) + 5;
    const py = H - 5 - (loss / top) * (H - 20);
    i ? ctx.lineTo(px, py) : ctx.moveTo(px, py);
  });
  ctx.strokeStyle = "#1a5fb4";
  ctx.lineWidth = 2;
  ctx.stroke();
  ctx.fillStyle = "#444";
  ctx.fillText(`max ${top.toPrecision(3)}`, 8, 12);
}

function show(report) {
  state.step = report.step;
  state.accuracy = report.accuracy;
  state.weights = report.weights;
  if (report.losses) state.losses.push(...report.losses);
  $("step-count").textContent = report.step;
  $("epoch").textContent = report.epoch;
  $("loss-value").textContent = report.loss === null ? "–" : report.loss.toPrecision(4);
  $("accuracy").textContent = (100 * report.accuracy).toFixed(1) + "%";
  drawBoundary();
  drawLossCurve();
}

async function reset() {
  pause();
  showError($("error"), "");
  try {
    const reply = await python.call("train", config());
    state.points = { X: reply.X, y: reply.y };
    state.losses = [];
    $("sample").max = reply.X.length - 1;
    show(reply);
  } catch (error) {
    showError($("error"), error.message);
  }
}

// Train in chunks of steps sized to answer in about 0.2 s, so that the boundary moves
// smoothly and Pause is obeyed at once.
let chunk = 1;
async function run(once = false) {
  const stop = Number($("stop").value) || Infinity;
  do {
    const steps = once ? 1 : Math.max(1, Math.min(chunk, stop - state.step));
    if (!once && state.step >= stop) break;
    const started = performance.now();
    try {
      show(await python.call("step", { steps }));
    } catch (error) {
      showError($("error"), error.message);
      break;
    }
    const took = performance.now() - started;
    chunk = Math.max(1, Math.min(50, Math.round((steps * 200) / Math.max(took, 1))));
  } while (!once && state.running);
  if (!once) pause();
}

function pause() {
  state.running = false;
  $("train").textContent = t("train");
  $("train").dataset.i18n = "train";
}

$("train").addEventListener("click", () => {
  if (state.running) return pause();
  state.running = true;
  $("train").textContent = t("pause");
  $("train").dataset.i18n = "pause";
  run();
});
$("step").addEventListener("click", () => { if (!state.running) run(true); });
$("reset").addEventListener("click", reset);
$("config").addEventListener("change", (event) => {
  if (event.target.id === "dataset") {
    const multi = MULTICLASS.has($("dataset").value);
    if (multi !== ($("loss").value === "cross_entropy")) $("loss").value = multi ? "cross_entropy" : "hinge";
  }
  if (event.target.id === "optimizer") $("lr").value = "";
  $("lr").placeholder = String(state.options.optimizers[$("optimizer").value]);
  if (event.target.id !== "stop") reset();
});
$("boundary").addEventListener("click", (event) => {
  if (!state.points) return;
  const rect = event.target.getBoundingClientRect(), b = bounds(state.points.X);
  const x = b.x0 + ((event.clientX - rect.left) / rect.width) * (b.x1 - b.x0);
  const y = b.y1 - ((event.clientY - rect.top) / rect.height) * (b.y1 - b.y0);
  const distance = (p) => (p[0] - x) ** 2 + (p[1] - y) ** 2;
  const nearest = state.points.X.reduce((best, p, i, X) => (distance(p) < distance(X[best]) ? i : best), 0);
  $("sample").value = nearest;
  drawBoundary();
  showNeuron();
});
async function showNeuron() {
  try {
    const dot = await python.call("neuron", {
      layer: Number($("layer").value), index: Number($("neuron").value),
      sample: Number($("sample").value), expand: $("expand").checked,
    });
    await renderDot($("neuron-graph"), dot);
  } catch (error) {
    showError($("error"), error.message);
  }
}
$("show-neuron").addEventListener("click", showNeuron);

python.ready.then(async () => {
  const options = await python.call("options");
  state.options = options;
  const params = new URLSearchParams(location.search);
  fill($("dataset"), options.datasets, params.get("dataset") ?? "moons");
  fill($("activation"), options.activations, "relu");
  fill($("loss"), options.losses, MULTICLASS.has($("dataset").value) ? "cross_entropy" : "hinge");
  fill($("optimizer"), Object.keys(options.optimizers), "sgd");
  $("lr").placeholder = String(options.optimizers[$("optimizer").value]);
  for (const id of ["train", "step", "reset", "show-neuron"]) $(id).disabled = false;
  await reset();
}, () => {});
