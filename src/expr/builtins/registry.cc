// The registry: every area's declarations in one list, in area order, and
// an index by name. Built once, on first use; read-only after.
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "expr/builtins.h"
#include "expr/builtins/support.h"
#include "expr/parser.h"

namespace aftersales::internal {
namespace {

const std::vector<Builtin>& Declared() {
  static const std::vector<Builtin>* all = [] {
    auto* v = new std::vector<Builtin>;
    builtins::DeclareLogic(v);
    builtins::DeclareArithmetic(v);
    builtins::DeclareComparison(v);
    builtins::DeclareCollections(v);
    builtins::DeclareStrings(v);
    builtins::DeclareRegex(v);
    builtins::DeclareConversions(v);
    builtins::DeclareTime(v);
    builtins::DeclareMoney(v);
    return v;
  }();
  return *all;
}

}  // namespace

const std::vector<const Builtin*>& AllBuiltins() {
  static const std::vector<const Builtin*>* all = [] {
    auto* v = new std::vector<const Builtin*>;
    for (const Builtin& b : Declared()) v->push_back(&b);
    return v;
  }();
  return *all;
}

const Builtin* FindBuiltin(std::string_view name) {
  static const auto* index = [] {
    auto* m = new std::unordered_map<std::string_view, const Builtin*>;
    for (const Builtin* b : AllBuiltins()) m->emplace(b->name, b);
    return m;
  }();
  auto it = index->find(name);
  return it == index->end() ? nullptr : it->second;
}

const std::vector<std::string>& SuggestedNames() {
  static const std::vector<std::string>* names = [] {
    auto* v = new std::vector<std::string>;
    for (const Builtin* b : AllBuiltins()) {
      if (b->form == Form::kFunction) v->emplace_back(b->name);
    }
    v->emplace_back(kHasMacro);
    for (const ComprehensionMacro& m : kComprehensionMacros) v->emplace_back(m.name);
    return v;
  }();
  return *names;
}

}  // namespace aftersales::internal
