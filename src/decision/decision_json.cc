// The decision's JSON (the vocabulary's form) and text (what an agent reads).
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <simdjson.h>

#include "aftersales/decision.h"
#include "common/format.h"
#include "common/text.h"
#include "common/time.h"
#include "common/value.h"
#include "decision/compact_json.h"

namespace aftersales {
namespace {

using ojson = nlohmann::ordered_json;

// The keys a decision's JSON has of its own. A policy field whose first
// part is one of them would print a second key of that name (or overwrite
// the first), so it is left out of the JSON; the loader should refuse such
// names.
bool IsOwnKey(std::string_view path) {
  std::string_view head = path.substr(0, path.find('.'));
  for (std::string_view own : {"case_id", "script", "matched_rules", "policy", "errors", "trace"}) {
    if (head == own) return true;
  }
  return false;
}

ojson ToJson(const FieldValue& v) {
  switch (v.kind) {
    case FieldValue::Kind::kAbsent:
    case FieldValue::Kind::kNull: return nullptr;
    case FieldValue::Kind::kBool: return v.bool_value;
    case FieldValue::Kind::kInt: return v.int_value;
    case FieldValue::Kind::kUint: return v.uint_value;
    case FieldValue::Kind::kDouble: return v.double_value;
    case FieldValue::Kind::kString: return v.string_value;
    case FieldValue::Kind::kList: {
      ojson a = ojson::array();
      for (const FieldValue& e : v.items) a.push_back(ToJson(e));
      return a;
    }
  }
  return nullptr;
}

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

std::string Where(const SourceLocation& l) { return l.file.empty() ? "" : internal::FormatLocation(l); }

const char* OutcomeName(RuleTrace::Outcome o) {
  switch (o) {
    case RuleTrace::Outcome::kMatched: return "matched";
    case RuleTrace::Outcome::kNotMatched: return "not_matched";
    case RuleTrace::Outcome::kError: return "error";
    case RuleTrace::Outcome::kNotReached: return "not_reached";
  }
  return "?";
}

ojson TraceJson(const Decision& d) {
  ojson a = ojson::array();
  for (const RuleTrace& t : d.trace) {
    ojson e;
    e["stage"] = t.stage;
    e["rule"] = t.rule_id;
    e["outcome"] = OutcomeName(t.outcome);
    if (!t.detail.empty()) e["detail"] = t.detail;
    e["at"] = Where(t.location);
    a.push_back(std::move(e));
  }
  return a;
}

// The object at a dotted path's parent, created on the way.
ojson& Parent(ojson& root, const std::string& path, std::string* leaf) {
  ojson* cur = &root;
  std::size_t start = 0;
  for (std::size_t dot = path.find('.'); dot != std::string::npos; dot = path.find('.', start)) {
    std::string part = path.substr(start, dot - start);
    ojson& next = (*cur)[part];
    if (!next.is_object()) next = ojson::object();
    cur = &next;
    start = dot + 1;
  }
  *leaf = path.substr(start);
  return *cur;
}

}  // namespace

const FieldValue* Decision::Find(std::string_view path) const {
  for (const auto& [name, v] : fields) {
    if (name == path) return &v;
  }
  return nullptr;
}

namespace {

// A fast writer for the common one-line form, used by batch runs: the
// decision's fields nest by their dotted names, in declaration order.
void AppendEscaped(std::string* out, unsigned char c) {
  switch (c) {
    case '"': *out += "\\\""; break;
    case '\\': *out += "\\\\"; break;
    case '\n': *out += "\\n"; break;
    case '\r': *out += "\\r"; break;
    case '\t': *out += "\\t"; break;
    case '\b': *out += "\\b"; break;
    case '\f': *out += "\\f"; break;
    default: *out += fmt::format("\\u{:04x}", c);
  }
}

// True when one of the 8 bytes in `w` is a control character, '"' or '\\'
// (the bytes JSON must escape), by the usual bit tricks on a word.
inline bool NeedsEscape(std::uint64_t w) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ull, kHighs = 0x8080808080808080ull;
  auto has_zero = [&](std::uint64_t x) { return (x - kOnes) & ~x & kHighs; };
  std::uint64_t below_space = (w - kOnes * 0x20) & ~w & kHighs;
  return (below_space | has_zero(w ^ (kOnes * '"')) | has_zero(w ^ (kOnes * '\\'))) != 0;
}

// True when `s` is all ASCII (so valid UTF-8): the usual field value, checked
// without a call.
inline bool IsAscii(std::string_view s) {
  std::uint64_t high = 0;
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    high |= w;
  }
  for (; i < s.size(); ++i) high |= static_cast<unsigned char>(s[i]);
  return (high & 0x8080808080808080ull) == 0;
}

// Text known to be valid UTF-8: copied in runs, escaping only what JSON needs.
void AppendValidString(std::string* out, std::string_view s) {
  const char* p = s.data();
  const char* const end = p + s.size();
  const char* run = p;
  while (p < end) {
#if defined(__SSE2__)
    // 16 bytes at a time: any control character, '"' or '\\' among them?
    if (end - p >= 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      const __m128i control = _mm_cmplt_epi8(_mm_xor_si128(v, _mm_set1_epi8(static_cast<char>(0x80))),
                                             _mm_set1_epi8(static_cast<char>(0x80 + 0x20)));
      const __m128i special = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
      if (_mm_movemask_epi8(_mm_or_si128(control, special)) == 0) {
        p += 16;
        continue;
      }
    }
#endif
    if (end - p >= 8) {
      std::uint64_t w;
      std::memcpy(&w, p, 8);
      if (!NeedsEscape(w)) {
        p += 8;
        continue;
      }
    }
    unsigned char c = static_cast<unsigned char>(*p);
    if (c >= 0x20 && c != '"' && c != '\\') {
      ++p;
      continue;
    }
    out->append(run, p);
    AppendEscaped(out, c);
    run = ++p;
  }
  out->append(run, p);
}

void AppendString(std::string* out, std::string_view s) {
  out->reserve(out->size() + s.size() + 2);
  out->push_back('"');
  if (IsAscii(s) || simdjson::validate_utf8(s.data(), s.size())) {
    AppendValidString(out, s);
    out->push_back('"');
    return;
  }
  const char* p = s.data();
  const char* const end = p + s.size();
  const char* run = p;  // start of the bytes that copy through unchanged
  while (p < end) {
    unsigned char c = static_cast<unsigned char>(*p);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      ++p;
      continue;
    }
    if (c >= 0x80) {
      // A well-formed UTF-8 sequence copies through; anything else (a cut or
      // overlong sequence, a surrogate, past U+10FFFF) becomes U+FFFD.
      std::size_t n = internal::Utf8SequenceLength(std::string_view(p, static_cast<std::size_t>(end - p)), 0);
      if (n > 0) {
        p += n;
        continue;
      }
      out->append(run, p);
      *out += "\xEF\xBF\xBD";
      run = ++p;
      continue;
    }
    out->append(run, p);
    AppendEscaped(out, c);
    run = ++p;
  }
  out->append(run, p);
  out->push_back('"');
}

void AppendValue(std::string* out, const FieldValue& v) {
  switch (v.kind) {
    case FieldValue::Kind::kAbsent:
    case FieldValue::Kind::kNull: *out += "null"; return;
    case FieldValue::Kind::kBool: *out += v.bool_value ? "true" : "false"; return;
    case FieldValue::Kind::kInt: {
      fmt::format_int n(v.int_value);
      out->append(n.data(), n.size());
      return;
    }
    case FieldValue::Kind::kUint: {
      fmt::format_int n(v.uint_value);
      out->append(n.data(), n.size());
      return;
    }
    case FieldValue::Kind::kDouble: *out += ojson(v.double_value).dump(); return;
    case FieldValue::Kind::kString: AppendString(out, v.string_value); return;
    case FieldValue::Kind::kList:
      out->push_back('[');
      for (std::size_t i = 0; i < v.items.size(); ++i) {
        if (i) out->push_back(',');
        AppendValue(out, v.items[i]);
      }
      out->push_back(']');
      return;
  }
}

// Decision::fields as a FieldSource.
class DecisionFields final : public internal::FieldSource {
 public:
  explicit DecisionFields(const Decision& d) : d_(d) {}
  bool present(std::size_t i) const override { return d_.fields[i].second.present(); }
  void Append(std::string* out, std::size_t i) const override { AppendValue(out, d_.fields[i].second); }

 private:
  const Decision& d_;
};

bool SameNames(const internal::DecisionLayout& layout, const Decision& d) {
  if (layout.names().size() != d.fields.size() || layout.nullable_groups() != d.nullable_groups) return false;
  for (std::size_t i = 0; i < d.fields.size(); ++i) {
    if (layout.names()[i] != d.fields[i].first) return false;
  }
  return true;
}

std::string CompactJson(const Decision& d) {
  // Decisions of one policy all have the same fields in the same order: the
  // layout is worked out once per thread and reused while the names match.
  thread_local std::unique_ptr<internal::DecisionLayout> layout;
  if (!layout || !SameNames(*layout, d)) {
    std::vector<std::string> names;
    names.reserve(d.fields.size());
    for (const auto& f : d.fields) names.push_back(f.first);
    layout = std::make_unique<internal::DecisionLayout>(std::move(names), d.nullable_groups);
  }
  internal::CompactParts parts;
  parts.case_id = d.case_id;
  parts.script_locale = d.script_locale;
  parts.script_text = d.script_text;
  parts.matched_rules.assign(d.matched_rules.begin(), d.matched_rules.end());
  parts.policy_name = d.policy_name;
  parts.policy_version = d.policy_version;
  parts.policy_digest = d.policy_digest;
  std::string out;
  internal::AppendCompactDecision(&out, *layout, DecisionFields(d), parts);
  return out;
}

}  // namespace

namespace {

std::string ToJsonImpl(const Decision& d, bool include_trace, int indent) {
  if (indent < 0 && !include_trace && d.ok()) return CompactJson(d);
  ojson j;
  j["case_id"] = d.case_id;
  if (!d.ok()) {
    ojson errors = ojson::array();
    for (const DecisionError& e : d.errors) {
      ojson x;
      x["message"] = e.message;
      if (!e.field.empty()) x["field"] = e.field;
      if (!e.rule_id.empty()) x["rule"] = e.rule_id;
      if (!e.location.file.empty()) x["at"] = Where(e.location);
      errors.push_back(std::move(x));
    }
    j["errors"] = std::move(errors);
  } else {
    for (const auto& [name, v] : d.fields) {
      if (IsOwnKey(name)) continue;
      std::string leaf;
      ojson& parent = Parent(j, name, &leaf);
      if (v.present()) parent[leaf] = ToJson(v);
    }
    for (const std::string& g : d.nullable_groups) {
      if (IsOwnKey(g)) continue;
      std::string leaf;
      ojson& parent = Parent(j, g, &leaf);
      auto it = parent.find(leaf);
      if (it == parent.end() || (it->is_object() && it->empty())) parent[leaf] = nullptr;
    }
    j["script"] = {{"locale", d.script_locale}, {"text", d.script_text}};
    j["matched_rules"] = d.matched_rules;
  }
  j["policy"] = {{"name", d.policy_name}, {"version", d.policy_version}, {"digest", d.policy_digest}};
  if (include_trace) j["trace"] = TraceJson(d);
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string ToTextImpl(const Decision& d, bool include_trace) {
  std::string out;
  out += "case " + (d.case_id.empty() ? std::string("(no id)") : d.case_id) + "\n";
  if (!d.ok()) {
    for (const DecisionError& e : d.errors) {
      std::string at = Where(e.location);
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
                                     OutcomeName(t.outcome), t.detail);
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line + "\n";
    }
  }
  out += "policy " + d.policy_name + " " + d.policy_version + " " + d.policy_digest;
  return out;
}

}  // namespace

namespace internal {

struct DecisionLayout::Node {
  std::string key;
  std::string key_json;  // "key": as JSON, ready to append
  int leaf = -1;         // index into the names, or -1 for a group
  std::vector<Node> children;
  bool nullable = false;
};

namespace {

using LayoutNode = DecisionLayout::Node;

LayoutNode* ChildNode(LayoutNode* parent, std::string_view key) {
  for (LayoutNode& c : parent->children) {
    if (c.key == key) return &c;
  }
  LayoutNode n;
  n.key = std::string(key);
  AppendString(&n.key_json, key);
  n.key_json.push_back(':');
  parent->children.push_back(std::move(n));
  return &parent->children.back();
}

LayoutNode* PathNode(LayoutNode* root, std::string_view path) {
  LayoutNode* cur = root;
  std::size_t start = 0;
  for (std::size_t dot = path.find('.'); dot != std::string_view::npos; dot = path.find('.', start)) {
    cur = ChildNode(cur, path.substr(start, dot - start));
    start = dot + 1;
  }
  return ChildNode(cur, path.substr(start));
}

bool AnyPresent(const LayoutNode& n, const FieldSource& f) {
  if (n.leaf >= 0) return f.present(static_cast<std::size_t>(n.leaf));
  for (const LayoutNode& c : n.children) {
    if (AnyPresent(c, f)) return true;
  }
  return false;
}

// Appends the members of `n` (without braces); false when there were none.
bool AppendMembers(std::string* out, const LayoutNode& n, const FieldSource& f) {
  bool first = true;
  for (const LayoutNode& c : n.children) {
    if (c.leaf >= 0 && !f.present(static_cast<std::size_t>(c.leaf))) continue;
    if (!first) out->push_back(',');
    first = false;
    *out += c.key_json;
    if (c.leaf >= 0) {
      f.Append(out, static_cast<std::size_t>(c.leaf));
    } else if (c.nullable && !AnyPresent(c, f)) {
      *out += "null";
    } else {
      out->push_back('{');
      AppendMembers(out, c, f);
      out->push_back('}');
    }
  }
  return !first;
}

}  // namespace

DecisionLayout::DecisionLayout(std::vector<std::string> names, std::vector<std::string> nullable_groups)
    : names_(std::move(names)), groups_(std::move(nullable_groups)), root_(std::make_unique<Node>()) {
  for (std::size_t i = 0; i < names_.size(); ++i) {
    if (!IsOwnKey(names_[i])) PathNode(root_.get(), names_[i])->leaf = static_cast<int>(i);
  }
  for (const std::string& g : groups_) {
    if (!IsOwnKey(g)) PathNode(root_.get(), g)->nullable = true;
  }
}

DecisionLayout::~DecisionLayout() = default;

void AppendCompactDecision(std::string* out, const DecisionLayout& layout, const FieldSource& fields,
                           const CompactParts& parts) {
  out->reserve(out->size() + 2048);
  *out += "{\"case_id\":";
  AppendString(out, parts.case_id);
  out->push_back(',');
  if (!AppendMembers(out, layout.root(), fields)) out->pop_back();
  *out += ",\"script\":{\"locale\":";
  AppendString(out, parts.script_locale);
  *out += ",\"text\":";
  AppendString(out, parts.script_text);
  *out += "},\"matched_rules\":[";
  for (std::size_t i = 0; i < parts.matched_rules.size(); ++i) {
    if (i) out->push_back(',');
    AppendString(out, parts.matched_rules[i]);
  }
  *out += "],\"policy\":{\"name\":";
  AppendString(out, parts.policy_name);
  *out += ",\"version\":";
  AppendString(out, parts.policy_version);
  *out += ",\"digest\":";
  AppendString(out, parts.policy_digest);
  *out += "}}";
}

void AppendJsonString(std::string* out, std::string_view s) { AppendString(out, s); }

void AppendJsonValue(std::string* out, const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kAbsent:
    case Value::Kind::kNull: *out += "null"; return;
    case Value::Kind::kBool: *out += v.bool_value() ? "true" : "false"; return;
    case Value::Kind::kInt: {
      fmt::format_int n(v.int_value());
      out->append(n.data(), n.size());
      return;
    }
    case Value::Kind::kUint: {
      fmt::format_int n(v.uint_value());
      out->append(n.data(), n.size());
      return;
    }
    case Value::Kind::kDouble: *out += ojson(v.double_value()).dump(); return;
    case Value::Kind::kString: AppendString(out, v.string_value()); return;
    case Value::Kind::kTimestamp: AppendString(out, FormatTimestamp(v.timestamp_value())); return;
    case Value::Kind::kDuration: AppendString(out, FormatDuration(v.duration_value())); return;
    case Value::Kind::kList: {
      out->push_back('[');
      bool first = true;
      for (const Value& e : v.list_value()) {
        if (!first) out->push_back(',');
        first = false;
        AppendJsonValue(out, e);
      }
      out->push_back(']');
      return;
    }
    case Value::Kind::kMap:
    case Value::Kind::kError: AppendString(out, FormatCelLiteral(v)); return;
  }
}

}  // namespace internal

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
