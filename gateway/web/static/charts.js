// Draws every chart a page declares (a JSON data island beside an empty
// element). The numbers are always in a table beside the chart too.
(function () {
  if (!window.echarts) return;
  document.querySelectorAll("script[data-chart]").forEach(function (island) {
    var spec = JSON.parse(island.textContent);
    var element = document.getElementById(island.dataset.chart);
    var chart = echarts.init(element, null, { renderer: "svg" });
    var lines = (spec.lines || []).map(function (line) {
      return { name: line.name, yAxis: line.value, label: { formatter: line.name, position: "insideEndTop" } };
    });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 56, right: 16, top: 56, bottom: 32 },
      xAxis: { type: "category", data: spec.x },
      yAxis: { type: "value", name: spec.unit || "" },
      series: spec.series.map(function (series, index) {
        var out = { name: series.name, type: series.type || "line", data: series.values, connectNulls: false,
                    lineStyle: series.dashed ? { type: "dashed" } : undefined };
        if (index === 0 && lines.length) {
          out.markLine = { symbol: "none", silent: true, lineStyle: { type: "dotted" }, data: lines };
        }
        return out;
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
