// Comparison: the orderings < <= > >= (numbers across int, uint and double,
// strings, bools, timestamps, durations) and == != (CEL equality over every
// kind, charged by the work it does).
#include <cmath>
#include <cstdint>
#include <string>

#include "expr/builtins/support.h"

namespace aftersales::internal::builtins {
namespace {

int CompareNumbers(const Value& a, const Value& b) {
  K x = a.kind(), y = b.kind();
  auto cmp = [](auto p, auto q) { return p < q ? -1 : (p > q ? 1 : 0); };
  if (x == K::kInt && y == K::kInt) return cmp(a.int_value(), b.int_value());
  if (x == K::kUint && y == K::kUint) return cmp(a.uint_value(), b.uint_value());
  if (x == K::kInt && y == K::kUint) {
    if (a.int_value() < 0) return -1;
    return cmp(static_cast<std::uint64_t>(a.int_value()), b.uint_value());
  }
  if (x == K::kUint && y == K::kInt) {
    if (b.int_value() < 0) return 1;
    return cmp(a.uint_value(), static_cast<std::uint64_t>(b.int_value()));
  }
  // One side is a double: CEL converts the integer to double (lossy, as
  // the specification does).
  auto as_double = [](const Value& v) {
    switch (v.kind()) {
      case K::kInt: return static_cast<double>(v.int_value());
      case K::kUint: return static_cast<double>(v.uint_value());
      default: return v.double_value();
    }
  };
  double p = as_double(a), q = as_double(b);
  if (std::isnan(p) || std::isnan(q)) return 2;
  return cmp(p, q);
}

// Three-way comparison for <, <=, >, >=: -1, 0, 1; 2 when unordered (NaN);
// sets *error when the kinds cannot be ordered.
int CompareValues(const Value& a, const Value& b, bool* error) {
  *error = false;
  K x = a.kind(), y = b.kind();
  auto cmp = [](auto p, auto q) { return p < q ? -1 : (p > q ? 1 : 0); };
  if (IsNumber(x) && IsNumber(y)) return CompareNumbers(a, b);
  if (x != y) {
    *error = true;
    return 0;
  }
  switch (x) {
    case K::kString: return cmp(a.string_value().compare(b.string_value()), 0);
    case K::kBool: return cmp(a.bool_value(), b.bool_value());
    case K::kTimestamp: return cmp(a.timestamp_value(), b.timestamp_value()) ;
    case K::kDuration: return cmp(a.duration_value(), b.duration_value());
    default: *error = true; return 0;
  }
}

Value Compare(const Value* a, std::size_t n, std::string_view op, bool (*pick)(int)) {
  bool error = false;
  int c = CompareValues(a[0], a[1], &error);
  if (error) return NoOverload(op, a, n);
  if (c == 2) return Value::Bool(false);
  return Value::Bool(pick(c));
}

Value Less(const Value* a, std::size_t n, const BuiltinData&, Frame&) {
  return Compare(a, n, "<", [](int c) { return c < 0; });
}
Value LessEq(const Value* a, std::size_t n, const BuiltinData&, Frame&) {
  return Compare(a, n, "<=", [](int c) { return c <= 0; });
}
Value Greater(const Value* a, std::size_t n, const BuiltinData&, Frame&) {
  return Compare(a, n, ">", [](int c) { return c > 0; });
}
Value GreaterEq(const Value* a, std::size_t n, const BuiltinData&, Frame&) {
  return Compare(a, n, ">=", [](int c) { return c >= 0; });
}

// Equality charged by the work it really does: every item of nested lists
// and maps it looks at (8 to a step), every 64 bytes of text compared. It
// stops when the budget would run out, so one comparison of two huge
// nested lists cannot run past it. False with *spent set: the budget ran out.
bool EqualCharged(const Value& a, const Value& b, Frame& f, bool* spent) {
  ChargedEquality equality(f.ctx->steps_left);
  const bool eq = equality.Equal(a, b);
  f.ctx->steps_left -= equality.steps();
  *spent = equality.spent();
  return eq;
}

Value Eq(const Value* a, std::size_t, const BuiltinData&, Frame& f) {
  bool spent = false;
  const bool eq = EqualCharged(a[0], a[1], f, &spent);
  return spent ? BudgetError() : Value::Bool(eq);
}
Value Ne(const Value* a, std::size_t, const BuiltinData&, Frame& f) {
  bool spent = false;
  const bool eq = EqualCharged(a[0], a[1], f, &spent);
  return spent ? BudgetError() : Value::Bool(!eq);
}

std::string CannotCompare(const std::vector<TypePtr>& args) {
  return "cannot compare " + args[0]->ToString() + " with " + args[1]->ToString();
}

}  // namespace

void DeclareComparison(std::vector<Builtin>* out) {
  using namespace sig;
  // Numbers are ordered across int, uint and double; other kinds only
  // with their own kind (an enum's word is a string).
  const std::vector<Overload> ordered = {
      {{Number, Number}, Bool},
      {{String, String}, Bool},
      {{Bool, Bool}, Bool},
      {{Timestamp, Timestamp}, Bool},
      {{Duration, Duration}, Bool},
  };
  out->push_back({.name = "_<_", .display = "<", .form = Form::kOperator, .overloads = ordered, .impl = Less,
                  .cost = Cost::Step()});
  out->push_back({.name = "_<=_", .display = "<=", .form = Form::kOperator, .overloads = ordered, .impl = LessEq,
                  .cost = Cost::Step()});
  out->push_back({.name = "_>_", .display = ">", .form = Form::kOperator, .overloads = ordered, .impl = Greater,
                  .cost = Cost::Step()});
  out->push_back({.name = "_>=_", .display = ">=", .form = Form::kOperator, .overloads = ordered, .impl = GreaterEq,
                  .cost = Cost::Step()});
  // Any two values that can be equal at run time may be compared (CEL's
  // checker is stricter): numbers of any kind, strings with enum words of
  // the same enum, null with anything, lists and maps item by item.
  // Charged for the values it compares; with a literal operand it compiles
  // to a comparison with the constant, not a call, and is not.
  const std::vector<Overload> equality = {{{A, A}, Bool, Overload::Bind::kComparable}};
  out->push_back({.name = "_==_", .display = "==", .form = Form::kOperator, .overloads = equality, .impl = Eq,
                  .cost = Cost::Measured(), .literal_form = LiteralForm::kEquals, .mismatch = CannotCompare});
  out->push_back({.name = "_!=_", .display = "!=", .form = Form::kOperator, .overloads = equality, .impl = Ne,
                  .cost = Cost::Measured(), .literal_form = LiteralForm::kNotEquals, .mismatch = CannotCompare});
}

}  // namespace aftersales::internal::builtins
