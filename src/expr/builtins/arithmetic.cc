// Arithmetic: + - * / % on numbers (checked: an overflow is an error, not
// a wrap), + on strings and lists (bounded by max_string_length,
// max_collection_size and max_decision_bytes), timestamps and durations;
// unary minus.
#include <cstdint>
#include <limits>
#include <string>

#include "common/time.h"
#include "expr/builtins/support.h"

namespace aftersales::internal::builtins {
namespace {

// `a + b` of two lists would be over max_value_bytes: the error, else absent.
// Measuring walks the items, which is charged like looking through them.
Value CheckBytes(const Value& a, const Value& b, Frame& f) {
  const std::uint64_t limit = f.ctx->max_value_bytes;
  std::uint64_t visited = 0;
  std::uint64_t bytes = JsonBytes(a, limit, &visited);
  if (bytes <= limit) bytes += JsonBytes(b, limit - bytes, &visited);
  Charge(f, static_cast<std::size_t>(visited), kItemsPerStep);
  return bytes > limit ? ValueTooLarge(f) : Value();
}

// ---- arithmetic -----------------------------------------------------------

Value Add(const Value* a, std::size_t n, const BuiltinData&, Frame& f) {
  K x = a[0].kind(), y = a[1].kind();
  if (x == K::kInt && y == K::kInt) {
    std::int64_t r;
    if (__builtin_add_overflow(a[0].int_value(), a[1].int_value(), &r)) return Err("int overflow in '+'");
    return Value::Int(r);
  }
  if (x == K::kUint && y == K::kUint) {
    std::uint64_t r;
    if (__builtin_add_overflow(a[0].uint_value(), a[1].uint_value(), &r)) return Err("uint overflow in '+'");
    return Value::Uint(r);
  }
  if (x == K::kDouble && y == K::kDouble) return Value::Double(a[0].double_value() + a[1].double_value());
  if (x == K::kString && y == K::kString) {
    std::size_t size = a[0].string_value().size() + a[1].string_value().size();
    if (size > f.ctx->max_string_length) {
      return Err("string too long: more than " + std::to_string(f.ctx->max_string_length) +
                 " bytes (limit max_string_length)");
    }
    if (size + 2 > f.ctx->max_value_bytes) return ValueTooLarge(f);
    Charge(f, size, kBytesPerStep);
    return Value::String(a[0].string_value() + a[1].string_value());
  }
  if (x == K::kList && y == K::kList) {
    std::size_t size = a[0].list_value().size() + a[1].list_value().size();
    if (size > f.ctx->max_collection_size) {
      return Err("list too large: more than " + std::to_string(f.ctx->max_collection_size) +
                 " items (limit max_collection_size)");
    }
    Charge(f, size, kItemsPerStep);
    if (Value over = CheckBytes(a[0], a[1], f); over.is_error()) return over;
    Value::List out = a[0].list_value();
    out.insert(out.end(), a[1].list_value().begin(), a[1].list_value().end());
    return Value::ListOf(std::move(out));
  }
  if (x == K::kTimestamp && y == K::kDuration) {
    auto r = AddDuration(a[0].timestamp_value(), a[1].duration_value());
    return r ? Value::Time(*r) : Err("timestamp out of range");
  }
  if (x == K::kDuration && y == K::kTimestamp) {
    auto r = AddDuration(a[1].timestamp_value(), a[0].duration_value());
    return r ? Value::Time(*r) : Err("timestamp out of range");
  }
  if (x == K::kDuration && y == K::kDuration) {
    auto r = AddDurations(a[0].duration_value(), a[1].duration_value());
    return r ? Value::Dur(*r) : Err("duration out of range");
  }
  return NoOverload("+", a, n);
}

Value Sub(const Value* a, std::size_t n, const BuiltinData&, Frame&) {
  K x = a[0].kind(), y = a[1].kind();
  if (x == K::kInt && y == K::kInt) {
    std::int64_t r;
    if (__builtin_sub_overflow(a[0].int_value(), a[1].int_value(), &r)) return Err("int overflow in '-'");
    return Value::Int(r);
  }
  if (x == K::kUint && y == K::kUint) {
    std::uint64_t r;
    if (__builtin_sub_overflow(a[0].uint_value(), a[1].uint_value(), &r)) return Err("uint overflow in '-'");
    return Value::Uint(r);
  }
  if (x == K::kDouble && y == K::kDouble) return Value::Double(a[0].double_value() - a[1].double_value());
  if (x == K::kTimestamp && y == K::kTimestamp) {
    auto r = Subtract(a[0].timestamp_value(), a[1].timestamp_value());
    return r ? Value::Dur(*r) : Err("duration out of range");
  }
  if (x == K::kTimestamp && y == K::kDuration) {
    auto neg = NegateDuration(a[1].duration_value());
    auto r = neg ? AddDuration(a[0].timestamp_value(), *neg) : std::nullopt;
    return r ? Value::Time(*r) : Err("timestamp out of range");
  }
  if (x == K::kDuration && y == K::kDuration) {
    auto neg = NegateDuration(a[1].duration_value());
    auto r = neg ? AddDurations(a[0].duration_value(), *neg) : std::nullopt;
    return r ? Value::Dur(*r) : Err("duration out of range");
  }
  return NoOverload("-", a, n);
}

Value Mul(const Value* a, std::size_t n, const BuiltinData&, Frame&) {
  K x = a[0].kind(), y = a[1].kind();
  if (x == K::kInt && y == K::kInt) {
    std::int64_t r;
    if (__builtin_mul_overflow(a[0].int_value(), a[1].int_value(), &r)) return Err("int overflow in '*'");
    return Value::Int(r);
  }
  if (x == K::kUint && y == K::kUint) {
    std::uint64_t r;
    if (__builtin_mul_overflow(a[0].uint_value(), a[1].uint_value(), &r)) return Err("uint overflow in '*'");
    return Value::Uint(r);
  }
  if (x == K::kDouble && y == K::kDouble) return Value::Double(a[0].double_value() * a[1].double_value());
  return NoOverload("*", a, n);
}

Value Div(const Value* a, std::size_t n, const BuiltinData&, Frame&) {
  K x = a[0].kind(), y = a[1].kind();
  if (x == K::kInt && y == K::kInt) {
    if (a[1].int_value() == 0) return Err("division by zero");
    if (a[0].int_value() == std::numeric_limits<std::int64_t>::min() && a[1].int_value() == -1) {
      return Err("int overflow in '/'");
    }
    return Value::Int(a[0].int_value() / a[1].int_value());
  }
  if (x == K::kUint && y == K::kUint) {
    if (a[1].uint_value() == 0) return Err("division by zero");
    return Value::Uint(a[0].uint_value() / a[1].uint_value());
  }
  if (x == K::kDouble && y == K::kDouble) return Value::Double(a[0].double_value() / a[1].double_value());
  return NoOverload("/", a, n);
}

Value Mod(const Value* a, std::size_t n, const BuiltinData&, Frame&) {
  K x = a[0].kind(), y = a[1].kind();
  if (x == K::kInt && y == K::kInt) {
    if (a[1].int_value() == 0) return Err("modulus by zero");
    if (a[0].int_value() == std::numeric_limits<std::int64_t>::min() && a[1].int_value() == -1) {
      return Err("int overflow in '%'");
    }
    return Value::Int(a[0].int_value() % a[1].int_value());
  }
  if (x == K::kUint && y == K::kUint) {
    if (a[1].uint_value() == 0) return Err("modulus by zero");
    return Value::Uint(a[0].uint_value() % a[1].uint_value());
  }
  return NoOverload("%", a, n);
}

Value Neg(const Value* a, std::size_t n, const BuiltinData&, Frame&) {
  switch (a[0].kind()) {
    case K::kInt:
      if (a[0].int_value() == std::numeric_limits<std::int64_t>::min()) return Err("int overflow in '-'");
      return Value::Int(-a[0].int_value());
    case K::kDouble:
      return Value::Double(-a[0].double_value());
    case K::kDuration: {
      auto r = NegateDuration(a[0].duration_value());
      return r ? Value::Dur(*r) : Err("duration out of range");
    }
    default:
      return NoOverload("-", a, n);
  }
}

}  // namespace

void DeclareArithmetic(std::vector<Builtin>* out) {
  using namespace sig;
  // Arithmetic on numbers keeps the operands' type: int with int, uint with
  // uint, double with double (no implicit conversions, as CEL has none).
  const std::vector<Overload> numbers = {
      {{Int, Int}, Int},
      {{Uint, Uint}, Uint},
      {{Double, Double}, Double},
  };
  // Timestamps and durations: with an operand of unknown type the result
  // could be either, so the call is typed dyn.
  auto time = [](TypeSpec a, TypeSpec b, TypeSpec r) { return Overload{{a, b}, r, Overload::Bind::kJoin, true}; };
  std::vector<Overload> plus = numbers;
  plus.push_back({{String, String}, String});
  plus.push_back({{ListOf(A), ListOf(A)}, ListOf(A)});  // list(dyn) when the element types differ
  plus.push_back(time(Timestamp, Duration, Timestamp));
  plus.push_back(time(Duration, Timestamp, Timestamp));
  plus.push_back(time(Duration, Duration, Duration));
  std::vector<Overload> minus = numbers;
  minus.push_back(time(Timestamp, Timestamp, Duration));
  minus.push_back(time(Timestamp, Duration, Timestamp));
  minus.push_back(time(Duration, Duration, Duration));

  // `+` on strings and lists charges the bytes and items it copies.
  out->push_back({.name = "_+_", .display = "+", .form = Form::kOperator, .overloads = plus, .impl = Add,
                  .cost = Cost::Measured()});
  out->push_back({.name = "_-_", .display = "-", .form = Form::kOperator, .overloads = minus, .impl = Sub,
                  .cost = Cost::Step()});
  out->push_back({.name = "_*_", .display = "*", .form = Form::kOperator, .overloads = numbers, .impl = Mul,
                  .cost = Cost::Step()});
  out->push_back({.name = "_/_", .display = "/", .form = Form::kOperator, .overloads = numbers, .impl = Div,
                  .cost = Cost::Step()});
  out->push_back({.name = "_%_", .display = "%", .form = Form::kOperator,
                  .overloads = {{{Int, Int}, Int}, {{Uint, Uint}, Uint}}, .impl = Mod, .cost = Cost::Step()});
  out->push_back({.name = "-_", .display = "-", .form = Form::kOperator,
                  .overloads = {{{Int}, Int}, {{Double}, Double}, {{Duration}, Duration}}, .impl = Neg,
                  .cost = Cost::Step()});
}

}  // namespace aftersales::internal::builtins
