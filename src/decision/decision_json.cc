// The decision's JSON (through the one writer, decision_writer.h) and its
// text (what an agent reads).
#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "aftersales/decision.h"
#include "common/format.h"
#include "decision/decision_writer.h"

namespace aftersales {
namespace {

std::string Text(const FieldValue& v) {
  switch (v.kind) {
    case FieldValue::Kind::kAbsent: return "";
    case FieldValue::Kind::kNull: return "null";
    case FieldValue::Kind::kBool: return v.bool_value ? "true" : "false";
    case FieldValue::Kind::kInt: return v.is_money ? internal::FormatMoney(v.int_value) : std::to_string(v.int_value);
    case FieldValue::Kind::kUint: return std::to_string(v.uint_value);
    case FieldValue::Kind::kDouble: return fmt::format("{}", v.double_value);
    case FieldValue::Kind::kString: return v.string_value;
    case FieldValue::Kind::kList: {
      std::string s;
      for (const FieldValue& e : v.items) s += (s.empty() ? "" : ", ") + Text(e);
      return s.empty() ? "-" : s;
    }
  }
  return "";
}

// Decision::fields as the writer's FieldSource.
class DecisionFields final : public internal::FieldSource {
 public:
  explicit DecisionFields(const Decision& d) : d_(d) {}
  bool present(std::size_t i) const override { return d_.fields[i].second.present(); }
  void Write(internal::JsonOut* out, std::size_t i) const override {
    internal::WriteJsonValue(out, d_.fields[i].second);
  }

 private:
  const Decision& d_;
};

std::string ToJsonImpl(const Decision& d, bool include_trace, int indent) {
  // A Decision may have been built by hand, with any fields: the layout
  // comes from its own names.
  std::vector<std::string> names;
  names.reserve(d.fields.size());
  for (const auto& f : d.fields) names.push_back(f.first);
  const internal::DecisionLayout layout(std::move(names), d.nullable_groups);
  const DecisionFields fields(d);
  internal::DecisionParts parts;
  parts.case_id = d.case_id;
  parts.layout = &layout;
  parts.fields = &fields;
  parts.script_locale = d.script_locale;
  parts.script_text = d.script_text;
  parts.matched_rules.assign(d.matched_rules.begin(), d.matched_rules.end());
  parts.policy_name = d.policy_name;
  parts.policy_version = d.policy_version;
  parts.policy_digest = d.policy_digest;
  parts.errors = &d.errors;
  if (include_trace) parts.trace = &d.trace;
  std::string out;
  internal::WriteDecisionJson(parts, indent, &out);
  return out;
}

std::string ToTextImpl(const Decision& d, bool include_trace) {
  std::string out;
  out += "case " + (d.case_id.empty() ? std::string("(no id)") : d.case_id) + "\n";
  if (!d.ok()) {
    for (const DecisionError& e : d.errors) {
      std::string at = internal::FormatPlace(e.location);
      out += "error: " + (at.empty() ? "" : at + ": ") + e.message + "\n";
    }
  } else {
    for (const auto& [name, v] : d.fields) {
      if (!v.present()) continue;
      out += fmt::format("  {:<32} {}\n", name, Text(v));
    }
    out += "  matched rules: " + (d.matched_rules.empty() ? std::string("-") : "") ;
    for (std::size_t i = 0; i < d.matched_rules.size(); ++i) out += (i ? ", " : "") + d.matched_rules[i];
    out += "\n\n";
    if (!d.script_text.empty()) out += "[" + d.script_locale + "]\n" + d.script_text + "\n";
  }
  if (include_trace) {
    out += "\ntrace:\n";
    std::size_t stage_width = 0, rule_width = 0;
    for (const RuleTrace& t : d.trace) {
      stage_width = std::max(stage_width, t.stage.size());
      rule_width = std::max(rule_width, t.rule_id.size());
    }
    for (const RuleTrace& t : d.trace) {
      std::string line = fmt::format("  {:<{}}  {:<{}}  {:<11}  {}", t.stage, stage_width, t.rule_id, rule_width,
                                     internal::OutcomeName(t.outcome), t.detail);
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line + "\n";
    }
  }
  out += "policy " + d.policy_name + " " + d.policy_version + " " + d.policy_digest;
  return out;
}

}  // namespace

const FieldValue* Decision::Find(std::string_view path) const {
  for (const auto& [name, v] : fields) {
    if (name == path) return &v;
  }
  return nullptr;
}

// Public functions do not throw: out of memory gives an empty string (which
// needs no allocation).
std::string DecisionToJson(const Decision& d, bool include_trace, int indent) {
  try {
    return ToJsonImpl(d, include_trace, indent);
  } catch (...) {
    return std::string();
  }
}

std::string DecisionToText(const Decision& d, bool include_trace) {
  try {
    return ToTextImpl(d, include_trace);
  } catch (...) {
    return std::string();
  }
}

}  // namespace aftersales
