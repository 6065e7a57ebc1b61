// Typing a call by its builtin's overloads: every overload whose parameters
// the arguments fit is a candidate; the call's type is their common result
// type, dyn when they differ. An argument of unknown type (dyn) fits any
// parameter, so it can leave several candidates.
#include <string>
#include <vector>

#include "expr/builtins.h"

namespace aftersales::internal {
namespace {

using TK = Type::Kind;
using SK = TypeSpec::Kind;

bool IsNumeric(const TypePtr& t) {
  return t->kind() == TK::kInt || t->kind() == TK::kUint || t->kind() == TK::kDouble;
}

// Values of a and b may be compared with == (CEL's checker is stricter; we
// allow what can be equal at run time).
bool Comparable(const TypePtr& a, const TypePtr& b) {
  if (IsDyn(a) || IsDyn(b)) return true;
  if (a->kind() == TK::kNull || b->kind() == TK::kNull) return true;
  if (IsNumeric(a) && IsNumeric(b)) return true;
  if (IsStringy(a) && IsStringy(b)) {
    return !(a->kind() == TK::kEnum && b->kind() == TK::kEnum) || a->enum_type() == b->enum_type();
  }
  if (a->kind() != b->kind()) return false;
  if (a->kind() == TK::kList) return Comparable(a->elem(), b->elem());
  if (a->kind() == TK::kMap) return Comparable(a->elem(), b->elem()) && Comparable(a->value(), b->value());
  return true;
}

// What the type parameters A and B stand for in one overload being tried.
struct Bindings {
  TypePtr a, b;  // null: not bound
};

bool Bind(SK param, const TypePtr& t, Overload::Bind rule, Bindings* bound) {
  TypePtr& slot = param == SK::kA ? bound->a : bound->b;
  TypePtr type = t ? t : Type::Dyn();
  if (!slot) {
    slot = std::move(type);
    return true;
  }
  if (rule == Overload::Bind::kComparable) return Comparable(slot, type);
  if (!Same(slot, type)) slot = Type::Dyn();
  return true;
}

// Whether a type fits a parameter kind (not a list's or map's: those are
// taken apart by Fits).
bool FitsKind(SK k, const TypePtr& t, Overload::Bind rule, Bindings* bound) {
  if (k == SK::kA || k == SK::kB) return Bind(k, t, rule, bound);
  if (IsDyn(t)) return true;
  switch (k) {
    case SK::kDyn: return true;
    case SK::kBool: return t->kind() == TK::kBool;
    case SK::kInt: return t->kind() == TK::kInt;
    case SK::kUint: return t->kind() == TK::kUint;
    case SK::kDouble: return t->kind() == TK::kDouble;
    case SK::kNumber: return IsNumeric(t);
    case SK::kString: return IsStringy(t);
    case SK::kTimestamp: return t->kind() == TK::kTimestamp;
    case SK::kDuration: return t->kind() == TK::kDuration;
    case SK::kList: return t->kind() == TK::kList;
    case SK::kMap: return t->kind() == TK::kMap;
    case SK::kA:
    case SK::kB: break;
  }
  return false;
}

bool Fits(const TypeSpec& param, const TypePtr& t, Overload::Bind rule, Bindings* bound) {
  if (param.kind != SK::kList && param.kind != SK::kMap) return FitsKind(param.kind, t, rule, bound);
  if (IsDyn(t)) return true;  // binds nothing: the items' type is unknown
  if (param.kind == SK::kList) return t->kind() == TK::kList && FitsKind(param.elem, t->elem(), rule, bound);
  return t->kind() == TK::kMap && FitsKind(param.elem, t->elem(), rule, bound) &&
         FitsKind(param.value, t->value(), rule, bound);
}

TypePtr Make(SK k, const Bindings& bound) {
  switch (k) {
    case SK::kBool: return Type::Bool();
    case SK::kInt: return Type::Int();
    case SK::kUint: return Type::Uint();
    case SK::kDouble: return Type::Double();
    case SK::kString: return Type::String();
    case SK::kTimestamp: return Type::Timestamp();
    case SK::kDuration: return Type::Duration();
    case SK::kA: return bound.a ? bound.a : Type::Dyn();
    case SK::kB: return bound.b ? bound.b : Type::Dyn();
    case SK::kDyn:
    case SK::kNumber:
    case SK::kList:
    case SK::kMap: break;
  }
  return Type::Dyn();
}

TypePtr ResultOf(const TypeSpec& result, const Bindings& bound) {
  if (result.kind == SK::kList) return Type::List(Make(result.elem, bound));
  if (result.kind == SK::kMap) return Type::Map(Make(result.elem, bound), Make(result.value, bound));
  return Make(result.kind, bound);
}

}  // namespace

TypePtr ResolveOverload(const Builtin& b, bool receiver, const std::vector<TypePtr>& args, std::string* why) {
  const CallStyle style = receiver ? CallStyle::kReceiver : CallStyle::kGlobal;
  const bool style_fits = (static_cast<unsigned>(b.style) & static_cast<unsigned>(style)) != 0;
  bool unknown = false;
  for (const TypePtr& t : args) unknown = unknown || IsDyn(t);
  TypePtr result;
  bool differ = false;
  for (const Overload& o : b.overloads) {
    if (!style_fits || o.params.size() != args.size()) continue;
    Bindings bound;
    bool fits = true;
    for (std::size_t i = 0; fits && i < args.size(); ++i) fits = Fits(o.params[i], args[i], o.bind, &bound);
    if (!fits) continue;
    TypePtr r = unknown && o.dyn_if_unknown ? Type::Dyn() : ResultOf(o.result, bound);
    if (!result) {
      result = std::move(r);
    } else if (!Same(result, r)) {
      differ = true;
    }
  }
  if (!result) {
    if (b.mismatch) *why = b.mismatch(args);
    return nullptr;
  }
  return differ ? Type::Dyn() : result;
}

}  // namespace aftersales::internal
