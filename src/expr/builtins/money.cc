// Money: split(), an amount in cents divided by weights with no cent lost,
// and share(), amount * numerator / denominator rounded down, both in
// 128-bit arithmetic.
#include <cstdint>
#include <string>
#include <vector>

#include "common/int128.h"
#include "expr/builtins/support.h"

namespace aftersales::internal::builtins {
namespace {

// Largest-remainder split: parts proportional to the weights, adding up to
// the amount exactly; the cents left over go to the first parts in order.
Value Split(const Value* a, std::size_t n, const BuiltinData&, Frame& f) {
  if (n != 2 || a[0].kind() != K::kInt || a[1].kind() != K::kList) return NoOverload("split", a, n);
  const std::int64_t amount = a[0].int_value();
  const auto& ws = a[1].list_value();
  if (ws.empty()) return Err("split(): no weights");
  if (ws.size() > f.ctx->max_collection_size) {
    return Err("split(): more than " + std::to_string(f.ctx->max_collection_size) +
               " weights (limit max_collection_size)");
  }
  Charge(f, ws.size(), kItemsPerStep);
  Int128 total = 0;
  for (const Value& w : ws) {
    if (w.kind() != K::kInt) return Err("split(): weights must be ints");
    if (w.int_value() < 0) return Err("split(): weights must not be negative");
    total += w.int_value();
  }
  if (total == 0) return Err("split(): the weights add up to 0");
  const bool negative = amount < 0;
  const Int128 abs_amount = negative ? -static_cast<Int128>(amount) : static_cast<Int128>(amount);
  std::vector<Int128> parts(ws.size());
  Int128 given = 0;
  for (std::size_t i = 0; i < ws.size(); ++i) {
    parts[i] = abs_amount * ws[i].int_value() / total;
    given += parts[i];
  }
  // Odd cents: to the parts with a non-zero weight, first ones first.
  for (std::size_t i = 0; given < abs_amount; i = (i + 1) % ws.size()) {
    if (ws[i].int_value() == 0) continue;
    ++parts[i];
    ++given;
  }
  Value::List out;
  out.reserve(parts.size());
  for (Int128 p : parts) out.push_back(Value::Int(static_cast<std::int64_t>(negative ? -p : p)));
  return Value::ListOf(std::move(out));
}

Value Share(const Value* a, std::size_t n, const BuiltinData&, Frame&) {
  if (n != 3 || a[0].kind() != K::kInt || a[1].kind() != K::kInt || a[2].kind() != K::kInt) {
    return NoOverload("share", a, n);
  }
  if (a[2].int_value() == 0) return Err("share(): division by zero");
  Int128 p = static_cast<Int128>(a[0].int_value()) * a[1].int_value();
  Int128 d = a[2].int_value();
  Int128 q = p / d;
  if ((p % d != 0) && ((p < 0) != (d < 0))) --q;  // round down
  if (q > INT64_MAX || q < INT64_MIN) return Err("share(): int overflow");
  return Value::Int(static_cast<std::int64_t>(q));
}

}  // namespace

void DeclareMoney(std::vector<Builtin>* out) {
  using namespace sig;
  // split(amount, weights) looks at every weight.
  out->push_back({.name = "split", .display = "split", .overloads = {{{Int, ListOf(Int)}, ListOf(Int)}},
                  .impl = Split, .cost = Cost::Measured()});
  out->push_back({.name = "share", .display = "share", .overloads = {{{Int, Int, Int}, Int}}, .impl = Share,
                  .cost = Cost::Step()});
}

}  // namespace aftersales::internal::builtins
