// The sandbox inbox: renders /_sandbox/inbox/view (pushed as server-sent events) and acts only
// through the control API, sending the page's token so the sandbox knows the request is ours.
"use strict";

const token = document.querySelector('meta[name="sandbox-token"]').content;
let view = null;
let selected = null;
let realisticPending = 0; // switches of realistic mode not yet answered

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "className") node.className = value;
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function showError(text) {
  const box = document.getElementById("error");
  box.textContent = text || "";
  box.hidden = !text;
}

async function post(path, body) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Sandbox-Token": token },
    body: JSON.stringify(body || {}),
  });
  const text = await response.text();
  if (!response.ok) {
    showError(`${path}: ${response.status} ${text}`);
    throw new Error(text);
  }
  showError("");
  return text ? JSON.parse(text) : null;
}

function time(at) {
  if (at === null || at === undefined) return "";
  const date = typeof at === "number" ? new Date(at * 1000) : new Date(at);
  return isNaN(date) ? String(at) : date.toISOString().replace("T", " ").replace("Z", "");
}

function renderConversations() {
  const nav = document.getElementById("conversations");
  nav.replaceChildren();
  if (!view.conversations.length) {
    nav.append(el("p", { className: "empty" }, "No messages yet. Send one to the sandbox."));
    return;
  }
  let group = null;
  for (const c of view.conversations) {
    const heading = `${c.provider} · ${c.account}`;
    if (heading !== group) {
      group = heading;
      nav.append(el("div", { className: "group" }, heading));
    }
    nav.append(el("button", {
      className: "conversation", type: "button", "data-key": c.key, "data-provider": c.provider,
      "aria-current": c.key === selected ? "true" : "false",
      onclick: () => { selected = c.key; render(); },
    }, `${c.own} ⇄ ${c.handset}`, el("span", { className: "count" }, c.messages.length)));
  }
}

function bubble(m) {
  const meta = [`${m.encoding}`, `${m.segments} segment${m.segments === 1 ? "" : "s"}`];
  for (const [key, value] of Object.entries(m.reported)) if (value !== null && value !== undefined) meta.push(`${key} ${value}`);
  const ids = Object.entries(m.ids).map(([k, v]) => `${k}: ${v}`).join(" · ");
  const actions = m.outcome ? el("div", { className: "actions" },
    el("button", { type: "button", "data-outcome": "delivered", onclick: () => post("/_sandbox/messages/outcome", { ...m.outcome, outcome: "delivered" }) }, "mark delivered"),
    el("button", { type: "button", "data-outcome": "failed", onclick: () => post("/_sandbox/messages/outcome", { ...m.outcome, outcome: "failed" }) }, "mark failed"),
  ) : null;
  return el("div", { className: `bubble ${m.direction} status-${m.status}`, "data-id": m.id, "data-status": m.status, "data-direction": m.direction },
    el("div", { className: "text" }, m.text || "(no text)"),
    m.media.length ? el("div", { className: "media" }, m.media.map((url) => el("div", {}, "📎 ", url))) : null,
    el("div", { className: "meta" }, el("span", { className: "status" }, m.status), " · ", meta.join(" · ")),
    el("div", { className: "meta ids" }, ids),
    el("ol", { className: "timeline" }, m.timeline.map((t) => el("li", {}, `${t.status} `, el("time", {}, time(t.at))))),
    actions,
  );
}

function callbackCard(d) {
  return el("div", { className: `callback state-${d.state}`, "data-callback": d.id, "data-event": d.event },
    el("div", {}, el("strong", {}, `${d.provider} ${d.event}`), ` → ${d.method} ${d.url} `, el("span", { className: "status" }, d.state)),
    el("ol", {}, d.attempts.map((a) => el("li", {}, `${a.status ?? a.error} in ${a.ms ?? "?"} ms at ${time(a.at)} → ${a.url}`))),
    Object.keys(d.signature_headers || {}).length
      ? el("details", {}, el("summary", {}, "signature headers"), el("pre", {}, Object.entries(d.signature_headers).map(([k, v]) => `${k}: ${v}`).join("\n")))
      : null,
    el("details", {}, el("summary", {}, "payload"), el("pre", {}, d.body)),
  );
}

function threadSkeleton(section) {
  // Built once and then only filled in, so a reply being typed keeps its focus while updates arrive.
  const input = el("input", { id: "reply-text", "aria-label": "reply text", required: true });
  const form = el("form", { id: "reply-form", className: "reply" }, input, el("button", { id: "reply-send", type: "submit" }, "send as handset"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const current = view.conversations.find((x) => x.key === form.dataset.key);
    const text = input.value;
    if (!current || !text) return;
    await post(current.reply.path, { ...current.reply.payload, [current.reply.text_field]: text });
    input.value = "";
  });
  section.replaceChildren(
    el("div", { id: "thread-head", className: "phone-head" }),
    el("div", { id: "thread-messages", className: "messages" }),
    form,
    el("details", { id: "thread-callbacks", open: true }),
  );
}

function renderThread() {
  const section = document.getElementById("thread");
  const c = view.conversations.find((x) => x.key === selected);
  if (!c) {
    section.replaceChildren(el("p", { className: "empty" }, "Pick a conversation."));
    return;
  }
  if (!document.getElementById("reply-form")) threadSkeleton(section);
  const form = document.getElementById("reply-form");
  if (form.dataset.key !== c.key) {
    form.dataset.key = c.key;
    document.getElementById("reply-text").value = "";
    document.getElementById("reply-text").placeholder = `reply as ${c.handset}`;
  }
  document.getElementById("thread-head").replaceChildren(el("strong", {}, c.handset), ` (handset) ⇄ ${c.own} · ${c.provider} · account ${c.account}`);
  document.getElementById("thread-messages").replaceChildren(...c.messages.map(bubble));
  document.getElementById("thread-callbacks").replaceChildren(el("summary", {}, `Callbacks (${c.callbacks.length})`), ...c.callbacks.map(callbackCard));
}

function renderSide() {
  const requests = document.getElementById("requests");
  requests.replaceChildren(...view.requests.slice().reverse().map((r) => {
    const flags = [r.fault && `fault ${r.fault}`, r.magic && `magic ${r.magic}`, r.spec_violation && `SPEC VIOLATION: ${r.spec_violation}`].filter(Boolean);
    const kind = r.spec_violation ? "violation" : r.fault ? "fault" : r.magic ? "magic" : "";
    return el("li", { className: `request ${kind}`, "data-status": r.status ?? "reset" },
      `${time(r.at)} ${r.method} ${r.path} → ${r.status ?? (r.fault ? "connection reset" : "—")} `,
      flags.length ? el("span", { className: "flag" }, flags.join(" · ")) : null);
  }));
  document.getElementById("orphan-callbacks").replaceChildren(...view.callbacks.map(callbackCard));
  const magic = document.getElementById("magic");
  if (!magic.childElementCount) {
    magic.append(el("table", { className: "magic" },
      el("tr", {}, el("th", {}, "send to"), el("th", {}, "and get")),
      view.magic.errors.map((e) => el("tr", { "data-magic": e.case }, el("td", {}, e.number),
        el("td", {}, el("strong", {}, e.case), ["flowroute", "bandwidth", "messagemedia"].map((p) => el("div", {}, `${p}: ${e.providers[p].status} ${e.providers[p].message}`))))),
      view.magic.outcomes.map((o) => el("tr", { "data-magic": o.outcome }, el("td", {}, o.number), el("td", {}, el("strong", {}, o.outcome), el("div", {}, o.description)))),
    ));
  }
}

function renderSettings() {
  const realistic = document.getElementById("realistic");
  // A view sent before the user's own switch was answered must not flip the box back.
  if (!realisticPending) realistic.checked = view.realistic;
  for (const name of ["rate_429", "rate_503"]) {
    const input = document.getElementById(name);
    if (document.activeElement !== input) input.value = view.faults[name];
  }
  const active = Object.entries(view.faults).filter(([k, v]) => k.startsWith("rate_") && v > 0).map(([k, v]) => `${k} ${v}`);
  if (view.queued_faults) active.push(`${view.queued_faults} queued for the next requests`);
  document.getElementById("fault-state").textContent = active.length ? `faults on: ${active.join(" · ")}` : "";
}

function render() {
  if (!view) return;
  if (!selected && view.conversations.length) selected = view.conversations[0].key;
  renderSettings();
  renderConversations();
  renderThread();
  renderSide();
  document.body.dataset.version = view.version;
}

function connect() {
  const live = document.getElementById("live");
  const source = new EventSource("/_sandbox/inbox/events");
  source.addEventListener("view", (event) => {
    const next = JSON.parse(event.data);
    if (view && next.version === view.version && JSON.stringify(next) === JSON.stringify(view)) return;
    view = next;
    render();
  });
  source.onopen = () => { live.dataset.state = "live"; live.textContent = "live"; };
  source.onerror = () => { live.dataset.state = "connecting"; live.textContent = "reconnecting…"; };
}

document.getElementById("realistic").addEventListener("change", (event) => {
  const enabled = event.target.checked;
  realisticPending += 1;
  post("/_sandbox/realistic", { enabled })
    .then(() => { if (view) view.realistic = enabled; })
    .catch(() => {})
    .finally(() => { realisticPending -= 1; render(); });
});
document.getElementById("settings").addEventListener("submit", (event) => {
  event.preventDefault();
  const rates = { ...view.faults };
  for (const name of ["rate_429", "rate_503"]) rates[name] = Number(document.getElementById(name).value);
  post("/_sandbox/faults", { rates });
});
document.getElementById("fail-next").addEventListener("click", () => post("/_sandbox/faults", { next: ["429"] }));
document.getElementById("reset").addEventListener("click", () => { selected = null; post("/_sandbox/reset", {}); });
fetch("/_sandbox/inbox/view").then((r) => r.json()).then((data) => { view = data; render(); });
connect();
