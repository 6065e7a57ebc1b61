#include "expr/type.h"

#include <algorithm>
#include <functional>

namespace aftersales::internal {

bool EnumType::Contains(std::string_view v) const {
  return std::find(values.begin(), values.end(), v) != values.end();
}

int EnumType::IndexOf(std::string_view v) const {
  if (index.size() == values.size()) return index.Find(v);
  for (std::size_t i = 0; i < values.size(); ++i) {  // not sealed
    if (values[i] == v) return static_cast<int>(i);
  }
  return -1;
}

int EnumType::IndexOfStored(const std::string& v) const {
  const int stored = StoredIndex(v);
  return stored >= 0 ? stored : IndexOf(v);
}

void EnumType::Seal() {
  index = WordIndex();
  for (const std::string& v : values) index.Add(v);
}

namespace {
TypePtr Make(Type::Kind k, TypePtr a = nullptr, TypePtr b = nullptr,
             std::shared_ptr<const EnumType> e = nullptr) {
  return std::make_shared<const Type>(k, std::move(a), std::move(b), std::move(e));
}
}  // namespace

TypePtr Type::Dyn() { static const TypePtr t = Make(Kind::kDyn); return t; }
TypePtr Type::Null() { static const TypePtr t = Make(Kind::kNull); return t; }
TypePtr Type::Bool() { static const TypePtr t = Make(Kind::kBool); return t; }
TypePtr Type::Int() { static const TypePtr t = Make(Kind::kInt); return t; }
TypePtr Type::Uint() { static const TypePtr t = Make(Kind::kUint); return t; }
TypePtr Type::Double() { static const TypePtr t = Make(Kind::kDouble); return t; }
TypePtr Type::String() { static const TypePtr t = Make(Kind::kString); return t; }
TypePtr Type::Timestamp() { static const TypePtr t = Make(Kind::kTimestamp); return t; }
TypePtr Type::Duration() { static const TypePtr t = Make(Kind::kDuration); return t; }
TypePtr Type::Error() { static const TypePtr t = Make(Kind::kError); return t; }
TypePtr Type::Enum(std::shared_ptr<const EnumType> e) { return Make(Kind::kEnum, nullptr, nullptr, std::move(e)); }
TypePtr Type::List(TypePtr elem) { return Make(Kind::kList, std::move(elem)); }
TypePtr Type::Map(TypePtr key, TypePtr value) { return Make(Kind::kMap, std::move(key), std::move(value)); }

std::string Type::ToString() const {
  switch (kind_) {
    case Kind::kDyn: return "dyn";
    case Kind::kNull: return "null_type";
    case Kind::kBool: return "bool";
    case Kind::kInt: return "int";
    case Kind::kUint: return "uint";
    case Kind::kDouble: return "double";
    case Kind::kString: return "string";
    case Kind::kEnum: return enum_ ? enum_->name : "enum";
    case Kind::kTimestamp: return "timestamp";
    case Kind::kDuration: return "duration";
    case Kind::kList: return "list(" + (a_ ? a_->ToString() : "dyn") + ")";
    case Kind::kMap:
      return "map(" + (a_ ? a_->ToString() : "dyn") + ", " + (b_ ? b_->ToString() : "dyn") + ")";
    case Kind::kError: return "error";
  }
  return "?";
}

bool IsAssignable(const Type& to, const Type& from) {
  using K = Type::Kind;
  if (to.kind() == K::kDyn || from.kind() == K::kDyn) return true;
  if (to.kind() == K::kError || from.kind() == K::kError) return true;
  if (to.kind() == K::kString && from.kind() == K::kEnum) return true;
  if (to.kind() == K::kEnum && from.kind() == K::kEnum) return to.enum_type() == from.enum_type();
  if (to.kind() == K::kEnum && from.kind() == K::kString) return false;
  if (to.kind() != from.kind()) return false;
  if (to.kind() == K::kList) {
    return !to.elem() || !from.elem() || IsAssignable(*to.elem(), *from.elem());
  }
  if (to.kind() == K::kMap) {
    return (!to.elem() || !from.elem() || IsAssignable(*to.elem(), *from.elem())) &&
           (!to.value() || !from.value() || IsAssignable(*to.value(), *from.value()));
  }
  return true;
}

}  // namespace aftersales::internal
