// Dashboard charts: each [data-chart] element names the <script type="application/json"> tag
// (Django's json_script) holding its data; labels are resolved by the server. No inline script.
(function () {
  "use strict";
  if (!window.echarts) { return; }
  var PALETTE = ["#0b4f8a", "#d97706", "#b02a37", "#198754", "#6f42c1", "#0dcaf0", "#6c757d"];

  function barOption(spec) {
    var category = {
      type: "category",
      data: spec.categories,
      axisLabel: { interval: 0, rotate: spec.horizontal ? 0 : 20, width: 110, overflow: "truncate" }
    };
    var value = { type: "value", name: spec.unit, minInterval: 1 };
    return {
      color: PALETTE,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0, type: "scroll" },
      grid: { left: 10, right: 20, top: 40, bottom: 10, containLabel: true },
      xAxis: spec.horizontal ? value : category,
      yAxis: spec.horizontal ? category : value,
      series: spec.series.map(function (s) {
        return { name: s.name, type: "bar", stack: s.stack || undefined, data: s.data, barMaxWidth: 36 };
      })
    };
  }

  function pieOption(spec) {
    var series = spec.series[0];
    return {
      color: ["#198754", "#20c997", "#6c757d", "#d97706", "#b02a37", "#0b4f8a"],
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      legend: { bottom: 0, type: "scroll" },
      series: [{
        name: series.name, type: "pie", radius: ["35%", "62%"], center: ["50%", "45%"],
        label: { formatter: "{b}\n{c}" },
        data: spec.categories.map(function (name, i) {
          var value = series.data[i] || 0;
          // a zero slice keeps its legend entry but draws no label over its neighbours
          return { name: name, value: value, label: { show: value > 0 }, labelLine: { show: value > 0 } };
        })
      }]
    };
  }

  function gaugeOption(spec) {
    var value = spec.series[0].data[0];
    return {
      series: [{
        type: "gauge", min: 0, max: 100, radius: "85%",
        progress: { show: true, width: 14 },
        axisLine: { lineStyle: { width: 14 } },
        axisLabel: { distance: 18 },
        detail: { valueAnimation: false, fontSize: 26, offsetCenter: [0, "65%"],
                  formatter: value === null ? "—" : "{value}%" },
        title: { offsetCenter: [0, "95%"], fontSize: 13 },
        data: [{ value: value === null ? 0 : value, name: spec.categories[0] }]
      }]
    };
  }

  var builders = { bar: barOption, pie: pieOption, gauge: gaugeOption };
  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var source = document.getElementById(el.getAttribute("data-chart"));
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    var build = builders[spec.type];
    if (!build) { return; }
    var chart = window.echarts.init(el);
    chart.setOption(build(spec));
    el.setAttribute("data-rendered", "true");
    charts.push(chart);
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();
