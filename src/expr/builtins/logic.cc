// Logic: && || ! and ?:. They are operators the compiler builds nodes for
// itself (&& and || absorb an error the other operand decides, ?: evaluates
// one branch), so they are declared here by name and form only: no
// overloads, no implementation.
#include "expr/builtins/support.h"

namespace aftersales::internal::builtins {

void DeclareLogic(std::vector<Builtin>* out) {
  out->push_back({.name = "_&&_", .display = "&&", .form = Form::kAnd});
  out->push_back({.name = "_||_", .display = "||", .form = Form::kOr});
  out->push_back({.name = "!_", .display = "!", .form = Form::kNot});
  out->push_back({.name = "_?_:_", .display = "?:", .form = Form::kConditional});
}

}  // namespace aftersales::internal::builtins
