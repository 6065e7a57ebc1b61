#include "decision/fact_value.h"

#include <cmath>
#include <string>
#include <utility>

#include "common/time.h"

namespace aftersales::internal {
namespace {

using TK = Type::Kind;
using VK = CaseValue::Kind;
using fact_value_detail::IsNumber;

// A value quoted in an error message: at most 60 bytes of it (cut on a
// character boundary), so that a megabyte of bad text is not echoed back;
// nor a NUL, which would end the message early for a C caller.
std::string Shown(std::string_view s) {
  std::string out;
  if (s.size() <= 60) {
    out = std::string(s);
  } else {
    std::size_t cut = 57;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    out = std::string(s.substr(0, cut)) + "...";
  }
  for (std::size_t i = out.find('\0'); i != std::string::npos; i = out.find('\0', i)) out.replace(i, 1, "\\0");
  return out;
}

// A JSON token as written, without the separators after it.
std::string Trimmed(std::string_view raw) {
  while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\n' || raw.back() == '\r' || raw.back() == '\t' ||
                          raw.back() == ',' || raw.back() == '}' || raw.back() == ']')) {
    raw.remove_suffix(1);
  }
  return Shown(raw);
}

// The type a value must have, as messages name it: money is an int of minor units.
std::string Expected(const FieldDecl& decl, const Type& t) {
  if (decl.money && t.kind() == TK::kInt) return "money (integer minor units)";
  return t.ToString();
}

bool Whole(std::string_view raw) { return raw.find_first_of(".eE") == std::string_view::npos; }

// What was given instead, as its source shows it.
std::string Got(const CaseValue& v) {
  switch (v.source) {
    case FactSource::kJson:
      switch (v.kind) {
        case VK::kList: return "list";
        case VK::kMap: return "object";
        case VK::kText: case VK::kPlain: case VK::kTimestamp: case VK::kDuration: return "string " + Trimmed(v.raw);
        case VK::kBool: return "bool " + Trimmed(v.raw);
        case VK::kNull: return "null " + Trimmed(v.raw);
        case VK::kInt: case VK::kUint: case VK::kBigInt: case VK::kFloat:
          return (Whole(v.raw) ? "integer " : "the number ") + Trimmed(v.raw);
      }
      break;
    case FactSource::kYaml:
      switch (v.kind) {
        case VK::kList: return "a list";
        case VK::kMap: return "a map";
        case VK::kNull: return "null";
        default: return "'" + Shown(v.text) + "'";
      }
    case FactSource::kBuilder:
      switch (v.kind) {
        case VK::kText: case VK::kPlain: return "a string";
        case VK::kInt: return "an int";
        case VK::kUint: case VK::kBigInt: return "a uint";
        case VK::kFloat: return "a double";
        case VK::kBool: return "a bool";
        case VK::kTimestamp: return "a timestamp";
        case VK::kDuration: return "a duration";
        case VK::kList: return "a list";
        case VK::kMap: return "a map";
        case VK::kNull: return "null";
      }
      break;
  }
  return "a value";
}

// The kind alone, for the locale fact, which takes any text.
std::string GotKind(const CaseValue& v) {
  if (v.source != FactSource::kJson) return Got(v);
  switch (v.kind) {
    case VK::kList: return "list";
    case VK::kMap: return "object";
    case VK::kBool: return "bool";
    case VK::kNull: return "null";
    default: return IsNumber(v.kind) ? "number" : "string";
  }
}

bool Refuse(std::string message, std::string* why) {
  *why = std::move(message);
  return false;
}

bool HasNegativeMoney(const Value& v) {
  if (v.kind() == Value::Kind::kInt) return v.int_value() < 0;
  if (v.kind() == Value::Kind::kList) {
    for (const Value& e : v.list_value()) {
      if (HasNegativeMoney(e)) return true;
    }
  }
  return false;
}

}  // namespace

// ---- Why a value does not fit ----------------------------------------------

namespace fact_value_detail {

bool Mismatch(const FieldDecl& decl, const Type& t, const CaseValue& v, std::string* why) {
  return Refuse("expected " + Expected(decl, t) + ", got " + Got(v), why);
}

bool TagMismatch(const FieldDecl& decl, const Type& t, const CaseValue& v, std::string* why) {
  return Refuse("expected " + Expected(decl, t) + ", got '" + Shown(v.text) + "' tagged " + std::string(v.tag), why);
}

// A JSON number with a fraction or an exponent where a whole one is needed:
// 100.0 and 1e2 are whole but still floating point, and money and counts
// are sent as JSON integers, never as doubles.
bool FloatForWhole(const FieldDecl& decl, const Type& t, const CaseValue& v, std::string* why) {
  if (v.source != FactSource::kJson) return Mismatch(decl, t, v, why);
  const bool fraction = v.has_double && v.double_value != std::floor(v.double_value);
  return Refuse("expected " + Expected(decl, t) + ", got " + (fraction ? "the fraction " : "the floating-point number ") +
                    Trimmed(v.raw),
                why);
}

bool OutOfRange(const FieldDecl& decl, const Type& t, const CaseValue& v, std::string* why) {
  if (v.source != FactSource::kJson) return Mismatch(decl, t, v, why);
  return Refuse("integer out of range: " + Trimmed(v.raw), why);
}

bool LeadingZeroRefused(const FieldDecl& decl, const Type& t, const CaseValue& v, std::string* why) {
  return Refuse("expected " + Expected(decl, t) + ", got '" + Shown(v.text) +
                    "' (a leading zero: octal in YAML 1.1, decimal in 1.2)",
                why);
}

bool NotFinite(double d, std::string* why) {
  return Refuse(std::string(std::isnan(d) ? "NaN" : "an infinity") + " is not a number a case may hold", why);
}

bool NotAWord(const EnumType& e, std::string_view text, std::string* why) {
  std::string list;
  for (const std::string& w : e.values) list += (list.empty() ? "" : ", ") + w;
  return Refuse("'" + Shown(text) + "' is not a value of " + e.name + " (expected one of: " + list + ")", why);
}

bool NotATime(std::string_view text, const std::string& error, std::string* why) {
  return Refuse("\"" + Shown(text) + "\": " + error, why);
}

bool TooLong(const Limits& limits, std::string* why) {
  return Refuse("text longer than " + std::to_string(limits.max_string_length) + " bytes (limit max_string_length)",
                why);
}

bool NotUtf8(std::string* why) { return Refuse("not valid UTF-8 (case text must be UTF-8)", why); }

bool HoldsNul(std::string* why) {
  return Refuse("contains a NUL character (U+0000), which case text may not hold", why);
}

}  // namespace fact_value_detail

// The locale fact: any text, negotiated (decision/locale_fact.h); only what
// holds for all text is checked.
bool FactConverter::Locale(const CaseValue& v, Value* out, std::string* why) const {
  using fact_value_detail::KeepsText;
  using fact_value_detail::TextFits;
  if (v.kind != VK::kText && v.kind != VK::kPlain) {
    *why = "expected a locale (text), got " + GotKind(v);
    return false;
  }
  if (!TextFits(v, limits_, why) || !KeepsText(v.text, why)) return false;
  *out = locale_->Read(v.text);
  return true;
}

bool FactConverter::BeginList(const FieldDecl& decl, const Type& t, const CaseValue& v, std::size_t items,
                              int depth, std::string* why) const {
  if (IsLocale(decl, depth)) return Refuse("expected a locale (text), got " + GotKind(v), why);  // a list is no locale
  if (t.kind() != TK::kList) return fact_value_detail::Mismatch(decl, t, v, why);
  // List types nest a few levels at most and a case no deeper than
  // max_case_depth, which the readers check first: a backstop.
  if (depth > limits_.max_case_depth) {
    *why = "nested too deeply";
    return false;
  }
  return items == 0 || MoreItems(items - 1, why);
}

bool FactConverter::MoreItems(std::size_t count, std::string* why) const {
  if (count < limits_.max_collection_size) return true;
  *why = "more than " + std::to_string(limits_.max_collection_size) + " items (limit max_collection_size)";
  return false;
}

bool FactConverter::CheckDeclared(const FieldDecl& decl, const Value& v, std::string* why) const {
  *why = DeclaredValueProblem(decl, v);
  return why->empty();
}

bool FactConverter::Fact(const FieldDecl& decl, const CaseValue& v, Value* out, std::string* why) const {
  return Scalar(decl, *decl.type, v, 0, out, why) && Declared(decl, *out, why);
}

std::string DeclaredValueProblem(const FieldDecl& decl, const Value& v) {
  if (decl.money && !decl.signed_money && HasNegativeMoney(v)) {
    return "money below zero (" +
           std::string(v.kind() == Value::Kind::kInt ? std::to_string(v.int_value()) : "an item of the list") +
           "); money facts are never negative unless the policy declares them `signed: true`";
  }
  if (decl.zone_name && v.kind() == Value::Kind::kString && !IsTimeZoneName(v.string_value())) {
    return "'" + Shown(v.string_value()) + "' is not a time zone name (expected an IANA name such as " +
           "Asia/Shanghai, UTC or an offset such as +08:00, at most " + std::to_string(kMaxTimeZoneNameBytes) +
           " bytes)";
  }
  return "";
}

std::string LineColumn(int line, int column) {
  return " (line " + std::to_string(line) + ", column " + std::to_string(column) + ")";
}

std::string FormatFactError(const FactError& error) {
  return error.path + (error.location.line > 0 ? LineColumn(error.location.line, error.location.column) : "") +
         ": " + error.message;
}

Status FactErrors(const std::vector<FactError>& errors) {
  std::string msg;
  for (const FactError& e : errors) msg += (msg.empty() ? "" : "; ") + FormatFactError(e);
  return Status::InvalidArgument(msg);
}

Status CaseTooLarge(std::size_t bytes, const Limits& limits) {
  return Status::ResourceExhausted("case is " + std::to_string(bytes) + " bytes; the limit is " +
                                   std::to_string(limits.max_case_bytes) + " (max_case_bytes)");
}

}  // namespace aftersales::internal
