#include "expr/builtins/support.h"

#include <utility>

namespace aftersales::internal::builtins {

Value Err(std::string message) { return Value::Error(std::move(message)); }

Value NoOverload(std::string_view op, const Value* a, std::size_t n) {
  std::string s = "no matching overload for '" + std::string(op) + "' applied to (";
  for (std::size_t i = 0; i < n; ++i) {
    if (i) s += ", ";
    s += Value::KindName(a[i].kind());
  }
  return Err(s + ")");
}

Value ValueTooLarge(Frame& f) {
  return Err("value too large: more than " + std::to_string(f.ctx->max_value_bytes) +
             " bytes as JSON (limit max_decision_bytes)");
}

}  // namespace aftersales::internal::builtins
