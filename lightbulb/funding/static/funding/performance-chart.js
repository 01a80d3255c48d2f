// Draws the agreement's performance chart from the table that follows it, so the two always agree.
// Horizontal bars (per cent of each target reached, and expected by now) with the condition's name
// wrapped over a few lines, so the chart stays readable on a 320px screen. The table stays on the
// page; the chart is an extra view of it, hidden from screen readers.
(function () {
  "use strict";
  var figure = document.querySelector("figure[data-performance-chart]");
  if (!figure || typeof window.Chart === "undefined") {
    return;
  }
  var table = figure.nextElementSibling;
  if (!table || !table.hasAttribute("data-performance-table")) {
    return;
  }
  var colours = ["#1d70b8", "#b1b4b6"];
  var lineLength = 18;
  var maxLines = 3;

  // "People given a hot meal every week" -> ["People given a hot", "meal every week"], at most maxLines lines.
  function wrap(text) {
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

  var series = [
    { attribute: "data-reached", label: "Reached (% of target)", data: [] },
    { attribute: "data-expected", label: "Expected by now (% of target)", data: [] },
  ];
  var labels = [];
  var lineCount = 0;
  table.querySelectorAll("tbody tr").forEach(function (row) {
    var label = wrap(row.getAttribute("data-label") || row.children[0].textContent.trim());
    labels.push(label);
    lineCount += label.length;
    series.forEach(function (s) {
      var value = row.getAttribute(s.attribute);
      s.data.push(value === "" || value === null ? null : Number(value));
    });
  });

  // Room for every wrapped label and both bars of each condition, plus the legend and the axis.
  figure.style.position = "relative";
  figure.style.height = Math.max(labels.length * 56, lineCount * 18) + 90 + "px";
  var canvas = document.createElement("canvas");
  canvas.setAttribute("role", "presentation");
  figure.appendChild(canvas);
  var percent = function (value) {
    return value + "%";
  };
  new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: labels,
      datasets: series.map(function (s, i) {
        return { label: s.label, data: s.data, backgroundColor: colours[i % colours.length] };
      }),
    },
    options: {
      indexAxis: "y",
      animation: false,
      maintainAspectRatio: false,
      scales: {
        x: { beginAtZero: true, suggestedMax: 100, ticks: { callback: percent } },
        y: { ticks: { autoSkip: false } },
      },
      plugins: {
        legend: { position: "top", align: "start" },
        tooltip: {
          callbacks: {
            title: function (items) {
              return items.length ? labels[items[0].dataIndex].join(" ") : "";
            },
            label: function (ctx) {
              return ctx.dataset.label + ": " + (ctx.parsed.x === null ? "none" : percent(ctx.parsed.x));
            },
          },
        },
      },
    },
  });
})();
