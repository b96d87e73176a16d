// Under every chart: "data" (the plotted values as CSV) and "cite" (the chart's sources and the
// kit's citation as BibTeX). Both are built in the page from the embedded figure: no network.
(function () {
  "use strict";
  var citation = JSON.parse(document.getElementById("kit-citation").textContent);
  var COLUMNS = ["x", "y", "z", "base", "lon", "lat", "locations", "labels", "values", "r", "theta", "text"];

  function isList(value) { return Array.isArray(value) || ArrayBuffer.isView(value); }

  function csvCell(value) {
    if (value === null || value === undefined) { return ""; }
    var text = typeof value === "object" ? JSON.stringify(value) : String(value);
    return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  function plainText(markup) {
    // A <template>'s content is inert: markup parsed there neither runs nor loads anything.
    var holder = document.createElement("template");
    holder.innerHTML = String(markup || "").replace(/<br\s*\/?>/gi, " ");
    return (holder.content.textContent || "").trim();
  }

  function titleOf(gd) {
    var title = gd.layout && gd.layout.title;
    return plainText(title && (title.text !== undefined ? title.text : title));
  }

  function figureCsv(gd) {
    var keys = [];
    gd.data.forEach(function (trace) {
      COLUMNS.forEach(function (key) { if (isList(trace[key]) && keys.indexOf(key) < 0) { keys.push(key); } });
    });
    var lines = [["trace", "type", "shown"].concat(keys).map(csvCell).join(",")];
    gd.data.forEach(function (trace, index) {
      var name = trace.name || "trace " + (index + 1);
      var shown = trace.visible === undefined || trace.visible === true;
      var head = [name, trace.type || "scatter", shown ? "yes" : "no"];
      var z = trace.z;
      if (isList(z) && z.length && isList(z[0])) {  // a grid: one row per cell
        for (var i = 0; i < z.length; i++) {
          for (var j = 0; j < z[i].length; j++) {
            lines.push(head.concat(keys.map(function (key) {
              if (key === "z") { return z[i][j]; }
              if (key === "x") { return trace.x ? trace.x[j] : j; }
              if (key === "y") { return trace.y ? trace.y[i] : i; }
              return "";
            })).map(csvCell).join(","));
          }
        }
        return;
      }
      var length = 0;
      keys.forEach(function (key) { if (isList(trace[key])) { length = Math.max(length, trace[key].length); } });
      for (var row = 0; row < length; row++) {
        lines.push(head.concat(keys.map(function (key) {
          var column = trace[key];
          return isList(column) ? column[row] : "";
        })).map(csvCell).join(","));
      }
    });
    return lines.join("\r\n") + "\r\n";
  }

  function bib(text) { return String(text).replace(/([{}%&$#_\\])/g, "\\$1"); }

  function figureBibtex(gd) {
    var lines = ["% Chart: " + titleOf(gd)];
    ((gd.layout && gd.layout.annotations) || []).forEach(function (note) {
      var text = plainText(note.text);
      if (text.indexOf("Source:") >= 0) { lines.push("% " + text); }
    });
    lines.push("", citation.bibtex);
    var sources = (gd.layout && gd.layout.meta && gd.layout.meta.sources) || [];
    sources.forEach(function (source) {
      var fields = [
        "  author = {{" + bib(source.publisher) + "}}",
        "  title = {{" + bib(source.title) + "}}",
        "  year = {" + bib(String(source.published).slice(0, 4)) + "}",
        "  url = {" + String(source.url).replace(/[{}\s]/g, "") + "}",
        "  note = {Published " + bib(source.published) + (source.accessed ? "; accessed " + bib(source.accessed) : "") + "}"
      ];
      lines.push("@misc{" + String(source.source_id).replace(/[^A-Za-z0-9_:-]/g, "") + ",\n" + fields.join(",\n") + "\n}\n");
    });
    return lines.join("\n");
  }

  function download(link, name, type, text) {
    link.setAttribute("download", name);
    link.setAttribute("href", "data:" + type + ";charset=utf-8," + encodeURIComponent(text));
  }

  function addLinks(gd, number) {
    var bar = document.createElement("div");
    bar.className = "kit-figure-links";
    var stem = "chart-" + number;
    var data = document.createElement("a");
    data.textContent = "data (CSV)";
    data.href = "#";
    data.addEventListener("click", function () { download(data, stem + "-data.csv", "text/csv", figureCsv(gd)); });
    var cite = document.createElement("a");
    cite.textContent = "cite";
    cite.href = "#";
    var panel = document.createElement("pre");
    panel.className = "kit-cite-panel";
    panel.hidden = true;
    var bibFile = document.createElement("a");
    bibFile.textContent = "download .bib";
    bibFile.href = "#";
    bibFile.addEventListener("click", function () {
      download(bibFile, stem + "-citation.bib", "application/x-bibtex", figureBibtex(gd));
    });
    cite.addEventListener("click", function (event) {
      event.preventDefault();
      if (panel.hidden) { panel.textContent = figureBibtex(gd); }
      panel.hidden = !panel.hidden;
    });
    bar.appendChild(data);
    bar.appendChild(cite);
    bar.appendChild(bibFile);
    gd.insertAdjacentElement("afterend", bar);
    bar.insertAdjacentElement("afterend", panel);
  }

  var charts = document.querySelectorAll(".plotly-graph-div");
  for (var n = 0; n < charts.length; n++) { addLinks(charts[n], n + 1); }

  // Printed pages are narrower than the screen: fit each chart to the page, then restore.
  var PRINT_WIDTH_PX = 680;
  window.addEventListener("beforeprint", function () {
    for (var n = 0; n < charts.length; n++) {
      if (charts[n].data) { window.Plotly.relayout(charts[n], { width: PRINT_WIDTH_PX }); }
    }
  });
  window.addEventListener("afterprint", function () {
    for (var n = 0; n < charts.length; n++) {
      if (charts[n].data) { window.Plotly.relayout(charts[n], { width: null, autosize: true }); }
    }
  });
}());
