// Draws each survey question's chart from the table beside it, so the chart and its table always agree.
// Horizontal bars, every answer's label wrapped over a few lines, the chart as tall as its rows need,
// so it reads at 320px as at 1280px.
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
  document.querySelectorAll("canvas[data-survey-chart]").forEach((canvas) => {
    const table = document.getElementById(canvas.dataset.surveyChart);
    if (!table) return;
    const rows = Array.from(table.querySelectorAll("tbody tr"));
    const lineLength = canvas.parentElement.clientWidth < 480 ? 16 : 28;
    const labels = rows.map((row) => wrap(row.dataset.label || "", lineLength));
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
        datasets: [{ label: "Organisations", data: rows.map((row) => Number(row.dataset.count)), backgroundColor: "#1d70b8" }],
      },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } }, y: { ticks: { autoSkip: false } } },
        plugins: { legend: { display: false } },
      },
    });
  });
})();
