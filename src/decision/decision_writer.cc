// The one writer of a decision's JSON (decision_writer.h).
#include "decision/decision_writer.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <simdjson.h>

#include "common/format.h"
#include "common/text.h"
#include "common/time.h"

namespace aftersales::internal {
namespace {

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
    out->append(run, static_cast<std::size_t>(p - run));
    AppendEscaped(out, c);
    run = ++p;
  }
  out->append(run, static_cast<std::size_t>(p - run));
}

// True when every byte of a short `s` copies through as it is: printable
// ASCII other than '"' and '\\' (keys, enum words, rule ids, digests).
// Eight bytes at a time.
inline bool IsPlainShort(std::string_view s) {
  if (s.size() > 128) return false;
  const char* p = s.data();
  std::size_t n = s.size();
  for (; n >= 8; n -= 8, p += 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    if ((w & 0x8080808080808080ull) != 0 || NeedsEscape(w)) return false;
  }
  if (n == 0) return true;
  if (s.size() >= 8) {
    // The last eight bytes, some of them checked already.
    std::uint64_t w;
    std::memcpy(&w, s.data() + s.size() - 8, 8);
    return (w & 0x8080808080808080ull) == 0 && !NeedsEscape(w);
  }
  bool plain = true;
  for (; n > 0; --n, ++p) {
    const auto c = static_cast<unsigned char>(*p);
    plain &= c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
  }
  return plain;
}

void AppendString(std::string* out, std::string_view s) {
  if (IsPlainShort(s)) {
    const std::size_t at = out->size();
    out->resize(at + s.size() + 2);
    char* p = out->data() + at;
    *p = '"';
    if (!s.empty()) std::memcpy(p + 1, s.data(), s.size());
    p[s.size() + 1] = '"';
    return;
  }
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
      out->append(run, static_cast<std::size_t>(p - run));
      *out += "\xEF\xBF\xBD";
      run = ++p;
      continue;
    }
    out->append(run, static_cast<std::size_t>(p - run));
    AppendEscaped(out, c);
    run = ++p;
  }
  out->append(run, static_cast<std::size_t>(p - run));
  out->push_back('"');
}

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

}  // namespace

// ---- JsonOut --------------------------------------------------------------

void JsonOut::NewLine() {
  out_->push_back('\n');
  out_->append(depth_ * static_cast<std::size_t>(indent_), ' ');
}

void JsonOut::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (depth_ == 0) return;  // the top-level value
  if (has_items_) out_->push_back(',');
  has_items_ = true;
  if (indent_ >= 0) NewLine();
}

void JsonOut::BeforeKey() {
  if (has_items_) out_->push_back(',');
  has_items_ = true;
  if (indent_ >= 0) NewLine();
}

void JsonOut::AfterKey() {
  if (indent_ >= 0) {
    out_->append(": ");
  } else {
    out_->push_back(':');
  }
  after_key_ = true;
}

void JsonOut::QuotedKey(std::string_view quoted) {
  BeforeKey();
  out_->append(quoted);
  AfterKey();
}

void JsonOut::RawMember(std::string_view member) {
  BeforeKey();
  out_->append(member);
}

void JsonOut::Key(std::string_view key) {
  BeforeKey();
  AppendString(out_, key);
  AfterKey();
}

void JsonOut::Open(char c) {
  BeforeValue();
  out_->push_back(c);
  ++depth_;
  has_items_ = false;
}

void JsonOut::Close(char c) {
  const bool had = has_items_;
  --depth_;
  has_items_ = true;  // the container around it has it as an item
  if (had && indent_ >= 0) NewLine();
  out_->push_back(c);
}

void JsonOut::Scalar(std::string_view text) {
  BeforeValue();
  out_->append(text);
}

void JsonOut::String(std::string_view s) {
  BeforeValue();
  AppendString(out_, s);
}

void JsonOut::Int(std::int64_t v) {
  fmt::format_int n(v);
  Scalar(std::string_view(n.data(), n.size()));
}

void JsonOut::Uint(std::uint64_t v) {
  fmt::format_int n(v);
  Scalar(std::string_view(n.data(), n.size()));
}

// nlohmann's shortest round-trip form (1.0 prints as 1.0, not 1).
void JsonOut::Double(double v) { Scalar(nlohmann::json(v).dump()); }

// ---- DecisionLayout -------------------------------------------------------

struct DecisionLayout::Node {
  std::string key;
  std::string key_json;  // the key quoted and escaped, ready to append
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

// The members of `n`: each field that is set, each group as an object (or
// null when it is nullable and none of its fields is set).
void WriteMembers(JsonOut* w, const LayoutNode& n, const FieldSource& f) {
  for (const LayoutNode& c : n.children) {
    if (c.leaf >= 0 && !f.present(static_cast<std::size_t>(c.leaf))) continue;
    w->QuotedKey(c.key_json);
    if (c.leaf >= 0) {
      f.Write(w, static_cast<std::size_t>(c.leaf));
    } else if (c.nullable && !AnyPresent(c, f)) {
      w->Null();
    } else {
      w->BeginObject();
      WriteMembers(w, c, f);
      w->EndObject();
    }
  }
}

}  // namespace

DecisionLayout::DecisionLayout(const std::vector<std::string>& names, const std::vector<std::string>& nullable_groups)
    : root_(std::make_unique<Node>()) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (!IsOwnKey(names[i])) PathNode(root_.get(), names[i])->leaf = static_cast<int>(i);
  }
  for (const std::string& g : nullable_groups) {
    if (!IsOwnKey(g)) PathNode(root_.get(), g)->nullable = true;
  }
}

DecisionLayout::~DecisionLayout() = default;

// ---- The decision ---------------------------------------------------------

std::string FormatPlace(const SourceLocation& l) { return l.file.empty() ? "" : FormatLocation(l); }

const char* OutcomeName(RuleTrace::Outcome o) {
  switch (o) {
    case RuleTrace::Outcome::kMatched: return "matched";
    case RuleTrace::Outcome::kNotMatched: return "not_matched";
    case RuleTrace::Outcome::kError: return "error";
    case RuleTrace::Outcome::kNotReached: return "not_reached";
  }
  return "?";
}

std::string PolicyPartJson(std::string_view name, std::string_view version, std::string_view digest) {
  std::string out;
  JsonOut w(&out, -1);
  w.Key("policy");
  w.BeginObject();
  w.Member("name", name);
  w.Member("version", version);
  w.Member("digest", digest);
  w.EndObject();
  return out;
}

void WriteDecisionJson(const DecisionParts& d, int indent, std::string* out) {
  JsonOut w(out, indent);
  w.BeginObject();
  w.Member("case_id", d.case_id);
  if (d.errors != nullptr && !d.errors->empty()) {
    w.Key("errors");
    w.BeginArray();
    for (const DecisionError& e : *d.errors) {
      w.BeginObject();
      w.Member("message", e.message);
      if (!e.field.empty()) w.Member("field", e.field);
      if (!e.rule_id.empty()) w.Member("rule", e.rule_id);
      if (!e.location.file.empty()) w.Member("at", FormatPlace(e.location));
      w.EndObject();
    }
    w.EndArray();
  } else {
    if (d.layout != nullptr && d.fields != nullptr) WriteMembers(&w, d.layout->root(), *d.fields);
    w.Key("script");
    w.BeginObject();
    w.Member("locale", d.script_locale);
    w.Member("text", d.script_text);
    w.EndObject();
    w.Key("matched_rules");
    w.BeginArray();
    for (std::string_view id : d.matched_rules) w.String(id);
    w.EndArray();
  }
  if (indent < 0 && !d.policy_json.empty()) {
    w.RawMember(d.policy_json);
  } else {
    w.Key("policy");
    w.BeginObject();
    w.Member("name", d.policy_name);
    w.Member("version", d.policy_version);
    w.Member("digest", d.policy_digest);
    w.EndObject();
  }
  if (d.trace != nullptr) {
    w.Key("trace");
    w.BeginArray();
    for (const RuleTrace& t : *d.trace) {
      w.BeginObject();
      w.Member("stage", t.stage);
      w.Member("rule", t.rule_id);
      w.Member("outcome", OutcomeName(t.outcome));
      if (!t.detail.empty()) w.Member("detail", t.detail);
      w.Member("at", FormatPlace(t.location));
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
}

void WriteJsonValue(JsonOut* w, const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kAbsent:
    case Value::Kind::kNull: w->Null(); return;
    case Value::Kind::kBool: w->Bool(v.bool_value()); return;
    case Value::Kind::kInt: w->Int(v.int_value()); return;
    case Value::Kind::kUint: w->Uint(v.uint_value()); return;
    case Value::Kind::kDouble: w->Double(v.double_value()); return;
    case Value::Kind::kString: w->String(v.string_value()); return;
    case Value::Kind::kTimestamp: w->String(FormatTimestamp(v.timestamp_value())); return;
    case Value::Kind::kDuration: w->String(FormatDuration(v.duration_value())); return;
    case Value::Kind::kList:
      w->BeginArray();
      for (const Value& e : v.list_value()) WriteJsonValue(w, e);
      w->EndArray();
      return;
    case Value::Kind::kMap:
    case Value::Kind::kError: w->String(FormatCelLiteral(v)); return;
  }
}

void WriteJsonValue(JsonOut* w, const FieldValue& v) {
  switch (v.kind) {
    case FieldValue::Kind::kAbsent:
    case FieldValue::Kind::kNull: w->Null(); return;
    case FieldValue::Kind::kBool: w->Bool(v.bool_value); return;
    case FieldValue::Kind::kInt: w->Int(v.int_value); return;
    case FieldValue::Kind::kUint: w->Uint(v.uint_value); return;
    case FieldValue::Kind::kDouble: w->Double(v.double_value); return;
    case FieldValue::Kind::kString: w->String(v.string_value); return;
    case FieldValue::Kind::kList:
      w->BeginArray();
      for (const FieldValue& e : v.items) WriteJsonValue(w, e);
      w->EndArray();
      return;
  }
}

}  // namespace aftersales::internal
