// Value: one runtime value of the expression language (a CEL subset) and of
// a case's facts. Cheap to copy: strings, lists, maps and errors are shared
// immutable payloads. kAbsent only ever sits in a fact or decision slot that
// holds nothing; reading such a slot in an expression yields an error value
// naming the fact, so an absent fact never makes a rule match by accident.
//
// Depends on nothing but the standard library.
#ifndef AFTERSALES_COMMON_VALUE_H_
#define AFTERSALES_COMMON_VALUE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "common/time.h"

namespace aftersales::internal {

class Value {
 public:
  enum class Kind : std::uint8_t {
    kAbsent, kNull, kBool, kInt, kUint, kDouble, kString, kList, kMap,
    kTimestamp, kDuration, kError,
  };
  using List = std::vector<Value>;
  // Insertion order is kept; keys are unique (bool, int, uint or string).
  using Map = std::vector<std::pair<Value, Value>>;

  Value() = default;  // absent

  static Value Null() { return Value(NullTag{}); }
  static Value Bool(bool v) { return Value(v); }
  static Value Int(std::int64_t v) { return Value(v); }
  static Value Uint(std::uint64_t v) { return Value(v); }
  static Value Double(double v) { return Value(v); }
  static Value String(std::string v) {
    return Value(std::make_shared<const std::string>(std::move(v)));
  }
  // A string that refers to `s` without owning it or copying it: copies of
  // it touch no reference count. REQUIRES: `s` outlives the value and its
  // copies (an enum's word, kept by the policy that reads the facts).
  static Value StringRef(const std::string& s) { return Value(StringPtr(StringPtr(), &s)); }
  static Value ListOf(List v) { return Value(std::make_shared<const List>(std::move(v))); }
  static Value MapOf(Map v) { return Value(std::make_shared<const Map>(std::move(v))); }
  static Value Time(Timestamp v) { return Value(v); }
  static Value Dur(Duration v) { return Value(v); }
  static Value Error(std::string message) {
    return Value(std::make_shared<const ErrorPayload>(ErrorPayload{std::move(message)}));
  }

  Kind kind() const { return static_cast<Kind>(v_.index()); }
  bool is_absent() const { return kind() == Kind::kAbsent; }
  bool is_error() const { return kind() == Kind::kError; }

  // REQUIRES: the matching kind.
  bool bool_value() const { return std::get<bool>(v_); }
  std::int64_t int_value() const { return std::get<std::int64_t>(v_); }
  std::uint64_t uint_value() const { return std::get<std::uint64_t>(v_); }
  double double_value() const { return std::get<double>(v_); }
  const std::string& string_value() const { return *std::get<StringPtr>(v_); }
  const List& list_value() const { return *std::get<ListPtr>(v_); }
  const Map& map_value() const { return *std::get<MapPtr>(v_); }
  Timestamp timestamp_value() const { return std::get<Timestamp>(v_); }
  Duration duration_value() const { return std::get<Duration>(v_); }
  const std::string& error_message() const { return std::get<ErrorPtr>(v_)->message; }

  // This value without ownership of its string, list, map or error: copies
  // of the result touch no reference count (no shared counter for threads
  // to contend on). REQUIRES: this value, or a copy of it, outlives the
  // result and its copies. For a policy's constants, kept by the policy.
  Value Borrow() const;

  // Name of a kind as CEL spells types: "int", "string", "list", ...
  static std::string_view KindName(Kind k);

 private:
  struct NullTag {};
  struct ErrorPayload { std::string message; };
  using StringPtr = std::shared_ptr<const std::string>;
  using ListPtr = std::shared_ptr<const List>;
  using MapPtr = std::shared_ptr<const Map>;
  using ErrorPtr = std::shared_ptr<const ErrorPayload>;

  template <typename T>
  explicit Value(T v) : v_(std::move(v)) {}

  // Order matches Kind.
  std::variant<std::monostate, NullTag, bool, std::int64_t, std::uint64_t, double,
               StringPtr, ListPtr, MapPtr, Timestamp, Duration, ErrorPtr>
      v_;
};

// CEL equality (heterogeneous numeric equality: 1 == 1u == 1.0; NaN != NaN;
// lists and maps element-wise). Values of unrelated kinds are unequal.
// Errors and absent values are never equal to anything.
bool ValuesEqual(const Value& a, const Value& b);

// ValuesEqual that counts the work it does into *work: one unit per list
// item or map entry looked at (a map's key search counts every key tried),
// one per 8 bytes of text compared, one per other value. Stops once *work
// reaches `limit` and returns false: a caller that sees *work >= limit
// treats the answer as "ran out", not as "unequal".
bool ValuesEqualCounted(const Value& a, const Value& b, std::uint64_t limit, std::uint64_t* work);

// About the bytes `v` takes written as JSON: a text's bytes and its quotes,
// a number's digits, brackets and separators (escapes are not counted, so
// this is at most the real size). Counting stops past `limit`, and the
// result is then some number above it. *visited (added to) counts the
// values looked at, so a caller can charge for the walk.
std::uint64_t JsonBytes(const Value& v, std::uint64_t limit, std::uint64_t* visited);

// Prints a value as a CEL literal: 3, 3u, 3.0, "s", [1, 2], {"k": 1}, null,
// timestamp("2009-02-13T23:31:30Z"), duration("1.5s"). Errors print as
// error("message").
std::string FormatCelLiteral(const Value& v);

}  // namespace aftersales::internal

#endif  // AFTERSALES_COMMON_VALUE_H_
