// The what-if page: asks /api/v1/whatif and shows the answer with every input.
(function () {
  var form = document.getElementById("whatif-form");
  var rows = ["country", "corridor", "cost_pct", "cost_period", "cost_series", "cost_source", "inflows_usd_millions",
              "inflows_year", "inflows_source", "target_pct", "savings_usd_millions", "reason"];
  function show(answer) {
    var body = document.querySelector("#whatif-inputs tbody");
    body.textContent = "";
    rows.forEach(function (key) {
      var tr = document.createElement("tr"), th = document.createElement("th"), td = document.createElement("td");
      th.textContent = key.replace(/_/g, " "); th.scope = "row";
      var value = answer[key];
      td.textContent = value === null || value === undefined ? "–" : String(value);
      td.dataset.field = key;
      if (value !== null && value !== undefined) td.dataset.value = value;
      tr.appendChild(th); tr.appendChild(td); body.appendChild(tr);
    });
    var savings = document.getElementById("whatif-savings");
    savings.textContent = answer.savings_usd_millions === null ? "–" : answer.savings_usd_millions.toFixed(1);
    if (answer.savings_usd_millions !== null) savings.dataset.value = answer.savings_usd_millions;
    document.getElementById("whatif-assumption").textContent = "Assumption: " + answer.assumption;
  }
  function run(event) {
    if (event) event.preventDefault();
    var country = document.getElementById("whatif-country").value;
    var source = document.getElementById("whatif-source").value.trim().toUpperCase();
    var params = new URLSearchParams({ target_pct: document.getElementById("whatif-target").value || "3" });
    if (source) params.set("corridor", source + "-" + country); else params.set("country", country);
    var error = document.getElementById("whatif-error");
    error.textContent = "";
    fetch("/api/v1/whatif?" + params.toString()).then(function (r) {
      return r.json().then(function (body) { if (!r.ok) throw new Error(body.message || r.status); return body; });
    }).then(show).catch(function (e) { error.textContent = String(e.message || e); });
  }
  form.addEventListener("submit", run);
  document.body.dataset.whatifReady = "1";
  run();
})();
