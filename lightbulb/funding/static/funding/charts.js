// Draws a Chart.js chart from the data table that follows each <figure data-chart>.
// The table stays on the page: the chart is an extra view of it, hidden from screen readers.
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") {
    return;
  }
  var palette = ["#1d70b8", "#f47738", "#00703c", "#4c2c92", "#d4351c", "#505a5f"];

  function readTable(table) {
    var headers = Array.prototype.slice.call(table.querySelectorAll("thead th"));
    var series = [];
    headers.forEach(function (th, index) {
      if (index > 0 && !th.hasAttribute("data-chart-skip")) {
        series.push({ index: index, label: th.textContent.trim(), data: [] });
      }
    });
    var labels = [];
    table.querySelectorAll("tbody tr").forEach(function (row) {
      var cells = row.children;
      labels.push(cells[0].textContent.trim());
      series.forEach(function (s) {
        var cell = cells[s.index];
        s.data.push(cell ? parseFloat(cell.getAttribute("data-value") || "0") : 0);
      });
    });
    return { labels: labels, series: series };
  }

  document.querySelectorAll("figure[data-chart]").forEach(function (figure) {
    var table = figure.nextElementSibling;
    if (!table || !table.hasAttribute("data-chart-table")) {
      return;
    }
    var data = readTable(table);
    var canvas = document.createElement("canvas");
    canvas.setAttribute("role", "presentation");
    figure.appendChild(canvas);
    var horizontal = figure.getAttribute("data-horizontal") === "true";
    var stacked = figure.getAttribute("data-stacked") === "true";
    var money = function (value) {
      return "£" + Number(value).toLocaleString("en-GB", { maximumFractionDigits: 0 });
    };
    var valueAxis = { stacked: stacked, ticks: { callback: money } };
    new window.Chart(canvas, {
      type: figure.getAttribute("data-chart") || "bar",
      data: {
        labels: data.labels,
        datasets: data.series.map(function (s, i) {
          return { label: s.label, data: s.data, backgroundColor: palette[i % palette.length] };
        }),
      },
      options: {
        indexAxis: horizontal ? "y" : "x",
        animation: false,
        scales: horizontal ? { x: valueAxis, y: { stacked: stacked } } : { y: valueAxis, x: { stacked: stacked } },
        plugins: { tooltip: { callbacks: { label: function (ctx) { return ctx.dataset.label + ": " + money(ctx.parsed[horizontal ? "x" : "y"]); } } } },
      },
    });
  });
})();
