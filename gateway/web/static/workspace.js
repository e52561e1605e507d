// The member workspace: every action is a call to the public API with the
// member token (kept in sessionStorage, this tab only).
(function () {
  "use strict";
  var API = "/api/v1";
  var $ = function (id) { return document.getElementById(id); };
  var current = null;

  function token() { return sessionStorage.getItem("observatory-member-token") || ""; }
  function say(text) { $("status").textContent = text; }
  function problem(text) { $("problem").textContent = text || ""; }
  function call(method, path, body) {
    var options = { method: method, headers: { Authorization: "Bearer " + token() } };
    if (body !== undefined) { options.headers["Content-Type"] = "application/json"; options.body = JSON.stringify(body); }
    return fetch(API + path, options).then(function (response) {
      return response.text().then(function (text) {
        var answer = text ? JSON.parse(text) : {};
        if (!response.ok) { throw new Error(answer.message || response.statusText); }
        return answer;
      });
    });
  }
  function item(list, text, href) {
    var li = document.createElement("li");
    if (href) { var a = document.createElement("a"); a.href = href; a.textContent = text; li.appendChild(a); }
    else { li.textContent = text; }
    list.appendChild(li);
  }
  function row(table, cells) {
    var tr = document.createElement("tr");
    cells.forEach(function (c) { var td = document.createElement("td"); td.textContent = c; tr.appendChild(td); });
    $(table).querySelector("tbody").appendChild(tr);
    return tr;
  }
  function clear(id) { var el = $(id); var body = el.querySelector("tbody") || el; body.textContent = ""; }
  function show(w) {
    current = w;
    ["corridor-sets", "requests", "alerts", "plan", "exports", "audit"].forEach(clear);
    w.corridor_sets.forEach(function (s) { item($("corridor-sets"), s.name + ": " + s.corridors.join(", ")); });
    $("watched-corridors").textContent = w.watched_corridors.join(", ") || "none";
    $("watched-countries").textContent = w.watched_countries.join(", ") || "none";
    $("watched-themes").textContent = w.watched_themes.join(", ") || "none";
    ((w.plan && w.plan.progress.targets) || []).forEach(function (t) {
      var tr = row("plan", [t.year, t.cost_pct.toFixed(2) + " %",
        t.observed_pct === null ? "–" : t.observed_pct.toFixed(2) + " % (" + t.observed_period + ")",
        t.status.replace("_", " ")]);
      tr.className = "status-" + t.status;
    });
    (w.requests || []).forEach(function (r) { item($("requests"), r.title + " (" + r.status + ")", "/requests/" + r.id); });
    (w.notifications || []).forEach(function (n) { item($("alerts"), n.type + " · " + n.occurred_at); });
    (w.scheduled_exports || []).forEach(function (e) {
      row("exports", [e.name, e.content.dataflow + " " + (e.content.format || "csv") +
        (e.content.corridor_set ? " (" + e.content.corridor_set + ")" : ""), e.channel.type, e.cadence,
        e.last_run ? e.last_run.status + " " + e.last_run.at : "not yet"]);
    });
    (w.audit || []).slice().reverse().forEach(function (a) {
      row("audit", [a.at, a.by, a.action + (a.export_id ? " export " + a.export_id : ""), (a.fields || []).join(", ")]);
    });
    $("signed-in").hidden = false;
    say("Signed in as " + w.member_id + ".");
  }
  function load() {
    problem("");
    return call("GET", "/workspace").then(show).catch(function (e) { $("signed-in").hidden = true; problem(e.message); });
  }
  $("token-form").addEventListener("submit", function (event) {
    event.preventDefault();
    sessionStorage.setItem("observatory-member-token", $("token").value.trim());
    $("token").value = "";
    load();
  });
  $("forget").addEventListener("click", function () {
    sessionStorage.removeItem("observatory-member-token"); $("signed-in").hidden = true; say("Token forgotten.");
  });
  $("new-set").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target;
    var corridors = form.corridors.value.split(",").map(function (c) { return c.trim().toUpperCase(); }).filter(Boolean);
    var sets = current.corridor_sets.concat([{ name: form.name.value.trim(), corridors: corridors }]);
    call("PUT", "/workspace", { corridor_sets: sets, watched_corridors: current.watched_corridors,
      watched_countries: current.watched_countries, watched_themes: current.watched_themes })
      .then(function (w) { form.reset(); show(w); say("Corridor set saved."); })
      .catch(function (e) { problem(e.message); });
  });
  if (token()) { load(); }
}());
