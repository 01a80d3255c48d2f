// Draws a Chart.js chart from the data table that follows each <figure data-chart>.
// The table stays on the page: the chart is an extra view of it, hidden from screen readers.
// Every category label is shown (never skipped): a horizontal chart wraps long names over a few
// lines and grows with its rows, so it reads at 320px as at 1280px.
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") {
    return;
  }
  var palette = ["#1d70b8", "#f47738", "#00703c", "#4c2c92", "#d4351c", "#505a5f"];
  var maxLines = 3;

  // "Riverside and Old Town North" -> ["Riverside and Old", "Town North"], at most maxLines lines.
  function wrap(text, lineLength) {
    var lines = [];
    var line = "";
    text.split(/\s+/).forEach(function (word) {
      if (line && (line + " " + word).length > lineLength) {
        lines.push(line);
        line = word;
      } else {
        line = line ? line + " " + word : word;
      }
    });
    if (line) {
      lines.push(line);
    }
    if (lines.length > maxLines) {
      lines = lines.slice(0, maxLines);
      lines[maxLines - 1] = lines[maxLines - 1].slice(0, lineLength - 1) + "…";
    }
    return lines;
  }

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
    var horizontal = figure.getAttribute("data-horizontal") === "true";
    var stacked = figure.getAttribute("data-stacked") === "true";
    var narrow = figure.clientWidth < 480;
    var labels = horizontal ? data.labels.map(function (label) { return wrap(label, narrow ? 14 : 26); }) : data.labels;
    if (horizontal) {
      // Room for every wrapped label and its bars, plus the legend and the axis.
      var lines = labels.reduce(function (sum, label) { return sum + label.length; }, 0);
      figure.style.position = "relative";
      figure.style.height = Math.max(labels.length * 34, lines * 18) + 90 + "px";
    }
    var canvas = document.createElement("canvas");
    canvas.setAttribute("role", "presentation");
    figure.appendChild(canvas);
    var money = function (value) {
      return "£" + Number(value).toLocaleString("en-GB", { maximumFractionDigits: 0 });
    };
    // On a phone the value axis says £1.2m rather than £1,200,000, so its ticks fit.
    var shortMoney = function (value) {
      var amount = Number(value);
      if (Math.abs(amount) >= 1000000) {
        return "£" + (amount / 1000000).toLocaleString("en-GB", { maximumFractionDigits: 1 }) + "m";
      }
      if (Math.abs(amount) >= 1000) {
        return "£" + (amount / 1000).toLocaleString("en-GB", { maximumFractionDigits: 0 }) + "k";
      }
      return money(amount);
    };
    var valueAxis = { stacked: stacked, beginAtZero: true, ticks: { callback: narrow ? shortMoney : money, maxRotation: 0 } };
    var categoryAxis = { stacked: stacked, ticks: { autoSkip: false, maxRotation: narrow ? 90 : 0 } };
    new window.Chart(canvas, {
      type: figure.getAttribute("data-chart") || "bar",
      data: {
        labels: labels,
        datasets: data.series.map(function (s, i) {
          return { label: s.label, data: s.data, backgroundColor: palette[i % palette.length] };
        }),
      },
      options: {
        indexAxis: horizontal ? "y" : "x",
        animation: false,
        maintainAspectRatio: !horizontal,
        scales: horizontal ? { x: valueAxis, y: categoryAxis } : { y: valueAxis, x: categoryAxis },
        plugins: { tooltip: { callbacks: { label: function (ctx) { return ctx.dataset.label + ": " + money(ctx.parsed[horizontal ? "x" : "y"]); } } } },
      },
    });
  });
})();
