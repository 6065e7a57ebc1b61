// Collections: size() of a string (in code points), a list or a map;
// membership (`x in list`, `key in map`) and indexing (`list[i]`, `map[key]`).
#include <cmath>
#include <cstdint>
#include <string>

#include "expr/builtins/support.h"

namespace aftersales::internal::builtins {
namespace {

std::int64_t CodePoints(const std::string& s) {
  std::int64_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

// A string's bytes are charged by the call (Cost::ArgBytes).
Value Size(const Value* a, std::size_t n, const BuiltinData&, Frame&) {
  switch (a[0].kind()) {
    case K::kString:
      return Value::Int(CodePoints(a[0].string_value()));
    case K::kList: return Value::Int(static_cast<std::int64_t>(a[0].list_value().size()));
    case K::kMap: return Value::Int(static_cast<std::int64_t>(a[0].map_value().size()));
    default: return NoOverload("size", a, n);
  }
}

const Value* MapLookup(const Value& map, const Value& key) {
  for (const auto& [k, v] : map.map_value()) {
    if (ValuesEqual(k, key)) return &v;
  }
  return nullptr;
}

Value In(const Value* a, std::size_t n, const BuiltinData&, Frame& f) {
  if (a[1].kind() == K::kList) {
    // Each item compared is charged for what comparing it took (nested
    // lists item by item), and the search stops when the budget is spent.
    ChargedEquality equality(f.ctx->steps_left);
    bool found = false;
    for (const Value& e : a[1].list_value()) {
      if (equality.Equal(e, a[0])) {
        found = true;
        break;
      }
      if (equality.spent()) break;
    }
    f.ctx->steps_left -= equality.steps();
    if (equality.spent()) return BudgetError();
    return Value::Bool(found);
  }
  if (a[1].kind() == K::kMap) {
    Charge(f, a[1].map_value().size(), kItemsPerStep);
    return Value::Bool(MapLookup(a[1], a[0]) != nullptr);
  }
  return NoOverload("in", a, n);
}

Value Index(const Value* a, std::size_t n, const BuiltinData&, Frame& f) {
  if (a[0].kind() == K::kList) {
    const auto& l = a[0].list_value();
    std::int64_t i;
    K k = a[1].kind();
    if (k == K::kInt) {
      i = a[1].int_value();
    } else if (k == K::kUint) {
      if (a[1].uint_value() > static_cast<std::uint64_t>(INT64_MAX)) return Err("index out of range");
      i = static_cast<std::int64_t>(a[1].uint_value());
    } else if (k == K::kDouble) {
      double d = a[1].double_value();
      if (d != std::trunc(d) || std::abs(d) > 9e15) return Err("invalid list index: " + FormatCelLiteral(a[1]));
      i = static_cast<std::int64_t>(d);
    } else {
      return NoOverload("[]", a, n);
    }
    if (i < 0 || static_cast<std::uint64_t>(i) >= l.size()) {
      return Err("index out of range: " + std::to_string(i));
    }
    return l[static_cast<std::size_t>(i)];
  }
  if (a[0].kind() == K::kMap) {
    K k = a[1].kind();
    if (k != K::kString && k != K::kInt && k != K::kUint && k != K::kBool && k != K::kDouble) {
      return Err("unsupported map key type: " + std::string(Value::KindName(k)));
    }
    Charge(f, a[0].map_value().size(), kItemsPerStep);
    const Value* v = MapLookup(a[0], a[1]);
    if (!v) return Err("no such key: " + FormatCelLiteral(a[1]));
    return *v;
  }
  return NoOverload("[]", a, n);
}

}  // namespace

void DeclareCollections(std::vector<Builtin>* out) {
  using namespace sig;
  // A string's size counts its code points, reading every byte.
  out->push_back({.name = "size", .display = "size", .style = CallStyle::kBoth,
                  .overloads = {{{String}, Int}, {{ListOf(Dyn)}, Int}, {{MapOf(Dyn, Dyn)}, Int}},
                  .impl = Size, .cost = Cost::ArgBytes(0, kBytesPerStep)});
  // The value must be comparable with the list's items or the map's keys.
  // Against a list of literals, `in` compiles to a node that holds it.
  out->push_back({.name = "@in", .display = "in", .form = Form::kOperator,
                  .overloads = {{{A, ListOf(A)}, Bool, Overload::Bind::kComparable},
                                {{A, MapOf(A, B)}, Bool, Overload::Bind::kComparable}},
                  .impl = In, .cost = Cost::Measured(), .literal_form = LiteralForm::kIn});
  // Lists are indexed by int or uint (a double index is allowed only at
  // run time, when it is whole), maps by a key comparable with theirs.
  out->push_back({.name = "_[_]", .display = "[]", .form = Form::kOperator,
                  .overloads = {{{ListOf(A), Int}, A},
                                {{ListOf(A), Uint}, A},
                                {{MapOf(A, B), A}, B, Overload::Bind::kComparable}},
                  .impl = Index, .cost = Cost::Measured()});
}

}  // namespace aftersales::internal::builtins
