// Conversions: int() uint() double() string() bool() timestamp()
// duration(), range-checked (an out-of-range or unparsable argument is an
// error), and dyn(), which only forgets the static type.
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "common/time.h"
#include "expr/builtins/support.h"

namespace aftersales::internal::builtins {
namespace {

constexpr double kTwo63 = 9223372036854775808.0;
constexpr double kTwo64 = 18446744073709551616.0;

Value ToInt(const Value* a, std::size_t n, const BuiltinData&, Frame&) {
  const Value& v = a[0];
  switch (v.kind()) {
    case K::kInt: return v;
    case K::kUint:
      if (v.uint_value() > static_cast<std::uint64_t>(INT64_MAX)) return Err("int() out of range");
      return Value::Int(static_cast<std::int64_t>(v.uint_value()));
    case K::kDouble: {
      double d = v.double_value();
      if (std::isnan(d) || d <= -kTwo63 || d >= kTwo63) return Err("int() out of range");
      return Value::Int(static_cast<std::int64_t>(d));
    }
    case K::kString: {
      const std::string& s = v.string_value();
      std::int64_t r = 0;
      auto res = std::from_chars(s.data(), s.data() + s.size(), r);
      if (res.ec != std::errc() || res.ptr != s.data() + s.size() || s.empty()) {
        return Err("int(): cannot convert \"" + s + "\"");
      }
      return Value::Int(r);
    }
    case K::kTimestamp: return Value::Int(v.timestamp_value().seconds);
    default: return NoOverload("int", a, n);
  }
}

Value ToUint(const Value* a, std::size_t n, const BuiltinData&, Frame&) {
  const Value& v = a[0];
  switch (v.kind()) {
    case K::kUint: return v;
    case K::kInt:
      if (v.int_value() < 0) return Err("uint() out of range");
      return Value::Uint(static_cast<std::uint64_t>(v.int_value()));
    case K::kDouble: {
      double d = v.double_value();
      if (std::isnan(d) || d < 0 || d >= kTwo64) return Err("uint() out of range");
      return Value::Uint(static_cast<std::uint64_t>(d));
    }
    case K::kString: {
      const std::string& s = v.string_value();
      std::uint64_t r = 0;
      auto res = std::from_chars(s.data(), s.data() + s.size(), r);
      if (res.ec != std::errc() || res.ptr != s.data() + s.size() || s.empty()) {
        return Err("uint(): cannot convert \"" + s + "\"");
      }
      return Value::Uint(r);
    }
    default: return NoOverload("uint", a, n);
  }
}

Value ToDouble(const Value* a, std::size_t n, const BuiltinData&, Frame&) {
  const Value& v = a[0];
  switch (v.kind()) {
    case K::kDouble: return v;
    case K::kInt: return Value::Double(static_cast<double>(v.int_value()));
    case K::kUint: return Value::Double(static_cast<double>(v.uint_value()));
    case K::kString: {
      const std::string& s = v.string_value();
      if (s.empty()) return Err("double(): cannot convert \"\"");
      char* end = nullptr;
      errno = 0;
      double d = std::strtod(s.c_str(), &end);
      if (end != s.c_str() + s.size()) return Err("double(): cannot convert \"" + s + "\"");
      return Value::Double(d);
    }
    default: return NoOverload("double", a, n);
  }
}

Value ToStringFn(const Value* a, std::size_t n, const BuiltinData&, Frame&) {
  const Value& v = a[0];
  switch (v.kind()) {
    case K::kString: return v;
    case K::kInt: return Value::String(std::to_string(v.int_value()));
    case K::kUint: return Value::String(std::to_string(v.uint_value()));
    case K::kDouble: {
      char buf[64];
      auto r = std::to_chars(buf, buf + sizeof buf, v.double_value());
      return Value::String(std::string(buf, r.ptr));
    }
    case K::kBool: return Value::String(v.bool_value() ? "true" : "false");
    case K::kTimestamp: return Value::String(FormatTimestamp(v.timestamp_value()));
    case K::kDuration: return Value::String(FormatDuration(v.duration_value()));
    default: return NoOverload("string", a, n);
  }
}

Value ToBool(const Value* a, std::size_t n, const BuiltinData&, Frame&) {
  const Value& v = a[0];
  if (v.kind() == K::kBool) return v;
  if (v.kind() == K::kString) {
    const std::string& s = v.string_value();
    if (s == "true" || s == "True" || s == "TRUE" || s == "t" || s == "1") return Value::Bool(true);
    if (s == "false" || s == "False" || s == "FALSE" || s == "f" || s == "0") return Value::Bool(false);
    return Err("bool(): cannot convert \"" + s + "\"");
  }
  return NoOverload("bool", a, n);
}

Value ToTimestamp(const Value* a, std::size_t n, const BuiltinData&, Frame&) {
  const Value& v = a[0];
  if (v.kind() == K::kTimestamp) return v;
  if (v.kind() == K::kString) {
    std::string why;
    auto t = ParseTimestamp(v.string_value(), &why);
    if (!t) return Err("timestamp(\"" + v.string_value() + "\"): " + why);
    return Value::Time(*t);
  }
  if (v.kind() == K::kInt) {
    Timestamp t{v.int_value(), 0};
    if (t.seconds < kMinTimestampSeconds || t.seconds > kMaxTimestampSeconds) return Err("timestamp out of range");
    return Value::Time(t);
  }
  return NoOverload("timestamp", a, n);
}

Value ToDuration(const Value* a, std::size_t n, const BuiltinData&, Frame&) {
  const Value& v = a[0];
  if (v.kind() == K::kDuration) return v;
  if (v.kind() == K::kString) {
    std::string why;
    auto d = ParseDuration(v.string_value(), &why);
    if (!d) return Err("duration(\"" + v.string_value() + "\"): " + why);
    return Value::Dur(*d);
  }
  return NoOverload("duration", a, n);
}

Value ToDyn(const Value* a, std::size_t, const BuiltinData&, Frame&) { return a[0]; }

}  // namespace

void DeclareConversions(std::vector<Builtin>* out) {
  using namespace sig;
  // Each takes the types it converts from (an enum's word is a string).
  auto from = [](std::initializer_list<TypeSpec> sources, TypeSpec result) {
    std::vector<Overload> overloads;
    for (TypeSpec s : sources) overloads.push_back({{s}, result});
    return overloads;
  };
  out->push_back({.name = "int", .display = "int", .overloads = from({Int, Uint, Double, String, Timestamp}, Int),
                  .impl = ToInt, .cost = Cost::Step()});
  out->push_back({.name = "uint", .display = "uint", .overloads = from({Int, Uint, Double, String}, Uint),
                  .impl = ToUint, .cost = Cost::Step()});
  out->push_back({.name = "double", .display = "double", .overloads = from({Int, Uint, Double, String}, Double),
                  .impl = ToDouble, .cost = Cost::Step()});
  out->push_back({.name = "string", .display = "string",
                  .overloads = from({Int, Uint, Double, String, Bool, Timestamp, Duration}, String),
                  .impl = ToStringFn, .cost = Cost::Step()});
  out->push_back({.name = "bool", .display = "bool", .overloads = from({Bool, String}, Bool), .impl = ToBool,
                  .cost = Cost::Step()});
  out->push_back({.name = "timestamp", .display = "timestamp",
                  .overloads = from({String, Int, Timestamp}, Timestamp), .impl = ToTimestamp,
                  .cost = Cost::Step()});
  out->push_back({.name = "duration", .display = "duration", .overloads = from({String, Duration}, Duration),
                  .impl = ToDuration, .cost = Cost::Step()});
  out->push_back({.name = "dyn", .display = "dyn", .overloads = {{{Dyn}, Dyn}}, .impl = ToDyn,
                  .cost = Cost::Step()});
}

}  // namespace aftersales::internal::builtins
