// Reading one fact's value: a value as a case's source gives it (a JSON
// token, a YAML scalar, a FactsBuilder argument) converted to the declared
// fact type. The one place that says which values fit which types, what a
// declaration asks beyond the type (money below zero unless `signed: true`,
// a timezone fact shaped like a zone name, the locale fact negotiated), the
// limits a value is held to (Limits::max_string_length,
// max_collection_size, max_case_depth), and how a value that does not fit
// is described and a refused case's errors are written. The JSON readers
// (fast and exact), the YAML reader and FactsBuilder all convert through
// FactConverter; they only walk their documents.
#ifndef AFTERSALES_DECISION_FACT_VALUE_H_
#define AFTERSALES_DECISION_FACT_VALUE_H_

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "aftersales/issue.h"
#include "aftersales/options.h"
#include "aftersales/status.h"
#include "common/text.h"
#include "common/time.h"
#include "common/value.h"
#include "decision/locale_fact.h"
#include "policy/policy_model.h"

namespace aftersales::internal {

// Where a value comes from, which decides how a value that does not fit is
// shown: JSON as written (`got string "299"`), YAML quoted (`got '299'`), a
// builder by its setter (`got a string`).
enum class FactSource : std::uint8_t { kJson, kYaml, kBuilder };

// One value of a case before it is typed: a scalar with what its source
// knows of it, or only the shape of a list, a map or a null (a list fact's
// items are walked by the reader; anywhere else those shapes do not fit).
struct CaseValue {
  enum class Kind : std::uint8_t {
    kText,       // text as text: a JSON string, a quoted or !!str YAML scalar, SetString
    kPlain,      // a plain YAML scalar, read as the fact's type: true, 12, 2.5, or text
    kInt,        // a JSON integer within int64; SetInt
    kUint,       // a JSON integer above int64's range within uint64; SetUint
    kBigInt,     // a JSON integer beyond 64 bits
    kFloat,      // a JSON number with a fraction or an exponent; SetDouble
    kBool,       // a JSON true or false; SetBool
    kTimestamp,  // SetTimestamp's text
    kDuration,   // SetDuration's text
    kNull,       // a null where a value is needed (inside a list)
    kList,
    kMap,
  };
  FactSource source = FactSource::kJson;
  Kind kind = Kind::kNull;
  bool bool_value = false;  // kBool
  bool has_double = false;  // kFloat, kBigInt: whether double_value holds the number
  union {
    std::int64_t int_value = 0;  // kInt
    std::uint64_t uint_value;    // kUint
  };
  double double_value = 0;
  std::string_view text;  // the text kinds: the text (unescaped)
  std::string_view raw;   // JSON: the token as written, for messages ("" from the fast reader)
  std::string_view tag;   // YAML: an explicit tag such as "!!int", or ""
};

// Converts case values to facts, for one policy's limits and locale fact.
// Cheap to make; const and thread-safe.
class FactConverter {
 public:
  FactConverter(const Limits& limits, const LocaleFact* locale)
      : limits_(limits), locale_(locale), locale_slot_(locale != nullptr ? locale->slot() : kNoSlot) {}

  // `v`, which is not a list, as `t`: the declared type of `decl` at depth
  // 0, a list fact's item type below. False with `why` set (the reason,
  // without the fact's name) when it does not fit. The locale fact (at
  // depth 0) takes any text and holds the locale negotiated from it.
  bool Scalar(const FieldDecl& decl, const Type& t, const CaseValue& v, int depth, Value* out,
              std::string* why) const;

  // A list of `items` items given for `t` at `depth`: true when `t` is a
  // list type and the list is within the limits. The reader then converts
  // each item as *t.elem() at depth + 1, calling MoreItems(count) before
  // each when it could not count them first.
  bool BeginList(const FieldDecl& decl, const Type& t, const CaseValue& v, std::size_t items, int depth,
                 std::string* why) const;
  // False (with `why`) when a list already holding `count` items may hold
  // no more (Limits::max_collection_size).
  bool MoreItems(std::size_t count, std::string* why) const;

  // A whole fact's value, converted: true when it is also what the
  // declaration asks beyond the type (DeclaredValueProblem); else false
  // with `why` set.
  bool Declared(const FieldDecl& decl, const Value& v, std::string* why) const {
    return (!decl.money && !decl.zone_name) || CheckDeclared(decl, v, why);  // most ask nothing more
  }

  // Scalar at depth 0, then Declared: a fact given as one scalar.
  bool Fact(const FieldDecl& decl, const CaseValue& v, Value* out, std::string* why) const;

 private:
  bool CheckDeclared(const FieldDecl& decl, const Value& v, std::string* why) const;
  bool Locale(const CaseValue& v, Value* out, std::string* why) const;
  bool IsLocale(const FieldDecl& decl, int depth) const { return decl.slot == locale_slot_ && depth == 0; }

  static constexpr std::uint32_t kNoSlot = ~std::uint32_t{0};
  const Limits& limits_;
  const LocaleFact* locale_;
  std::uint32_t locale_slot_;  // the locale fact's, or kNoSlot
};

// What the declaration asks beyond the type, for a value of the right type:
// money is never below zero unless declared `signed: true` (in a list, no
// item), and the timezone fact is shaped like a zone name (IsTimeZoneName),
// so that no lookup is made for it. "" when `v` passes, else why not.
std::string DeclaredValueProblem(const FieldDecl& decl, const Value& v);

// A value of a case that could not be taken.
struct FactError {
  std::string path;         // the fact as the case names it: "order.total_paid_cents"
  std::string message;      // why, e.g. "expected bool, got string \"yes\""
  SourceLocation location;  // in a YAML case, the value's line and column; else 0
};

// " (line 3, column 7)", as fact errors and JSON syntax errors place themselves.
std::string LineColumn(int line, int column);
// "path: message", or "path (line L, column C): message" when placed.
std::string FormatFactError(const FactError& error);
// A refused case: every error, in document order, joined by "; ".
Status FactErrors(const std::vector<FactError>& errors);
// A case document over Limits::max_case_bytes.
Status CaseTooLarge(std::size_t bytes, const Limits& limits);

// ---- The conversion itself ------------------------------------------------
// Inline: every value of every case goes through Scalar, and inlined into
// each reader it sheds the checks that reader's values cannot need. What a
// value that does not fit is told is written out of line (fact_value.cc).

namespace fact_value_detail {

using TK = Type::Kind;
using VK = CaseValue::Kind;

// Each sets `why` and returns false.
bool Mismatch(const FieldDecl& decl, const Type& t, const CaseValue& v, std::string* why);
bool TagMismatch(const FieldDecl& decl, const Type& t, const CaseValue& v, std::string* why);
bool FloatForWhole(const FieldDecl& decl, const Type& t, const CaseValue& v, std::string* why);
bool OutOfRange(const FieldDecl& decl, const Type& t, const CaseValue& v, std::string* why);
bool LeadingZeroRefused(const FieldDecl& decl, const Type& t, const CaseValue& v, std::string* why);
bool NotFinite(double d, std::string* why);
bool NotAWord(const EnumType& e, std::string_view text, std::string* why);
bool NotATime(std::string_view text, const std::string& error, std::string* why);
bool TooLong(const Limits& limits, std::string* why);
bool NotUtf8(std::string* why);
bool HoldsNul(std::string* why);

inline bool IsText(VK k) { return k == VK::kText || k == VK::kPlain || k == VK::kTimestamp || k == VK::kDuration; }
inline bool IsNumber(VK k) { return k == VK::kInt || k == VK::kUint || k == VK::kBigInt || k == VK::kFloat; }

// A builder's setter names the type it sets: SetInt sets an int fact (or
// money), SetUint a uint fact, and so on, without conversions.
inline bool SetterFits(VK k, TK t) {
  switch (k) {
    case VK::kText: return t == TK::kString || t == TK::kEnum || t == TK::kDyn;
    case VK::kInt: return t == TK::kInt || t == TK::kDyn;
    case VK::kUint: return t == TK::kUint || t == TK::kDyn;
    case VK::kFloat: return t == TK::kDouble || t == TK::kDyn;
    case VK::kBool: return t == TK::kBool || t == TK::kDyn;
    case VK::kTimestamp: return t == TK::kTimestamp;
    case VK::kDuration: return t == TK::kDuration;
    case VK::kList: return t == TK::kList;
    default: return false;
  }
}

// A YAML core tag says what the scalar is: `!!float 100` is no money. Only
// a tag that fits the fact's type passes (`!!str` is text, as if quoted).
inline bool TagFits(std::string_view tag, TK t) {
  if (tag.empty() || tag == "!!str") return true;
  return (tag == "!!int" && (t == TK::kInt || t == TK::kUint || t == TK::kDouble)) ||
         (tag == "!!float" && t == TK::kDouble) || (tag == "!!bool" && t == TK::kBool);
}

// A plain YAML scalar as a whole number: decimal digits only, as YAML 1.2's
// core schema reads them. 017 is 15 in YAML 1.1 and 17 in YAML 1.2: either
// would be a guess, so it is refused.
template <typename Int>
bool PlainWhole(const FieldDecl& decl, const Type& t, const CaseValue& v, Int* out, std::string* why) {
  const std::string_view s = v.text;
  Int n = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), n);
  if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size()) return Mismatch(decl, t, v, why);
  const std::string_view digits = s[0] == '-' ? s.substr(1) : s;
  if (digits.size() > 1 && digits[0] == '0') return LeadingZeroRefused(decl, t, v, why);
  *out = n;
  return true;
}

// What holds for any text a case gives: within max_string_length, and UTF-8
// (JSON and YAML text is checked as the document is read; a builder's is
// checked here). Nor may it hold a NUL, which would cut the text short in C
// callers and in many stores: checked where text is kept as text
// (KeepsText), and otherwise only once a value does not fit, since text
// with a NUL fits no other type (timestamps, durations, an enum's words and
// numbers hold none), so that the message names the NUL.
inline bool TextFits(const CaseValue& v, const Limits& limits, std::string* why) {
  if (v.text.size() > limits.max_string_length) [[unlikely]] return TooLong(limits, why);
  if (v.source == FactSource::kBuilder && !IsValidUtf8(v.text)) [[unlikely]] return NotUtf8(why);
  return true;
}

inline bool KeepsText(std::string_view text, std::string* why) {
  if (text.find('\0') == std::string_view::npos) [[likely]] return true;
  return HoldsNul(why);
}

// `v`, a scalar within the limits, as `t`.
[[gnu::always_inline]] inline bool Typed(const FieldDecl& decl, const Type& t, const CaseValue& v, Value* out, std::string* why) {
  const TK k = t.kind();
  if (k == TK::kList) return Mismatch(decl, t, v, why);
  if (v.source == FactSource::kBuilder && !SetterFits(v.kind, k)) return Mismatch(decl, t, v, why);
  if (v.source == FactSource::kYaml && !TagFits(v.tag, k)) return TagMismatch(decl, t, v, why);
  switch (k) {
    case TK::kBool:
      if (v.kind == VK::kBool) {
        *out = Value::Bool(v.bool_value);
        return true;
      }
      if (v.kind == VK::kPlain) {
        const std::string_view s = v.text;
        if (s == "true" || s == "True" || s == "TRUE") {
          *out = Value::Bool(true);
          return true;
        }
        if (s == "false" || s == "False" || s == "FALSE") {
          *out = Value::Bool(false);
          return true;
        }
      }
      return Mismatch(decl, t, v, why);
    case TK::kInt:
      switch (v.kind) {
        case VK::kInt:
          *out = Value::Int(v.int_value);
          return true;
        case VK::kUint:
        case VK::kBigInt:
          return OutOfRange(decl, t, v, why);
        case VK::kFloat:
          return FloatForWhole(decl, t, v, why);
        case VK::kPlain: {
          std::int64_t n = 0;
          if (!PlainWhole(decl, t, v, &n, why)) return false;
          *out = Value::Int(n);
          return true;
        }
        default:
          return Mismatch(decl, t, v, why);
      }
    case TK::kUint:
      switch (v.kind) {
        case VK::kInt:
          if (v.int_value < 0) return Mismatch(decl, t, v, why);
          *out = Value::Uint(static_cast<std::uint64_t>(v.int_value));
          return true;
        case VK::kUint:
          *out = Value::Uint(v.uint_value);
          return true;
        case VK::kFloat:
          return FloatForWhole(decl, t, v, why);
        case VK::kPlain: {
          std::uint64_t n = 0;
          if (!PlainWhole(decl, t, v, &n, why)) return false;
          *out = Value::Uint(n);
          return true;
        }
        default:
          return Mismatch(decl, t, v, why);
      }
    case TK::kDouble: {
      // A case holds no NaN or infinity, however given.
      if (v.source == FactSource::kBuilder) {
        if (!std::isfinite(v.double_value)) return NotFinite(v.double_value, why);
        *out = Value::Double(v.double_value);
        return true;
      }
      // A JSON integer is the double nearest to it (-0 is 0); other
      // numbers are read as doubles by the source.
      if (v.kind == VK::kInt) {
        *out = Value::Double(static_cast<double>(v.int_value));
        return true;
      }
      if (v.kind == VK::kUint) {
        *out = Value::Double(static_cast<double>(v.uint_value));
        return true;
      }
      if (IsNumber(v.kind)) {
        if (!v.has_double || !std::isfinite(v.double_value)) return Mismatch(decl, t, v, why);
        *out = Value::Double(v.double_value);
        return true;
      }
      if (v.kind == VK::kPlain) {
        const std::string_view s = v.text;
        double d = 0;
        auto r = std::from_chars(s.data(), s.data() + s.size(), d);
        if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size() || !std::isfinite(d)) {
          return Mismatch(decl, t, v, why);
        }
        *out = Value::Double(d);
        return true;
      }
      return Mismatch(decl, t, v, why);
    }
    case TK::kString:
    case TK::kDyn:
      if (v.kind != VK::kText && v.kind != VK::kPlain) return Mismatch(decl, t, v, why);
      if (!KeepsText(v.text, why)) return false;
      *out = Value::String(std::string(v.text));
      return true;
    case TK::kEnum: {
      if (v.kind != VK::kText && v.kind != VK::kPlain) return Mismatch(decl, t, v, why);
      const EnumType& e = *t.enum_type();
      const int i = e.IndexOf(v.text);
      if (i < 0) return NotAWord(e, v.text, why);
      // An enum fact refers to the enum's own word, kept by the policy (facts
      // never outlive the policy that read them): no allocation, no copy.
      *out = Value::StringRef(e.values[static_cast<std::size_t>(i)]);
      return true;
    }
    case TK::kTimestamp: {
      if (v.kind != VK::kText && v.kind != VK::kPlain && v.kind != VK::kTimestamp) return Mismatch(decl, t, v, why);
      std::string error;
      auto ts = ParseTimestamp(v.text, &error);
      if (!ts) return NotATime(v.text, error, why);
      *out = Value::Time(*ts);
      return true;
    }
    case TK::kDuration: {
      if (v.kind != VK::kText && v.kind != VK::kPlain && v.kind != VK::kDuration) return Mismatch(decl, t, v, why);
      std::string error;
      auto d = ParseDuration(v.text, &error);
      if (!d) return NotATime(v.text, error, why);
      *out = Value::Dur(*d);
      return true;
    }
    default:
      return Mismatch(decl, t, v, why);
  }
}

}  // namespace fact_value_detail

[[gnu::always_inline]] inline bool FactConverter::Scalar(const FieldDecl& decl, const Type& t, const CaseValue& v,
                                                        int depth, Value* out, std::string* why) const {
  using namespace fact_value_detail;
  if (IsLocale(decl, depth)) return Locale(v, out, why);
  if (v.kind == VK::kList || v.kind == VK::kMap || v.kind == VK::kNull) return Mismatch(decl, t, v, why);
  const bool text = IsText(v.kind);
  if (text && !TextFits(v, limits_, why)) return false;
  if (Typed(decl, t, v, out, why)) return true;
  if (text) KeepsText(v.text, why);  // a NUL is the reason
  return false;
}

}  // namespace aftersales::internal

#endif  // AFTERSALES_DECISION_FACT_VALUE_H_
