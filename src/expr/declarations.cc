#include "expr/declarations.h"

#include "expr/node.h"

namespace aftersales::internal {

bool Declarations::Add(std::string name, TypePtr type, VarRef ref) {
  if (index_.count(name)) return false;
  for (std::size_t dot = name.find('.'); dot != std::string::npos; dot = name.find('.', dot + 1)) {
    ++namespaces_[name.substr(0, dot)];
  }
  index_.emplace(name, decls_.size());
  Value absent = ref.space == kNamedValueSpace ? Value() : AbsentError(ref, name);
  decls_.push_back(VarDecl{std::move(name), std::move(type), ref, std::move(absent)});
  return true;
}

const VarDecl* Declarations::Find(std::string_view name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &decls_[it->second];
}

bool Declarations::IsNamespace(std::string_view prefix) const {
  return namespaces_.count(std::string(prefix)) > 0;
}

}  // namespace aftersales::internal
