#include "policy/variable_builder.h"

#include <algorithm>
#include <cstddef>
#include <memory>
#include <unordered_map>
#include <utility>

#include "expr/builtins.h"
#include "expr/compiler.h"

namespace aftersales::internal {

namespace {

struct Dependency {
  std::size_t index;     // into the scope's pending values
  std::uint32_t offset;  // where the expression reads it
};

struct Pending {
  const YamlNode* key = nullptr;
  const YamlNode* value = nullptr;
  std::string name;
  bool buildable = true;  // false: declared as dyn, never compiled
  std::vector<Dependency> deps;
  enum class State { kNew, kVisiting, kDone } state = State::kNew;
  int depth = 1;          // 1 + the deepest named value of the scope it reads
  bool declared = false;
};

std::string ScopeName(const std::string& stage) {
  return stage.empty() ? "the policy's 'variables'" : "the 'variables' of stage '" + stage + "'";
}

bool IsBuiltinName(std::string_view name) {
  if (FindBuiltin(name) != nullptr) return true;
  const std::vector<std::string>& names = SuggestedNames();
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Checks a variable's name against everything it could be mistaken for;
// false (with an issue at the name) when it cannot be declared.
bool CheckName(const YamlNode& key, const std::string& stage, BuildContext& ctx,
               const PolicyModel& model, const Declarations& rules,
               const std::unordered_map<std::string, SourceLocation>& seen) {
  const std::string& name = key.value;
  if (!IsPlainName(name)) {
    ctx.Error("schema.name",
              "variable name '" + Quote(name) +
                  "' must be an identifier (letters, digits and '_', not starting with a digit, "
                  "no dots) and not a reserved word",
              key.location);
    return false;
  }
  if (auto it = seen.find(name); it != seen.end()) {
    ctx.Error("schema.duplicate",
              "variable '" + name + "' is declared twice in " + ScopeName(stage) + " (first at " +
                  FormatLocation(it->second) + ")",
              key.location);
    return false;
  }
  if (name == "decision") {
    ctx.Error("schema.name",
              "variable name 'decision' is taken: expressions read decision fields as "
              "decision.<field>",
              key.location);
    return false;
  }
  if (const VarDecl* d = rules.Find(name)) {
    if (d->ref.space == kNamedValueSpace && d->ref.slot < model.named_values.size()) {
      ctx.Error("schema.duplicate",
                "variable '" + name + "' is already a variable of the policy (at " +
                    FormatLocation(model.named_values[d->ref.slot].location) +
                    "); a stage's variables need names of their own",
                key.location);
    } else {
      ctx.Error("schema.name", "variable '" + name + "' has the name of a fact", key.location);
    }
    return false;
  }
  if (rules.IsNamespace(name)) {
    ctx.Error("schema.name",
              "variable '" + name + "' has the name of a group of facts (" + name + ".*)",
              key.location);
    return false;
  }
  if (model.schema.decision_index.count(name) != 0) {
    ctx.Error("schema.name",
              "variable '" + name + "' has the name of a decision field (decision." + name + ")",
              key.location);
    return false;
  }
  if (IsBuiltinName(name)) {
    ctx.Error("schema.name",
              "variable '" + name + "' has the name of a built-in function or macro",
              key.location);
    return false;
  }
  return true;
}

}  // namespace

Declarations FactDeclarations(const Schema& schema) {
  Declarations decls;
  for (const VarDecl& d : schema.declarations.all()) {
    if (d.ref.space == kFactSpace) decls.Add(d.name, d.type, d.ref);
  }
  return decls;
}

void BuildVariables(const std::vector<const YamlNode*>& sections, const std::string& stage,
                    BuildContext& ctx, PolicyModel* model, Declarations* values,
                    Declarations* rules) {
  const std::string scope = ScopeName(stage);
  std::vector<Pending> pending;
  std::unordered_map<std::string, SourceLocation> seen;
  std::unordered_map<std::string, std::size_t> by_name;
  for (const YamlNode* section : sections) {
    if (section->kind == YamlNode::Kind::kNull) continue;
    if (!ctx.ExpectMap(*section, scope)) continue;
    for (const auto& [key, value] : section->entries) {
      if (!key.IsScalar() || key.value.empty()) {
        ctx.Error("schema.kind", "the keys of " + scope + " must be names", key.location);
        continue;
      }
      bool ok = CheckName(key, stage, ctx, *model, *rules, seen);
      if (!ok && seen.count(key.value) != 0) continue;  // the first keeps the name
      seen.emplace(key.value, key.location);
      Pending p;
      p.key = &key;
      p.value = &value;
      p.name = key.value;
      p.buildable = ok;
      if (ok && value.kind == YamlNode::Kind::kNull) {
        ctx.Error("schema.empty", "variable '" + p.name + "' has no expression", value.location);
        p.buildable = false;
      } else if (ok && !value.IsScalar()) {
        ctx.Error("schema.kind",
                  "variable '" + p.name + "' must be an expression, not " +
                      std::string(KindName(value)),
                  value.location);
        p.buildable = false;
      }
      if (ok) by_name.emplace(p.name, pending.size());
      pending.push_back(std::move(p));
    }
  }

  // What each reads: named values of this scope (compiled first) and never
  // a decision field (a named value is worked out once per decision, while
  // decision fields change as rules fire).
  for (Pending& p : pending) {
    if (!p.buildable) continue;
    for (const NameUse& use : ReferencedNames(p.value->value, ctx.options().limits.max_expression_depth)) {
      if (use.name == "decision") {
        ctx.Error("expr.undeclared",
                  "variable '" + p.name +
                      "' reads a decision field: a variable is worked out from facts and other "
                      "variables only, once per decision",
                  ctx.InScalar(*p.value, use.offset));
        p.buildable = false;
        break;
      }
      auto it = by_name.find(use.name);
      if (it != by_name.end()) p.deps.push_back({it->second, use.offset});
    }
  }

  auto declare = [&](Pending& p, std::unique_ptr<const Program> program) {
    if (p.declared || by_name.count(p.name) == 0 || by_name.at(p.name) != static_cast<std::size_t>(&p - pending.data())) {
      return;  // a name refused (a duplicate, a fact's) is not declared again
    }
    p.declared = true;
    TypePtr type = program ? program->type() : Type::Dyn();
    VarRef ref{kNamedValueSpace, static_cast<std::uint32_t>(model->named_values.size())};
    values->Add(p.name, type, ref);
    rules->Add(p.name, type, ref);
    model->named_values.push_back(NamedValue{p.name, stage, std::move(program), p.key->location});
  };

  // Depth-first over the dependencies, each compiled after those it reads
  // (a stack of its own: a long chain must not use up the thread's).
  struct Frame {
    std::size_t index;
    std::size_t next_dep;
  };
  for (std::size_t root = 0; root < pending.size(); ++root) {
    if (pending[root].state != Pending::State::kNew) continue;
    std::vector<Frame> stack{{root, 0}};
    pending[root].state = Pending::State::kVisiting;
    while (!stack.empty()) {
      Frame& top = stack.back();
      Pending& p = pending[top.index];
      if (top.next_dep < p.deps.size()) {
        const Dependency dep = p.deps[top.next_dep++];
        Pending& d = pending[dep.index];
        if (d.state == Pending::State::kNew) {
          d.state = Pending::State::kVisiting;
          stack.push_back({dep.index, 0});
        } else if (d.state == Pending::State::kVisiting) {
          // A cycle: from `d` on the stack up to `p`, and back to `d`.
          std::string chain;
          bool in_cycle = false;
          for (const Frame& f : stack) {
            if (f.index == dep.index) in_cycle = true;
            if (!in_cycle) continue;
            chain += pending[f.index].name + " -> ";
            pending[f.index].buildable = false;
          }
          chain += d.name;
          ctx.Error("expr.cycle",
                    "variables depend on each other in a cycle: " + chain +
                        " (a variable cannot be worked out from itself)",
                    ctx.InScalar(*p.value, dep.offset));
        } else {
          p.depth = std::max(p.depth, d.depth + 1);
        }
        continue;
      }
      // Every dependency is declared: compile this one.
      std::unique_ptr<const Program> program;
      if (p.buildable && p.depth > kMaxNamedValueDepth) {
        ctx.Error("expr.limit",
                  "variable '" + p.name + "' builds on variables " + std::to_string(p.depth) +
                      " deep (a variable that reads a variable that reads ...); the limit is " +
                      std::to_string(kMaxNamedValueDepth),
                  p.key->location);
        p.buildable = false;
      }
      if (p.buildable) {
        // One that reads a broken value reads it as dyn: only its own
        // problems are reported.
        program = ctx.CompileExpr(*p.value, *values, nullptr, "variable '" + p.name + "'");
        if (!program) p.buildable = false;
      }
      p.state = Pending::State::kDone;
      declare(p, std::move(program));
      stack.pop_back();
      if (!stack.empty()) {
        Pending& parent = pending[stack.back().index];
        parent.depth = std::max(parent.depth, p.depth + 1);
      }
    }
  }
}

}  // namespace aftersales::internal
