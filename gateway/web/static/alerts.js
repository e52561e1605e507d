// The subscriber page: every action is a call to the public API with the
// subscriber's token (kept in sessionStorage, this tab only).
(function () {
  "use strict";
  var API = "/api/v1";
  var $ = function (id) { return document.getElementById(id); };
  var cursors = { notifications: null, deliveries: null };

  function token() { return sessionStorage.getItem("observatory-token") || ""; }
  function say(text) { $("status").textContent = text; }
  function problem(text) { $("problem").textContent = text || ""; }

  function call(method, path, body) {
    var options = { method: method, headers: { Authorization: "Bearer " + token() } };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(API + path, options).then(function (response) {
      return response.text().then(function (text) {
        var answer = text ? JSON.parse(text) : {};
        if (!response.ok) {
          var fields = answer.details && answer.details.fields ? " " + JSON.stringify(answer.details.fields) : "";
          throw new Error((answer.message || response.statusText) + fields);
        }
        return answer;
      });
    });
  }

  function cell(row, text) { var td = document.createElement("td"); td.textContent = text; row.appendChild(td); return td; }
  function button(label, action) {
    var b = document.createElement("button"); b.type = "button"; b.textContent = label;
    b.addEventListener("click", action); return b;
  }
  function filters(s) {
    var parts = [];
    (s.corridors || []).forEach(function (c) { parts.push(c.source + "→" + c.destination); });
    (s.countries || []).forEach(function (c) { parts.push(c.country + " (" + c.role + ")"); });
    if (s.ldc_destinations) parts.push("LDC destinations");
    if (s.threshold_pct != null) parts.push("threshold " + s.threshold_pct + " %");
    if (s.min_change_pp != null) parts.push("change ≥ " + s.min_change_pp + " pp");
    return parts.join(", ") || "everything";
  }

  function loadSubscriptions() {
    return call("GET", "/subscriptions?limit=200").then(function (answer) {
      var body = $("subscriptions").tBodies[0]; body.textContent = "";
      answer.items.forEach(function (s) {
        var row = body.insertRow(); row.dataset.id = s.id;
        cell(row, s.event_types.join(", ")); cell(row, filters(s));
        cell(row, s.channel.type + (s.channel.url ? " " + s.channel.url : "") + (s.channel.email ? " " + s.channel.email : ""));
        cell(row, s.cadence); cell(row, s.status + (s.disabled_reason ? ": " + s.disabled_reason : ""));
        var actions = cell(row, "");
        if (s.channel.type === "webhook") {
          actions.appendChild(button("Rotate secret", function () {
            call("POST", "/subscriptions/" + s.id + "/rotate-secret").then(showSecret).catch(fail);
          }));
        }
        actions.appendChild(button("Delete", function () {
          call("DELETE", "/subscriptions/" + s.id).then(function () { say("Subscription deleted."); return loadSubscriptions(); }).catch(fail);
        }));
      });
      if (!answer.items.length) { cell(body.insertRow(), "No subscription yet.").colSpan = 6; }
    });
  }

  function loadNotifications(more) {
    var path = "/notifications?limit=20" + (more && cursors.notifications ? "&cursor=" + encodeURIComponent(cursors.notifications) : "");
    return call("GET", path).then(function (answer) {
      var list = $("notifications"); if (!more) list.textContent = "";
      answer.items.forEach(function (n) {
        var item = document.createElement("li"); item.dataset.id = n.id;
        var d = n.data || {};
        var what = d.source ? d.source + "→" + d.destination + " " + (d.period || "") +
          (d.average_total_cost_pct != null ? ": " + d.average_total_cost_pct.toFixed(2) + " %" : "") +
          (d.direction ? " (" + d.direction + " through " + d.threshold_pct + " %)" : "") : (d.name || d.title || d.dataset_id || "");
        item.textContent = n.occurred_at.slice(0, 19).replace("T", " ") + " · " + n.type + " · " + what;
        list.appendChild(item);
      });
      if (!list.children.length) { list.appendChild(document.createElement("li")).textContent = "No notification yet."; }
      cursors.notifications = answer.next_cursor; $("more-notifications").hidden = !answer.next_cursor;
    });
  }

  function loadDeliveries(more) {
    var path = "/deliveries?limit=20" + (more && cursors.deliveries ? "&cursor=" + encodeURIComponent(cursors.deliveries) : "");
    return call("GET", path).then(function (answer) {
      var body = $("deliveries").tBodies[0]; if (!more) body.textContent = "";
      answer.items.forEach(function (d) {
        var row = body.insertRow(); row.dataset.id = d.id;
        var last = d.attempts.length ? d.attempts[d.attempts.length - 1] : null;
        cell(row, d.notification_id); cell(row, d.channel); cell(row, d.status);
        cell(row, String(d.attempts.length)).className = "num";
        cell(row, last ? (last.status_code != null ? "HTTP " + last.status_code : (last.error || "sent")) : "–");
        cell(row, "").appendChild(button("Replay", function () {
          call("POST", "/deliveries/" + d.id + "/replay").then(function () {
            say("Delivery " + d.id + " queued again (same webhook-id)."); return loadDeliveries(false);
          }).catch(fail);
        }));
      });
      cursors.deliveries = answer.next_cursor; $("more-deliveries").hidden = !answer.next_cursor;
    });
  }

  function showSecret(answer) {
    if (answer.secret) { $("secret-value").textContent = answer.secret; $("secret").hidden = false; }
    say("Done."); return loadSubscriptions();
  }

  function fail(error) { problem(error.message); }

  function open() {
    problem("");
    return call("GET", "/me").then(function (me) {
      if (me.role !== "subscriber") throw new Error("this token is a " + me.role + " token, not a subscriber's");
      say("Signed in as subscriber " + me.subject_id + ".");
      $("signed-in").hidden = false;
      return Promise.all([loadSubscriptions(), loadNotifications(false), loadDeliveries(false)]);
    }).catch(function (error) { $("signed-in").hidden = true; fail(error); });
  }

  function list(text) { return text.split(",").map(function (x) { return x.trim().toUpperCase(); }).filter(Boolean); }

  function newSubscription(form) {
    var body = { event_types: [], cadence: form.cadence.value, channel: { type: form.channel.value } };
    form.querySelectorAll("input[name=event_types]:checked").forEach(function (box) { body.event_types.push(box.value); });
    var corridors = list(form.corridors.value).map(function (pair) {
      var p = pair.split("-"); return { source: p[0], destination: p[1] };
    });
    if (corridors.length) body.corridors = corridors;
    var countries = list(form.countries.value).map(function (c) { return { country: c, role: form.role.value }; });
    if (countries.length) body.countries = countries;
    if (form.ldc_destinations.checked) body.ldc_destinations = true;
    if (form.threshold_pct.value) body.threshold_pct = Number(form.threshold_pct.value);
    if (form.min_change_pp.value) body.min_change_pp = Number(form.min_change_pp.value);
    if (body.channel.type === "webhook") body.channel.url = form.address.value.trim();
    if (body.channel.type === "email") body.channel.email = form.address.value.trim();
    return body;
  }

  $("token-form").addEventListener("submit", function (event) {
    event.preventDefault(); sessionStorage.setItem("observatory-token", $("token").value.trim()); open();
  });
  $("forget").addEventListener("click", function () {
    sessionStorage.removeItem("observatory-token"); $("token").value = ""; $("signed-in").hidden = true; say("Token forgotten.");
  });
  $("new-subscription").addEventListener("submit", function (event) {
    event.preventDefault(); problem("");
    call("POST", "/subscriptions", newSubscription(event.target)).then(showSecret).catch(fail);
  });
  $("more-notifications").addEventListener("click", function () { loadNotifications(true).catch(fail); });
  $("more-deliveries").addEventListener("click", function () { loadDeliveries(true).catch(fail); });
  if (token()) { $("token").value = token(); open(); }
})();
