// The diff report's two forms: a JSON summary, and one self-contained HTML
// page (inline CSS and SVG; no script, no network) a person opens in a
// browser.
#include <algorithm>
#include <cmath>
#include <tuple>
#include <vector>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "aftersales/diff.h"
#include "common/format.h"

namespace aftersales {
namespace {

using internal::FormatMoney;
using ojson = nlohmann::ordered_json;

std::string Html(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

ojson PolicyJson(const PolicyRef& p) { return {{"name", p.name}, {"version", p.version}, {"digest", p.digest}}; }

// A horizontal bar chart as inline SVG: one row per label, one or two bars.
std::string BarChart(const std::vector<std::tuple<std::string, double, double>>& rows, bool pairs,
                     const std::string& legend_a, const std::string& legend_b, const std::string& id) {
  double max = 1;
  for (const auto& [label, a, b] : rows) max = std::max({max, std::fabs(a), std::fabs(b)});
  const int row_h = pairs ? 30 : 20, label_w = 260, bar_w = 420;
  const int height = static_cast<int>(rows.size()) * row_h + 30;
  std::string svg = fmt::format(
      "<svg id=\"{}\" role=\"img\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" xmlns=\"http://www.w3.org/2000/svg\">",
      id, label_w + bar_w + 120, height, label_w + bar_w + 120, height);
  int y = 0;
  for (const auto& [label, a, b] : rows) {
    svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"lbl\">{}</text>", label_w - 8,
                       y + 14, Html(label));
    int wa = static_cast<int>(bar_w * std::fabs(a) / max);
    svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"12\" class=\"a\"/>", label_w, y + 3, wa);
    svg += fmt::format("<text x=\"{}\" y=\"{}\" class=\"num\">{}</text>", label_w + wa + 4, y + 14,
                       fmt::format("{:g}", a));
    if (pairs) {
      int wb = static_cast<int>(bar_w * std::fabs(b) / max);
      svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"12\" class=\"b\"/>", label_w, y + 16, wb);
      svg += fmt::format("<text x=\"{}\" y=\"{}\" class=\"num\">{}</text>", label_w + wb + 4, y + 27,
                         fmt::format("{:g}", b));
    }
    y += row_h;
  }
  if (pairs) {
    svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" class=\"a\"/><text x=\"{}\" y=\"{}\" class=\"lbl\">{}</text>",
                       label_w, y + 8, label_w + 16, y + 18, Html(legend_a));
    svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" class=\"b\"/><text x=\"{}\" y=\"{}\" class=\"lbl\">{}</text>",
                       label_w + 140, y + 8, label_w + 156, y + 18, Html(legend_b));
  }
  return svg + "</svg>";
}

std::string Figure(const std::string& id, const std::string& label, const std::string& value) {
  return fmt::format("<div class=\"fig\"><div class=\"v\" id=\"{}\">{}</div><div class=\"l\">{}</div></div>", id,
                     Html(value), Html(label));
}

}  // namespace

std::string DiffReportToJson(const DiffReport& r, int indent) {
  ojson j;
  j["baseline"] = PolicyJson(r.baseline);
  j["candidate"] = PolicyJson(r.candidate);
  j["cases"] = r.cases;
  j["unreadable"] = r.unreadable;
  j["failed"] = {{"baseline", r.failed_baseline}, {"candidate", r.failed_candidate}};
  j["changed"] = r.changed;
  j["changed_by_field"] = ojson::object();
  for (const auto& [f, n] : r.changed_by_field) j["changed_by_field"][f] = n;
  ojson transitions = ojson::array();
  for (const auto& [k, n] : r.resolution_transitions) {
    transitions.push_back({{"from", k.first}, {"to", k.second}, {"cases", n}});
  }
  j["resolution_transitions"] = transitions;
  j["money"] = {
      {"refund_cents", {{"baseline", r.refund_baseline_cents}, {"candidate", r.refund_candidate_cents},
                        {"difference", r.refund_candidate_cents - r.refund_baseline_cents}}},
      {"merchant_freight_cents",
       {{"baseline", r.merchant_freight_baseline_cents}, {"candidate", r.merchant_freight_candidate_cents},
        {"difference", r.merchant_freight_candidate_cents - r.merchant_freight_baseline_cents}}}};
  ojson rules = ojson::array();
  ojson never = ojson::array();
  for (const RuleHits& h : r.rules) {
    rules.push_back({{"rule", h.rule_id}, {"baseline", h.baseline}, {"candidate", h.candidate},
                     {"in_baseline", h.in_baseline}, {"in_candidate", h.in_candidate}});
    if (h.in_candidate && h.candidate == 0) never.push_back(h.rule_id);
  }
  j["rules"] = rules;
  j["rules_never_fired"] = never;
  ojson top = ojson::array();
  for (const ChangedCase& c : r.top) {
    ojson x;
    x["line"] = c.line;
    x["case_id"] = c.case_id;
    x["fields"] = c.fields;
    x["baseline"] = ojson::parse(c.baseline_json, nullptr, false);
    x["candidate"] = ojson::parse(c.candidate_json, nullptr, false);
    top.push_back(std::move(x));
  }
  j["most_changed"] = top;
  j["errors"] = r.errors;
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string DiffReportToHtml(const DiffReport& r) {
  std::string h;
  h += "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Policy diff: ";
  h += Html(r.baseline.version) + " → " + Html(r.candidate.version) + "</title><style>";
  h += "body{font-family:system-ui,-apple-system,'Segoe UI','Noto Sans CJK SC',sans-serif;margin:24px;color:#222}"
       "h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ddd}"
       ".figs{display:flex;flex-wrap:wrap;gap:12px}.fig{border:1px solid #ddd;border-radius:6px;padding:10px 14px;min-width:150px}"
       ".fig .v{font-size:24px;font-weight:600}.fig .l{color:#666;font-size:13px}"
       "svg .lbl{font-size:12px;fill:#333}svg .num{font-size:11px;fill:#555}svg .a{fill:#8aa4c8}svg .b{fill:#e0894a}"
       "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;padding:4px 8px;vertical-align:top;text-align:left}"
       "pre{white-space:pre-wrap;word-break:break-word;max-width:560px;margin:0;font-size:12px}.muted{color:#777}";
  h += "</style></head><body>";
  h += "<h1>Policy diff</h1><p>Baseline <b>" + Html(r.baseline.name) + " " + Html(r.baseline.version) +
       "</b> <span class=\"muted\">" + Html(r.baseline.digest) + "</span><br>Candidate <b>" +
       Html(r.candidate.name) + " " + Html(r.candidate.version) + "</b> <span class=\"muted\">" +
       Html(r.candidate.digest) + "</span></p>";

  h += "<h2>Summary</h2><div class=\"figs\">";
  h += Figure("cases", "cases", std::to_string(r.cases));
  h += Figure("changed", "decisions changed", std::to_string(r.changed));
  h += Figure("unreadable", "unreadable lines", std::to_string(r.unreadable));
  h += Figure("failed_candidate", "failed under the candidate", std::to_string(r.failed_candidate));
  h += Figure("refund_baseline", "refunds, baseline", FormatMoney(r.refund_baseline_cents));
  h += Figure("refund_candidate", "refunds, candidate", FormatMoney(r.refund_candidate_cents));
  h += Figure("refund_difference", "refunds, difference", FormatMoney(r.refund_candidate_cents - r.refund_baseline_cents));
  h += Figure("freight_difference", "merchant freight, difference",
              FormatMoney(r.merchant_freight_candidate_cents - r.merchant_freight_baseline_cents));
  h += "</div>";

  h += "<h2>What changed, by field</h2>";
  if (r.changed_by_field.empty()) {
    h += "<p>No decision changed.</p>";
  } else {
    std::vector<std::tuple<std::string, double, double>> rows;
    for (const auto& [f, n] : r.changed_by_field) rows.emplace_back(f, static_cast<double>(n), 0.0);
    h += BarChart(rows, false, "", "", "chart-fields");
  }

  h += "<h2>Resolution transitions (baseline → candidate)</h2>";
  if (r.resolution_transitions.empty()) {
    h += "<p>No resolution changed.</p>";
  } else {
    std::vector<std::tuple<std::string, double, double>> rows;
    for (const auto& [k, n] : r.resolution_transitions) {
      rows.emplace_back(k.first + " → " + k.second, static_cast<double>(n), 0.0);
    }
    h += BarChart(rows, false, "", "", "chart-transitions");
  }

  h += "<h2>Money moved</h2>";
  h += BarChart({{"refunds", r.refund_baseline_cents / 100.0, r.refund_candidate_cents / 100.0},
                 {"merchant freight", r.merchant_freight_baseline_cents / 100.0,
                  r.merchant_freight_candidate_cents / 100.0}},
                true, "baseline", "candidate", "chart-money");

  h += "<h2>Rule hits</h2>";
  std::vector<std::tuple<std::string, double, double>> hits;
  std::string never;
  for (const RuleHits& x : r.rules) {
    hits.emplace_back(x.rule_id, static_cast<double>(x.baseline), static_cast<double>(x.candidate));
    if (x.in_candidate && x.candidate == 0) never += (never.empty() ? "" : ", ") + x.rule_id;
  }
  h += BarChart(hits, true, "baseline", "candidate", "chart-rules");
  h += "<p>Rules that never fire under the candidate: <span id=\"never\">" + (never.empty() ? "none" : Html(never)) +
       "</span></p>";

  h += "<h2>The cases that change most</h2>";
  if (r.top.empty()) {
    h += "<p>None.</p>";
  } else {
    h += "<table><tr><th>line</th><th>case</th><th>fields</th><th>baseline</th><th>candidate</th></tr>";
    for (const ChangedCase& c : r.top) {
      std::string fields;
      for (const std::string& f : c.fields) fields += (fields.empty() ? "" : ", ") + f;
      auto pretty = [](const std::string& j) {
        ojson parsed = ojson::parse(j, nullptr, false);
        return parsed.is_discarded() ? j : parsed.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
      };
      h += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td><pre>{}</pre></td><td><pre>{}</pre></td></tr>", c.line,
                       Html(c.case_id), Html(fields), Html(pretty(c.baseline_json)), Html(pretty(c.candidate_json)));
    }
    h += "</table>";
  }
  if (!r.errors.empty()) {
    h += "<h2>Lines with problems (first 20)</h2><ul>";
    for (const std::string& e : r.errors) h += "<li>" + Html(e) + "</li>";
    h += "</ul>";
  }
  h += "</body></html>\n";
  return h;
}

}  // namespace aftersales
