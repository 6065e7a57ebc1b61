#include "policy/schema_compare.h"

#include <algorithm>

namespace aftersales::internal {
namespace {

bool SameType(const Type& a, const Type& b) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case Type::Kind::kEnum:
      return a.enum_type()->name == b.enum_type()->name && a.enum_type()->values == b.enum_type()->values;
    case Type::Kind::kList:
      return SameType(*a.elem(), *b.elem());
    case Type::Kind::kMap:
      return SameType(*a.elem(), *b.elem()) && SameType(*a.value(), *b.value());
    default:
      return true;
  }
}

std::string TypeName(const FieldDecl& f) {
  if (f.money) return "money";
  const Type& t = *f.type;
  if (t.kind() != Type::Kind::kEnum) return t.ToString();
  std::string words;
  for (const std::string& w : t.enum_type()->values) words += (words.empty() ? "" : ", ") + w;
  return t.enum_type()->name + " [" + words + "]";
}

bool SameDefault(const Value& a, const Value& b) {
  if (a.is_absent() || b.is_absent()) return a.is_absent() == b.is_absent();
  return a.kind() == b.kind() && ValuesEqual(a, b);
}

std::string Ordinal(std::size_t i) { return "#" + std::to_string(i + 1); }

}  // namespace

std::string FactSchemaDifference(const PolicyModel& mine, const PolicyModel& other) {
  const std::vector<FieldDecl>& a = mine.schema.facts;
  const std::vector<FieldDecl>& b = other.schema.facts;
  for (const FieldDecl& f : a) {
    if (!other.schema.fact_index.count(f.name)) return "it does not declare fact '" + f.name + "'";
  }
  for (const FieldDecl& f : b) {
    if (!mine.schema.fact_index.count(f.name)) {
      return "it declares fact '" + f.name + "', which this policy does not";
    }
  }
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (a[i].name != b[i].name) {
      return "it declares the facts in another order: its fact " + Ordinal(i) + " is '" + b[i].name +
             "', this policy's is '" + a[i].name + "'";
    }
    if (a[i].money != b[i].money || !SameType(*a[i].type, *b[i].type)) {
      return "its fact '" + a[i].name + "' is " + TypeName(b[i]) + ", this policy's is " + TypeName(a[i]);
    }
    if (!SameDefault(a[i].default_value, b[i].default_value)) {
      return "its fact '" + a[i].name + "' has another default";
    }
  }
  auto name = [](const PolicyModel& m, const std::optional<std::uint32_t>& slot) {
    return slot && *slot < m.schema.facts.size() ? "'" + m.schema.facts[*slot].name + "'" : std::string("none");
  };
  if (mine.locale_fact != other.locale_fact) {
    return "its locale_fact is " + name(other, other.locale_fact) + ", this policy's is " +
           name(mine, mine.locale_fact);
  }
  return "";
}

}  // namespace aftersales::internal
