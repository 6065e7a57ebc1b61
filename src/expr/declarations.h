// Declarations: the names an expression may read, each bound to a slot.
// A policy declares its facts ("order.delivered_at") in space 0 and its
// decision fields ("decision.refund_cents") in space 1, and its named values
// ("days_since_delivery") in kNamedValueSpace; the checker resolves
// every (possibly dotted) name to its slot once, at load.
//
// Not thread-safe while being built; read-only afterwards.
#ifndef AFTERSALES_EXPR_DECLARATIONS_H_
#define AFTERSALES_EXPR_DECLARATIONS_H_

#include <cstdint>
#include <string>
#include <functional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/value.h"
#include "expr/type.h"

namespace aftersales::internal {

// A reference in this space is a named value (a policy's `variables`):
// `slot` indexes EvalContext::named, not EvalContext::spaces.
inline constexpr std::uint8_t kNamedValueSpace = 255;

struct VarRef {
  std::uint8_t space = 0;  // index into EvalContext::spaces, or kNamedValueSpace
  std::uint32_t slot = 0;
};

struct VarDecl {
  std::string name;  // full dotted name
  TypePtr type;
  VarRef ref;
  Value absent;      // what reading it gives when it holds nothing (not for named values)
};

class Declarations {
 public:
  // Returns false (and declares nothing) when `name` is already declared.
  bool Add(std::string name, TypePtr type, VarRef ref);
  const VarDecl* Find(std::string_view name) const;
  // True when some declared name starts with `prefix` + "." (so "order" is
  // a namespace when "order.id" is declared).
  bool IsNamespace(std::string_view prefix) const;
  const std::vector<VarDecl>& all() const { return decls_; }

 private:
  std::vector<VarDecl> decls_;
  // Looked up by string_view, without making a string.
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::size_t, Hash, std::equal_to<>> index_;
  std::unordered_map<std::string, int> namespaces_;
};

}  // namespace aftersales::internal

#endif  // AFTERSALES_EXPR_DECLARATIONS_H_
