"use strict";
// The live state page: polls the overview (keys and latest requests, no secrets) once a second.
const POLL_MS = 1000;

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text; // textContent: names come from API clients and are never markup
  if (className) td.className = className;
  return td;
}

function timeLeft(seconds) {
  const d = Math.floor(seconds / 86400), h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
  if (d) return `${d} d ${h} h`;
  return (h ? `${h} h ` : "") + (h || m ? `${m} min ` : "") + `${s} s`;
}

function stateCell(key) {
  const td = document.createElement("td");
  const badge = document.createElement("span");
  badge.className = `state state-${key.state}`;
  badge.textContent = key.state === "scheduled" ? `scheduled, revoked in ${timeLeft(key.seconds_left)}` : key.state;
  td.appendChild(badge);
  return td;
}

function renderKeys(keys) {
  const body = document.querySelector("#keys tbody");
  const rows = keys.map((key) => {
    const tr = document.createElement("tr");
    tr.dataset.keyId = key.id;
    tr.dataset.state = key.state;
    tr.append(
      stateCell(key),
      cell(key.name),
      cell(key.kind),
      cell(key.shown, "mono"),
      cell(key.id, "mono"),
      cell(key.scope.length ? key.scope.join(", ") : "none"),
    );
    return tr;
  });
  body.replaceChildren(...rows);
  const labels = new Set(keys.map((key) => key.scope_label));
  document.getElementById("scope-label").textContent = labels.size === 1 ? [...labels][0] : "scope";
}

function renderJournal(entries) {
  const body = document.querySelector("#journal tbody");
  body.replaceChildren(
    ...entries.map((entry) => {
      const tr = document.createElement("tr");
      tr.append(cell(entry.at), cell(entry.method), cell(entry.path, "mono"), cell(String(entry.status)));
      return tr;
    }),
  );
}

async function refresh() {
  const status = document.getElementById("status");
  try {
    const response = await fetch("overview", { cache: "no-store" });
    if (!response.ok) throw new Error(`overview answered ${response.status}`);
    const data = await response.json();
    document.getElementById("family").textContent = data.family;
    document.title = `revokit mock: ${data.family} state`;
    document.getElementById("profile").textContent = data.profile;
    document.getElementById("now").textContent = data.now;
    document.getElementById("frozen").hidden = !data.frozen;
    renderKeys(data.keys);
    renderJournal(data.journal);
    status.textContent = `${data.keys.length} keys · updated every second`;
    status.className = "";
  } catch (error) {
    status.textContent = `cannot reach the mock: ${error.message}`;
    status.className = "error";
  }
}

refresh();
setInterval(refresh, POLL_MS);
