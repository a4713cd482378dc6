package dev.txlab.scenarios.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.txlab.checker.Html;
import dev.txlab.scenarios.run.RunIndex;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The index page of {@link RunsServer}: every run, newest first, one row each — date, scenario,
 * protocol, host, seed, verdict, each check, anomaly types, key metrics — linking to its report.
 * The rows are written by the server (the page reads without its script); an inline script sorts by
 * any column (click its heading) and filters by text and verdict. No network: one page.
 */
final class RunsPage {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RunsPage() {}

  static String json(List<RunIndex.Entry> runs) {
    List<Map<String, Object>> lines = new ArrayList<>();
    for (RunIndex.Entry e : runs) {
      lines.add(e.line());
    }
    try {
      return JSON.writeValueAsString(lines);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an index line that was read cannot be written", e);
    }
  }

  static String render(Path root, List<RunIndex.Entry> runs) {
    StringBuilder h = new StringBuilder(16 * 1024);
    h.append("<!doctype html><html lang=en><head><meta charset=utf-8><title>txlab · runs</title>")
        .append("<style>")
        .append(
            "body{font:14px/1.45 system-ui,sans-serif;margin:20px auto;max-width:1500px;color:#222;padding:0 12px}")
        .append("h1{font-size:22px;margin:0 0 4px}.muted{color:#666}")
        .append(
            "table{border-collapse:collapse;width:100%}td,th{padding:3px 8px;border-bottom:1px solid #eee;text-align:left;vertical-align:top}")
        .append(
            "th{cursor:pointer;user-select:none;white-space:nowrap;background:#fafafa;position:sticky;top:0}")
        .append(
            "th[aria-sort=ascending]::after{content:' ▲'}th[aria-sort=descending]::after{content:' ▼'}")
        .append(
            ".v{display:inline-block;padding:0 8px;border-radius:9px;color:#fff;font-weight:600;font-size:12px}")
        .append(
            ".valid{background:#009E73}.invalid{background:#D55E00}.unknown{background:#8a7d00}")
        .append(
            "code{font:12px ui-monospace,monospace}.num{text-align:right;font-variant-numeric:tabular-nums}")
        .append(
            ".controls{margin:10px 0}.controls input{width:320px}.small{font-size:12px;color:#444}")
        .append("</style></head><body>");
    h.append("<h1>txlab runs</h1><p class=muted>")
        .append(runs.size())
        .append(runs.size() == 1 ? " run" : " runs")
        .append(" in <code>")
        .append(Html.escape(root.toString()))
        .append(
            "</code>, newest first. Click a heading to sort; type to filter (every column is"
                + " searched).</p>");
    h.append(
        "<div class=controls><label>filter <input id=q type=search placeholder=\"e.g. 2pc, G-single, blocked\"></label>"
            + " <label>verdict <select id=verdict><option value=\"\">any</option><option>valid</option>"
            + "<option>invalid</option><option>unknown</option></select></label>"
            + " <span id=shown class=muted></span></div>");
    h.append("<table id=runs><thead><tr>");
    String[][] cols = {
      {"date", "text"},
      {"scenario", "text"},
      {"protocol", "text"},
      {"host", "text"},
      {"seed", "num"},
      {"verdict", "text"},
      {"checks", "text"},
      {"anomaly types", "text"},
      {"ok / total", "num"},
      {"blocked", "num"},
      {"in doubt max (ms)", "num"},
      {"other metrics", "text"},
      {"report", "text"}
    };
    for (String[] c : cols) {
      h.append("<th data-type=").append(c[1]).append(">").append(c[0]).append("</th>");
    }
    h.append("</tr></thead><tbody>");
    for (RunIndex.Entry e : runs) {
      Map<String, Object> l = e.line();
      String verdict = verdict(l.get("valid"));
      Map<?, ?> metrics = l.get("metrics") instanceof Map<?, ?> m ? m : Map.of();
      Object ok = metrics.containsKey("txns_ok") ? metrics.get("txns_ok") : metrics.get("ops_ok");
      Object total = metrics.containsKey("txns") ? metrics.get("txns") : metrics.get("ops");
      h.append("<tr data-verdict=").append(verdict).append(">");
      cell(h, e.date().replace('T', ' ').replaceAll("\\.[0-9]+Z$", "Z"), null);
      cell(h, e.scenario(), null);
      cell(h, str(l.get("protocol")), null);
      cell(h, str(l.get("host")), null);
      cell(h, str(l.get("seed")), "num");
      h.append("<td><span class=\"v ")
          .append(verdict)
          .append("\">")
          .append(verdict)
          .append("</span>")
          .append(
              Boolean.FALSE.equals(l.get("expectations_met")) ? " <b>expectations not met</b>" : "")
          .append(
              l.containsKey("error")
                  ? " <b>stopped: " + Html.escape(str(l.get("error"))) + "</b>"
                  : "")
          .append("</td>");
      List<String> checks = new ArrayList<>();
      if (l.get("checks") instanceof Map<?, ?> cs) {
        for (Map.Entry<?, ?> c : cs.entrySet()) {
          String v = verdict(c.getValue());
          checks.add(c.getKey() + (v.equals("valid") ? " ✓" : v.equals("invalid") ? " ✗" : " ?"));
        }
      }
      cell(h, String.join(", ", checks), null);
      List<String> types = new ArrayList<>();
      if (l.get("anomaly_types") instanceof List<?> ts) {
        ts.forEach(t -> types.add(String.valueOf(t)));
      }
      cell(h, String.join(", ", types), null);
      h.append("<td class=num data-sort=\"")
          .append(Html.escape(str(ok)))
          .append("\">")
          .append(ok == null ? "" : Html.escape(str(ok) + " / " + str(total)))
          .append("</td>");
      cell(h, str(metrics.get("blocked_txns")), "num");
      Object doubt = metrics.get("in_doubt_ms_max");
      cell(
          h,
          doubt instanceof Number n ? String.format(Locale.ROOT, "%.0f", n.doubleValue()) : "",
          "num");
      List<String> others = new ArrayList<>();
      for (Map.Entry<?, ?> m : metrics.entrySet()) {
        String k = String.valueOf(m.getKey());
        if (!k.matches("(txns|ops)(_ok)?|blocked_txns|in_doubt_ms_max")) {
          others.add(
              k.replace('_', ' ')
                  + " "
                  + (m.getValue() instanceof Number n
                          && n.doubleValue() != Math.rint(n.doubleValue())
                      ? String.format(Locale.ROOT, "%.1f", n.doubleValue())
                      : str(m.getValue())));
        }
      }
      cell(h, String.join(" · ", others), "small");
      h.append("<td><a href=\"runs/")
          .append(Html.escape(e.dir()))
          .append("/report.html\">report</a> · <a href=\"runs/")
          .append(Html.escape(e.dir()))
          .append("/results.json\">results</a></td></tr>");
    }
    h.append("</tbody></table>");
    if (runs.isEmpty()) {
      h.append("<p>No runs yet: <code>txlab run quickstart</code> makes one.</p>");
    }
    h.append("<script>").append(SCRIPT).append("</script></body></html>\n");
    return h.toString();
  }

  private static void cell(StringBuilder h, String text, String cls) {
    h.append(cls == null ? "<td>" : "<td class=" + cls + ">")
        .append(Html.escape(text))
        .append("</td>");
  }

  private static String str(Object o) {
    return o == null ? "" : String.valueOf(o);
  }

  private static String verdict(Object valid) {
    return Boolean.TRUE.equals(valid)
        ? "valid"
        : Boolean.FALSE.equals(valid) ? "invalid" : "unknown";
  }

  /** Sorting by a heading (numbers as numbers) and filtering by text and verdict. */
  private static final String SCRIPT =
      """
      (function(){
        var table=document.getElementById('runs'),body=table.tBodies[0],
            rows=Array.prototype.slice.call(body.rows),q=document.getElementById('q'),
            verdict=document.getElementById('verdict'),shown=document.getElementById('shown');
        function key(row,i,num){var c=row.cells[i],v=c.getAttribute('data-sort');
          if(v===null)v=c.textContent;if(num){var n=parseFloat(v);return isNaN(n)?-Infinity:n;}
          return v.toLowerCase();}
        Array.prototype.forEach.call(table.tHead.rows[0].cells,function(th,i){
          th.addEventListener('click',function(){
            var asc=th.getAttribute('aria-sort')!=='ascending',num=th.getAttribute('data-type')==='num';
            Array.prototype.forEach.call(table.tHead.rows[0].cells,function(o){o.removeAttribute('aria-sort');});
            th.setAttribute('aria-sort',asc?'ascending':'descending');
            rows.sort(function(a,b){var x=key(a,i,num),y=key(b,i,num);return (x<y?-1:x>y?1:0)*(asc?1:-1);});
            rows.forEach(function(r){body.appendChild(r);});});});
        function filter(){var t=q.value.toLowerCase().trim(),v=verdict.value,n=0;
          rows.forEach(function(r){var ok=(!v||r.getAttribute('data-verdict')===v)&&
            (!t||r.textContent.toLowerCase().indexOf(t)>=0);r.style.display=ok?'':'none';if(ok)n++;});
          shown.textContent=n+' of '+rows.length+' shown';}
        q.addEventListener('input',filter);verdict.addEventListener('change',filter);filter();
      })();
      """;
}
