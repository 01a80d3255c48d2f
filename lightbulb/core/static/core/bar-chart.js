// Draws each bar chart from the table it names, so a chart and its table always agree.
// A `canvas[data-bar-chart]` names its table's id; each body row gives its label in `data-label`
// and its figure in `data-value` (blank: no bar). With `data-bar-percent` the figures are shares
// (an axis from 0 to 100%), otherwise counts; `data-bar-series` names the figures for a screen reader.
// Horizontal bars with every label wrapped over a few lines, the chart as tall as its rows need, so
// it reads at 320px as at 1280px. Used by the Compact page and a survey's results.
(function () {
  if (!window.Chart) return;
  const wrap = (text, lineLength) => {
    const lines = [];
    let line = "";
    text.split(/\s+/).forEach((word) => {
      if (line && `${line} ${word}`.length > lineLength) {
        lines.push(line);
        line = word;
      } else {
        line = line ? `${line} ${word}` : word;
      }
    });
    if (line) lines.push(line);
    return lines.length > 3 ? [...lines.slice(0, 2), `${lines[2].slice(0, lineLength - 1)}…`] : lines;
  };
  document.querySelectorAll("canvas[data-bar-chart]").forEach((canvas) => {
    const table = document.getElementById(canvas.dataset.barChart);
    if (!table) return;
    const rows = Array.from(table.querySelectorAll("tbody tr"));
    const percent = "barPercent" in canvas.dataset;
    const labels = rows.map((row) => wrap(row.dataset.label || "", canvas.parentElement.clientWidth < 480 ? 16 : 30));
    const lineCount = labels.reduce((sum, label) => sum + label.length, 0);
    // A box of the right height for the chart to fill (set through the DOM, which the CSP allows).
    const box = document.createElement("div");
    box.className = "lb-chart";
    box.style.position = "relative";
    box.style.height = `${Math.max(rows.length * 34, lineCount * 18) + 60}px`;
    canvas.parentElement.insertBefore(box, canvas);
    box.appendChild(canvas);
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels,
        datasets: [
          {
            label: canvas.dataset.barSeries || "",
            data: rows.map((row) => (row.dataset.value === "" || row.dataset.value === undefined ? null : Number(row.dataset.value))),
            backgroundColor: "#1d70b8",
          },
        ],
      },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        scales: {
          x: percent ? { min: 0, max: 100, ticks: { callback: (value) => `${value}%` } } : { beginAtZero: true, ticks: { precision: 0 } },
          y: { ticks: { autoSkip: false } },
        },
        plugins: { legend: { display: false } },
      },
    });
  });
})();
