#include "policy/rule_builder.h"

#include <algorithm>
#include <optional>
#include <unordered_map>
#include <utility>

#include "policy/schema_builder.h"
#include "policy/script_template.h"
#include "policy/variable_builder.h"

namespace aftersales::internal {

namespace {

using SeenIds = std::unordered_map<std::string, SourceLocation>;

// Reads an `id`: a bare word, unique among `seen`. Empty when missing/bad.
std::string ReadId(const YamlNode& map, std::string_view kind, std::string_view what,
                   SeenIds* seen, BuildContext& ctx, SourceLocation* location) {
  *location = map.location;
  const YamlNode* node = ctx.Require(map, "id", what);
  if (node == nullptr) return "";
  *location = node->location;
  const std::string* id = ctx.ExpectScalar(*node, "the id of " + std::string(what));
  if (id == nullptr) return "";
  if (!IsBareWord(*id)) {
    ctx.Error("schema.name",
              std::string(kind) + " id '" + Quote(*id) +
                  "' must be letters, digits, '_' or '-'",
              node->location);
    return "";
  }
  auto [first, inserted] = seen->emplace(*id, node->location);
  if (!inserted) {
    ctx.Error("schema.duplicate",
              std::string(kind) + " id '" + *id + "' is used twice (first at " +
                  FormatLocation(first->second) + ")",
              node->location);
  }
  return *id;
}

void CheckDescription(const YamlNode& map, std::string_view what, BuildContext& ctx,
                      std::string* out) {
  const YamlNode* d = map.Find("description");
  if (d == nullptr || d->kind == YamlNode::Kind::kNull) return;
  if (!d->IsScalar()) {
    ctx.Error("schema.kind", "the description of " + std::string(what) + " must be text",
              d->location);
    return;
  }
  *out = d->value;
}

const FieldDecl* FindDecision(const Schema& schema, const std::string& name) {
  auto it = schema.decision_index.find(name);
  return it == schema.decision_index.end() ? nullptr : &schema.decisions[it->second];
}

// One `then` entry: a decision field and its value.
std::optional<Assignment> BuildAssignment(const YamlNode& key, const YamlNode& value,
                                          std::string_view rule_what, BuildContext& ctx,
                                          const Schema& schema, const Declarations& decls) {
  if (!key.IsScalar() || key.value.empty()) {
    ctx.Error("schema.kind", "the keys of 'then' must be decision field names", key.location);
    return std::nullopt;
  }
  const std::string& name = key.value;
  const FieldDecl* field = FindDecision(schema, name);
  if (field == nullptr) {
    std::string hint;
    if (name.rfind("decision.", 0) == 0 && FindDecision(schema, name.substr(9))) {
      hint = " ('then' names fields without the 'decision.' prefix: write '" +
             name.substr(9) + "')";
    } else {
      auto group = std::find_if(schema.groups.begin(), schema.groups.end(),
                                [&](const GroupDecl& g) { return g.name == name; });
      if (group != schema.groups.end()) {
        std::string parts;
        for (const FieldDecl& f : schema.decisions) {
          if (f.name.rfind(name + ".", 0) == 0) parts += (parts.empty() ? "" : ", ") + f.name;
        }
        ctx.Error("policy.undeclared_field",
                  "'" + name + "' is an object; set its fields instead (" + parts + ")",
                  key.location);
        return std::nullopt;
      }
      std::vector<std::string> names;
      for (const FieldDecl& f : schema.decisions) names.push_back(f.name);
      hint = SuggestionSuffix(name, names);
    }
    ctx.Error("policy.undeclared_field",
              "'" + Quote(name) + "' in the 'then' of " + std::string(rule_what) +
                  " is not a declared decision field" + hint,
              key.location);
    return std::nullopt;
  }

  Assignment assignment;
  assignment.slot = field->slot;
  assignment.location = value.location;
  std::string what = "the value of '" + name + "'";
  const Type::Kind kind = field->type->kind();
  ParsedType parsed{field->type, field->money, false};
  if (value.kind == YamlNode::Kind::kNull) {
    ctx.Error("schema.empty", what + " in the 'then' of " + std::string(rule_what) +
                                  " must not be empty",
              value.location);
    return std::nullopt;
  }
  if (value.IsSequence() && kind == Type::Kind::kList) {
    std::optional<Value> constant = ConstantFromYaml(value, parsed, what, ctx);
    if (!constant) return std::nullopt;
    assignment.constant = std::move(*constant);
    return assignment;
  }
  if (value.IsScalar() && kind == Type::Kind::kEnum && IsBareWord(value.value)) {
    std::optional<Value> constant = ConstantFromYaml(value, parsed, what, ctx);
    if (!constant) return std::nullopt;
    assignment.constant = std::move(*constant);
    return assignment;
  }
  if (!value.IsScalar()) {
    ctx.Error("schema.kind",
              what + " must be " +
                  (kind == Type::Kind::kList ? "a list or an expression"
                                             : std::string("an expression")) +
                  ", not " + std::string(KindName(value)),
              value.location);
    return std::nullopt;
  }
  assignment.program = ctx.CompileExpr(value, decls, field->type, what);
  if (!assignment.program) return std::nullopt;
  return assignment;
}

// `script: {locale: text}` -> one optional Template per policy locale.
void BuildScripts(const YamlNode& script, std::string_view rule_what, BuildContext& ctx,
                  const PolicyModel& model, const Declarations& decls, Rule* rule) {
  rule->scripts.assign(model.locales.size(), std::nullopt);
  std::string what = "the script of " + std::string(rule_what);
  if (!ctx.ExpectMap(script, what)) return;
  for (const auto& [key, text] : script.entries) {
    if (!key.IsScalar()) {
      ctx.Error("schema.kind", "the keys of " + what + " must be locales", key.location);
      continue;
    }
    auto it = std::find(model.locales.begin(), model.locales.end(), key.value);
    if (it == model.locales.end()) {
      std::string list;
      for (const std::string& l : model.locales) list += (list.empty() ? "" : ", ") + l;
      ctx.Error("policy.locale",
                "unknown locale '" + Quote(key.value) + "' in " + what +
                    SuggestionSuffix(key.value, model.locales) + "; the policy's locales are " +
                    list,
                key.location);
      continue;
    }
    const std::string* body = ctx.ExpectScalar(text, "the " + key.value + " text of " + what);
    if (body == nullptr) continue;
    std::vector<TemplateIssue> issues;
    Template tmpl = CompileTemplate(*body, model.schema, &issues, &decls);
    for (TemplateIssue& issue : issues) {
      ctx.Error(issue.code, std::move(issue.message), ctx.InScalar(text, issue.offset));
    }
    if (!issues.empty()) continue;
    tmpl.location = text.location;
    rule->scripts[static_cast<std::size_t>(it - model.locales.begin())] = std::move(tmpl);
  }
}

bool AlwaysTrue(const YamlNode* when) {
  return when == nullptr || (when->IsScalar() && when->value == "true");
}

// `decls`: what the rule's expressions and scripts read (the schema's names
// and the named values in scope).
void BuildRule(const YamlNode& node, SeenIds* rule_ids, BuildContext& ctx, PolicyModel* model,
               const Declarations& decls, Rule* rule) {
  SourceLocation where;
  rule->id = ReadId(node, "rule", "a rule", rule_ids, ctx, &where);
  rule->location = where;
  std::string what = rule->id.empty() ? "a rule" : "rule '" + rule->id + "'";
  ctx.CheckKeys(node, {"id", "description", "when", "then", "script"}, what);
  CheckDescription(node, what, ctx, &rule->description);

  if (const YamlNode* when = node.Find("when")) {
    rule->when_location = when->location;
    rule->when = ctx.CompileExpr(*when, decls, Type::Bool(),
                                 "the 'when' of " + what);
  }
  if (const YamlNode* then = node.Find("then")) {
    if (ctx.ExpectMap(*then, "the 'then' of " + what)) {
      for (const auto& [key, value] : then->entries) {
        if (std::optional<Assignment> a = BuildAssignment(key, value, what, ctx, model->schema, decls)) {
          rule->then.push_back(std::move(*a));
        }
      }
    }
  }
  if (const YamlNode* script = node.Find("script")) {
    BuildScripts(*script, what, ctx, *model, decls, rule);
  } else {
    rule->scripts.assign(model->locales.size(), std::nullopt);
  }
}

void BuildStage(const YamlNode& node, SeenIds* stage_ids, SeenIds* rule_ids, BuildContext& ctx,
                PolicyModel* model, const Declarations& policy_values, const Declarations& policy_rules) {
  if (!ctx.ExpectMap(node, "a stage")) return;
  Stage stage;
  SourceLocation where;
  stage.id = ReadId(node, "stage", "a stage", stage_ids, ctx, &where);
  stage.location = where;
  std::string what = stage.id.empty() ? "a stage" : "stage '" + stage.id + "'";
  ctx.CheckKeys(node, {"id", "hit", "description", "variables", "rules"}, what);
  CheckDescription(node, what, ctx, &stage.description);
  if (const YamlNode* hit = node.Find("hit")) {
    if (const std::string* h = ctx.ExpectScalar(*hit, "the 'hit' of " + what)) {
      if (*h == "first") {
        stage.hit = HitPolicy::kFirst;
      } else if (*h == "collect") {
        stage.hit = HitPolicy::kCollect;
      } else {
        ctx.Error("schema.value",
                  "the 'hit' of " + what + " must be first or collect, not '" + Quote(*h) + "'" +
                      SuggestionSuffix(*h, {"first", "collect"}),
                  hit->location);
      }
    }
  }
  // The stage's own named values, seen by its rules only.
  const Declarations* decls = &policy_rules;
  Declarations stage_values, stage_rules;
  if (const YamlNode* variables = node.Find("variables")) {
    stage_values = policy_values;
    stage_rules = policy_rules;
    BuildVariables({variables}, stage.id.empty() ? "?" : stage.id, ctx, model, &stage_values,
                   &stage_rules);
    decls = &stage_rules;
  }
  const YamlNode* rules = ctx.Require(node, "rules", what);
  if (rules != nullptr && ctx.ExpectSequence(*rules, "the rules of " + what)) {
    if (rules->items.empty()) {
      ctx.Warning("policy.empty_stage", what + " has no rules", rules->location);
    }
    std::string always_id;
    for (const YamlNode& item : rules->items) {
      if (!ctx.ExpectMap(item, "a rule")) continue;
      Rule rule;
      BuildRule(item, rule_ids, ctx, model, *decls, &rule);
      if (!always_id.empty()) {
        ctx.Warning("policy.unreachable",
                    "rule '" + rule.id + "' is never tried: rule '" + always_id +
                        "' before it always matches in this 'first' stage",
                    rule.location);
      } else if (stage.hit == HitPolicy::kFirst && AlwaysTrue(item.Find("when"))) {
        always_id = rule.id.empty() ? "?" : rule.id;
      }
      stage.rules.push_back(std::move(rule));
    }
  }
  model->stages.push_back(std::move(stage));
}

}  // namespace

void BuildStages(const std::vector<const YamlNode*>& sections, BuildContext& ctx,
                 PolicyModel* model, const Declarations& values, const Declarations& rules) {
  SeenIds stage_ids, rule_ids;
  for (const YamlNode* section : sections) {
    if (!ctx.ExpectSequence(*section, "'stages'")) continue;
    for (const YamlNode& item : section->items) {
      BuildStage(item, &stage_ids, &rule_ids, ctx, model, values, rules);
    }
  }
}

void BuildInvariants(const std::vector<const YamlNode*>& sections, BuildContext& ctx,
                     PolicyModel* model, const Declarations& decls) {
  SeenIds ids;
  for (const YamlNode* section : sections) {
    if (!ctx.ExpectSequence(*section, "'invariants'")) continue;
    for (const YamlNode& node : section->items) {
      if (!ctx.ExpectMap(node, "an invariant")) continue;
      Invariant inv;
      SourceLocation where;
      inv.id = ReadId(node, "invariant", "an invariant", &ids, ctx, &where);
      inv.location = where;
      std::string what = inv.id.empty() ? "an invariant" : "invariant '" + inv.id + "'";
      ctx.CheckKeys(node, {"id", "check", "message", "description"}, what);
      std::string description;
      CheckDescription(node, what, ctx, &description);
      if (const YamlNode* message = node.Find("message")) {
        if (const std::string* m = ctx.ExpectScalar(*message, "the message of " + what)) {
          inv.message = *m;
        }
      }
      if (inv.message.empty()) inv.message = description;
      if (const YamlNode* check = ctx.Require(node, "check", what)) {
        inv.check = ctx.CompileExpr(*check, decls, Type::Bool(),
                                    "the check of " + what);
      }
      model->invariants.push_back(std::move(inv));
    }
  }
}

}  // namespace aftersales::internal
