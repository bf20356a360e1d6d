// fabricate serve's web UI: pick or edit a scenario, validate it as you type,
// preview rows, run a job with progress, download its files and see its report.
// Plain ES module, no build step. Data from the server only ever reaches the
// page as text (textContent, attribute values), never as HTML.

const FORMATS = ["csv", "json", "jsonl", "yaml", "xml", "sql", "parquet", "xlsx"];
const TOKEN_KEY = "fabricate-serve-token";
const $ = (id) => document.getElementById(id);

/** @type {{ source: string, name: string } | null} the picked scenario, as loaded */
let picked = null;
/** @type {{ name: string, count: number }[]} the entities of the last valid scenario */
let entities = [];
let currentJob = null;
let pollTimer = 0;
let validateTimer = 0;
let validateSeq = 0;
let markedLines = [];

// ---- HTTP --------------------------------------------------------------------

let tokenWaiters = null;

function authHeaders() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token ? { authorization: `Bearer ${token}` } : {};
}

/** Asks for the token once; every request waiting on it resumes when it is given. */
function askToken(failed) {
  const form = $("token-form");
  form.hidden = false;
  $("app").hidden = true;
  $("token-error").textContent = failed ? "That token was refused." : "";
  $("token").focus();
  tokenWaiters ??= [];
  return new Promise((resolve) => tokenWaiters.push(resolve));
}

$("token-form").addEventListener("submit", (event) => {
  event.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, $("token").value.trim());
  $("token").value = "";
  $("token-form").hidden = true;
  $("app").hidden = false;
  const waiters = tokenWaiters ?? [];
  tokenWaiters = null;
  for (const resolve of waiters) resolve();
});

/** Calls the API; answers JSON, or throws an Error carrying the API's error object. */
async function api(method, path, body) {
  for (let attempt = 0;; attempt++) {
    const init = { method, headers: { ...authHeaders() } };
    if (body !== undefined) {
      init.headers["content-type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const res = await fetch(path, init);
    if (res.status === 401 && attempt < 5) {
      const had = sessionStorage.getItem(TOKEN_KEY);
      sessionStorage.removeItem(TOKEN_KEY);
      await askToken(Boolean(had));
      continue;
    }
    const type = res.headers.get("content-type") ?? "";
    const json = type.includes("json") ? await res.json() : null;
    if (!res.ok) {
      const error = new Error(json?.error?.message ?? `HTTP ${res.status}`);
      error.api = json?.error ?? { status: res.status };
      throw error;
    }
    return json;
  }
}

function showMessage(text) {
  $("message").textContent = text;
}

// ---- Editor ------------------------------------------------------------------

const editor = globalThis.CodeMirror
  ? globalThis.CodeMirror.fromTextArea($("yaml"), {
    mode: "yaml",
    lineNumbers: true,
    indentUnit: 2,
    tabSize: 2,
    // Tab indents; Esc leaves the editor so keyboard users are never trapped in it.
    extraKeys: {
      Tab: (cm) => cm.replaceSelection("  "),
      Esc: () => $("seed").focus(),
      "Ctrl-Space": (cm) => cm.showHint({ hint: schemaHint, completeSingle: false }),
    },
    screenReaderLabel: "Scenario YAML",
  })
  : null;

/** @type {Promise<string[]> | null} every key and named value the scenario schema knows */
let schemaWords = null;

/** Collects the property names and string enum values of the JSON Schema. */
function wordsOf(schema) {
  const words = new Set();
  const walk = (node) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== "object") return;
    if (node.properties && typeof node.properties === "object") {
      for (const key of Object.keys(node.properties)) words.add(key);
    }
    if (Array.isArray(node.enum)) {
      for (const v of node.enum) if (typeof v === "string") words.add(v);
    }
    for (const value of Object.values(node)) walk(value);
  };
  walk(schema);
  return [...words].sort();
}

/** CodeMirror hints: schema words starting with the word at the cursor. */
async function schemaHint(cm) {
  schemaWords ??= api("GET", "/api/schema").then(wordsOf).catch(() => []);
  const words = await schemaWords;
  const cursor = cm.getCursor();
  const line = cm.getLine(cursor.line);
  let start = cursor.ch;
  while (start > 0 && /[\w.-]/.test(line.charAt(start - 1))) start--;
  const prefix = line.slice(start, cursor.ch);
  const list = words.filter((w) => w.startsWith(prefix) && w !== prefix).slice(0, 50);
  return {
    list,
    from: { line: cursor.line, ch: start },
    to: { line: cursor.line, ch: cursor.ch },
  };
}

function getText() {
  return editor ? editor.getValue() : $("yaml").value;
}

function setText(text) {
  if (editor) {
    editor.setValue(text);
    editor.clearHistory();
  } else $("yaml").value = text;
}

function goTo(line, column) {
  if (!editor) return;
  editor.focus();
  editor.setCursor({ line: line - 1, ch: Math.max(0, column - 1) });
  editor.scrollIntoView(null, 80);
}

function clearMarks() {
  for (const handle of markedLines) editor?.removeLineClass(handle, "background", "cm-error-line");
  markedLines = [];
}

if (editor) editor.on("change", scheduleValidate);
else $("yaml").addEventListener("input", scheduleValidate);

function scheduleValidate() {
  clearTimeout(validateTimer);
  validateTimer = setTimeout(validateNow, 350);
}

async function validateNow() {
  const seq = ++validateSeq;
  const yaml = getText();
  const status = $("validation");
  if (!yaml.trim()) {
    status.textContent = "";
    renderIssues([]);
    return false;
  }
  status.textContent = "Checking…";
  try {
    const result = await api("POST", "/api/validate", { yaml });
    if (seq !== validateSeq) return false;
    renderIssues([]);
    status.className = "ok";
    status.textContent = `Valid: ${
      result.entities.map((e) => `${e.name} (${e.count.toLocaleString("en-US")})`).join(", ")
    }`;
    setEntities(result.entities);
    return true;
  } catch (e) {
    if (seq !== validateSeq) return false;
    const issues = e.api?.issues ?? [{ path: "", message: e.message }];
    status.className = "error";
    status.textContent = e.api?.code === "invalid_scenario"
      ? `${issues.length} problem${issues.length === 1 ? "" : "s"} in the scenario`
      : e.message;
    renderIssues(issues);
    return false;
  }
}

function renderIssues(issues) {
  clearMarks();
  const list = $("issues");
  list.replaceChildren();
  for (const issue of issues) {
    const li = document.createElement("li");
    if (issue.line !== undefined) {
      const at = document.createElement("button");
      at.type = "button";
      at.className = "issue-location";
      at.textContent = `${issue.line}:${issue.column ?? 1}`;
      at.title = "Go to this line";
      at.addEventListener("click", () => goTo(issue.line, issue.column ?? 1));
      li.append(at, " ");
      if (editor && issue.line - 1 < editor.lineCount()) {
        markedLines.push(editor.addLineClass(issue.line - 1, "background", "cm-error-line"));
      }
    }
    if (issue.path) {
      const path = document.createElement("code");
      path.textContent = issue.path;
      li.append(path, " ");
    }
    li.append(issue.message);
    for (const [label, value] of [["expected", issue.expected], ["hint", issue.hint]]) {
      if (!value) continue;
      const detail = document.createElement("span");
      detail.className = "detail";
      detail.textContent = `${label}: ${value}`;
      li.append(detail);
    }
    list.append(li);
  }
}

// ---- Scenario list -----------------------------------------------------------

async function loadScenarios() {
  const list = await api("GET", "/api/scenarios");
  const scenarios = Array.isArray(list) ? list : list.scenarios ?? [];
  const select = $("scenario");
  const groups = [
    ["base", "Base scenarios"],
    ["profile", "Profiles"],
  ];
  for (const [kind, label] of groups) {
    const group = document.createElement("optgroup");
    group.label = label;
    for (const s of scenarios.filter((s) => (s.kind ?? "base") === kind)) {
      const option = document.createElement("option");
      option.value = s.name;
      option.textContent = s.source === "workspace" ? `${s.name} (workspace)` : s.name;
      option.title = s.description ?? "";
      group.append(option);
    }
    if (group.children.length) select.append(group);
  }
}

$("scenario").addEventListener("change", async () => {
  const name = $("scenario").value;
  if (!name) {
    picked = null;
    $("scenario-description").textContent = "";
    setText("");
    return;
  }
  try {
    const s = await api(
      "GET",
      `/api/scenarios/${name.split("/").map(encodeURIComponent).join("/")}`,
    );
    // "editable" names built-ins in extends where the file has relative paths.
    picked = { name: s.name, source: s.editable ?? s.source };
    $("scenario-description").textContent = s.description +
      (s.extends?.length ? ` (extends ${s.extends.join(", ")})` : "");
    setText(picked.source);
    await validateNow();
  } catch (e) {
    showMessage(e.message);
  }
});

/** The scenario part of a request: the picked name while unedited, else the text. */
function scenarioInput() {
  const text = getText();
  return picked && text === picked.source ? { scenario: picked.name } : { yaml: text };
}

// ---- Options -----------------------------------------------------------------

function setEntities(list) {
  const same = list.length === entities.length &&
    list.every((e, i) => e.name === entities[i].name);
  entities = list;
  const box = $("counts");
  if (same) {
    for (const e of list) {
      const input = box.querySelector(`input[data-entity="${CSS.escape(e.name)}"]`);
      if (input) input.placeholder = String(e.count);
    }
    return;
  }
  box.querySelectorAll("label").forEach((l) => l.remove());
  list.forEach((e, i) => {
    const label = document.createElement("label");
    const input = document.createElement("input");
    input.type = "number";
    input.min = "0";
    input.id = `count-${i}`;
    input.dataset.entity = e.name;
    input.placeholder = String(e.count);
    label.append(`${e.name} `, input);
    box.append(label);
  });
}

for (const format of FORMATS) {
  const label = document.createElement("label");
  const input = document.createElement("input");
  input.type = "checkbox";
  input.name = "format";
  input.value = format;
  label.append(input, ` ${format}`);
  $("formats").append(label);
}

function options() {
  const out = {};
  const seed = $("seed").value.trim();
  if (seed) out.seed = /^-?\d+$/.test(seed) ? Number(seed) : seed;
  const counts = {};
  for (const input of $("counts").querySelectorAll("input[data-entity]")) {
    if (input.value !== "") counts[input.dataset.entity] = Number(input.value);
  }
  if (Object.keys(counts).length) out.counts = counts;
  return out;
}

function showApiError(e, where) {
  const issues = e.api?.issues;
  where.textContent = issues?.length
    ? `${e.message}: ${
      issues.map((i) => `${i.line ? `${i.line}:${i.column ?? 1} ` : ""}${i.path} ${i.message}`)
        .join("; ")
    }`
    : e.message;
}

// ---- Preview -----------------------------------------------------------------

$("preview-button").addEventListener("click", async () => {
  const box = $("preview");
  box.replaceChildren();
  box.setAttribute("aria-busy", "true");
  try {
    const rows = Number($("preview-rows").value) || 10;
    const result = await api("POST", "/api/preview", { ...scenarioInput(), ...options(), rows });
    for (const [name, entity] of Object.entries(result.entities)) {
      box.append(previewTable(name, entity));
    }
  } catch (e) {
    const p = document.createElement("p");
    p.className = "error";
    showApiError(e, p);
    box.append(p);
  } finally {
    box.removeAttribute("aria-busy");
  }
});

function cellText(v) {
  if (v === null || v === undefined) return null;
  return typeof v === "string" ? v : JSON.stringify(v);
}

function previewTable(name, entity) {
  const wrap = document.createElement("div");
  wrap.className = "table-wrap";
  const table = document.createElement("table");
  table.className = "preview";
  table.dataset.entity = name;
  const caption = table.createCaption();
  caption.textContent = `${name}: first ${entity.rows.length} of ${
    (entity.count ?? entity.rows.length).toLocaleString("en-US")
  } rows`;
  const head = table.createTHead().insertRow();
  for (const column of entity.columns) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = column;
    head.append(th);
  }
  const body = table.createTBody();
  for (const row of entity.rows) {
    const tr = body.insertRow();
    for (const value of row) {
      const td = tr.insertCell();
      const text = cellText(value);
      if (text === null) {
        td.className = "null";
        td.textContent = "null";
      } else {
        td.textContent = text;
        td.title = text;
      }
    }
  }
  wrap.append(table);
  return wrap;
}

// ---- Jobs --------------------------------------------------------------------

$("options").addEventListener("submit", async (event) => {
  event.preventDefault();
  const formats = [...document.querySelectorAll('input[name="format"]:checked')].map((i) =>
    i.value
  );
  const body = { ...scenarioInput(), ...options(), report: $("report").checked };
  if (formats.length) body.formats = formats;
  if ($("compress").value) body.compress = $("compress").value;
  showMessage("");
  try {
    const job = await api("POST", "/api/jobs", body);
    showJob(job);
    poll(job.id);
    loadHistory();
  } catch (e) {
    showApiError(e, $("message"));
  }
});

function poll(id) {
  clearTimeout(pollTimer);
  pollTimer = setTimeout(async () => {
    try {
      const job = await api("GET", `/api/jobs/${encodeURIComponent(id)}`);
      if (currentJob?.id !== id) return;
      showJob(job);
      if (job.status === "queued" || job.status === "running") poll(id);
      else loadHistory();
    } catch (e) {
      showMessage(e.message);
    }
  }, 400);
}

function fmtSeconds(s) {
  if (s === null || s === undefined || !Number.isFinite(s)) return "…";
  return s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

function showJob(job) {
  currentJob = job;
  $("job").hidden = false;
  $("job-title").textContent = `${job.scenario ?? "scenario"} (${job.id})`;
  const status = $("job-status");
  status.textContent = job.status;
  status.dataset.status = job.status;
  const p = job.progress;
  const done = job.status === "succeeded";
  const percent = done ? 100 : p?.percent ?? 0;
  $("job-progress").value = percent;
  let text = `${job.status}`;
  if (p && !done) {
    text = `${p.entity ?? ""} ${(p.done ?? 0).toLocaleString("en-US")} of ${
      (p.total ?? 0).toLocaleString("en-US")
    } rows (${percent.toFixed(1)} %)`;
    if (p.rows_per_second) {
      text += `, ${Math.round(p.rows_per_second).toLocaleString("en-US")} rows/s, ETA ${
        fmtSeconds(p.eta_seconds)
      }`;
    }
  } else if (done) text = "Done";
  $("job-progress-text").textContent = text;
  $("cancel-button").hidden = !(job.status === "queued" || job.status === "running");
  $("job-error").textContent = job.error
    ? [job.error.message, ...(job.error.issues ?? []).map((i) => `${i.path} ${i.message}`)]
      .join("\n")
    : "";
  showResults(job);
}

const jobPath = (job, rest = "") => `/api/jobs/${encodeURIComponent(job.id)}${rest}`;

/** A link that downloads with the token when there is one (links cannot send headers). */
function downloadLink(a, href, filename) {
  a.href = href;
  a.onclick = null;
  if (!sessionStorage.getItem(TOKEN_KEY)) return;
  a.onclick = async (event) => {
    event.preventDefault();
    const res = await fetch(href, { headers: authHeaders() });
    if (!res.ok) return showMessage(`Cannot download ${filename}: HTTP ${res.status}`);
    const url = URL.createObjectURL(await res.blob());
    const save = document.createElement("a");
    save.href = url;
    save.download = filename;
    document.body.append(save);
    save.click();
    save.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
}

/**
 * "View report": a new tab cannot send the token, so with one the page asks
 * for a one-time ticket (60 s, this job's report only) and opens the report
 * with it. The tab is opened at the click (no pop-up blocker) and cut from
 * this page before it loads the report.
 */
function reportLink(a, job) {
  a.href = jobPath(job, "/report");
  a.onclick = null;
  if (!sessionStorage.getItem(TOKEN_KEY)) return;
  a.onclick = async (event) => {
    event.preventDefault();
    const tab = globalThis.open("", "_blank");
    if (tab) tab.opener = null;
    try {
      const { url } = await api("POST", jobPath(job, "/report-ticket"));
      const href = new URL(url, location.href).href;
      if (tab) tab.location.replace(href);
      else globalThis.open(href, "_blank", "noopener,noreferrer");
    } catch (e) {
      tab?.close();
      showMessage(`Cannot open the report: ${e.message}`);
    }
  };
}

function showResults(job) {
  const results = $("results");
  results.hidden = job.status !== "succeeded";
  if (results.hidden) return;
  const list = $("files");
  list.replaceChildren();
  for (const file of job.files ?? []) {
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.textContent = file.path;
    a.setAttribute("download", file.path.split("/").pop());
    downloadLink(
      a,
      jobPath(job, `/files/${file.path.split("/").map(encodeURIComponent).join("/")}`),
      file.path.split("/").pop(),
    );
    li.append(a, ` ${(file.bytes ?? 0).toLocaleString("en-US")} bytes`);
    list.append(li);
  }
  const zip = $("zip-link");
  zip.setAttribute("download", `${job.id}.zip`);
  downloadLink(zip, jobPath(job, "/download"), `${job.id}.zip`);
  const report = $("report-link");
  report.hidden = !(job.links?.report ?? job.request?.report);
  reportLink(report, job);
  $("active").checked = job.active !== false;
  const inactive = job.active === false;
  for (const a of [...list.querySelectorAll("a"), zip]) {
    a.toggleAttribute("aria-disabled", inactive);
  }
}

$("cancel-button").addEventListener("click", async () => {
  if (!currentJob) return;
  try {
    await api("DELETE", jobPath(currentJob));
    poll(currentJob.id);
  } catch (e) {
    showMessage(e.message);
  }
});

$("active").addEventListener("change", async () => {
  if (!currentJob) return;
  try {
    await api("POST", jobPath(currentJob, "/active"), { active: $("active").checked });
    showJob(await api("GET", jobPath(currentJob)));
    loadHistory();
  } catch (e) {
    showMessage(e.message);
  }
});

$("delete-button").addEventListener("click", async () => {
  if (!currentJob) return;
  if (!confirm(`Delete the files of job ${currentJob.id}?`)) return;
  try {
    await api("DELETE", jobPath(currentJob, `/data?confirm=${encodeURIComponent(currentJob.id)}`));
    showJob(await api("GET", jobPath(currentJob)));
    loadHistory();
  } catch (e) {
    showMessage(e.message);
  }
});

// ---- History -----------------------------------------------------------------

async function loadHistory() {
  try {
    const list = await api("GET", "/api/jobs");
    const jobs = Array.isArray(list) ? list : list.jobs ?? [];
    const body = $("history").tBodies[0];
    body.replaceChildren();
    for (const job of jobs) {
      const tr = body.insertRow();
      for (const text of [job.created_at, job.scenario ?? "(posted YAML)", job.status]) {
        tr.insertCell().textContent = text ?? "";
      }
      tr.insertCell().textContent = job.active === false ? "no" : "yes";
      const open = document.createElement("button");
      open.type = "button";
      open.textContent = "Open";
      open.setAttribute("aria-label", `Open job ${job.id}`);
      open.addEventListener("click", () => {
        showJob(job);
        if (job.status === "queued" || job.status === "running") poll(job.id);
      });
      tr.insertCell().append(open);
    }
  } catch (e) {
    showMessage(e.message);
  }
}

$("history-refresh").addEventListener("click", loadHistory);

// ---- Start -------------------------------------------------------------------

async function start() {
  try {
    const health = await api("GET", "/api/health");
    $("version").textContent = `v${health.version} (engine ${health.engine})`;
    await loadScenarios();
    await loadHistory();
    document.body.dataset.ready = "true";
  } catch (e) {
    showMessage(e.message);
  }
}

start();
