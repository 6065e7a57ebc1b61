#include "policy/policy_builder.h"

#include <algorithm>
#include <deque>
#include <map>
#include <utility>

#include "policy/build_context.h"
#include "policy/digest.h"
#include "policy/header_builder.h"
#include "policy/rule_builder.h"
#include "policy/schema_builder.h"
#include "policy/variable_builder.h"
#include "policy/yaml_reader.h"

namespace aftersales::internal {

namespace {

constexpr std::string_view kBuiltinSchemaName = "<builtin>/schema.yaml";

struct Sections {
  std::vector<const YamlNode*> policy;
  SchemaSections schema;
  std::vector<const YamlNode*> stages;
  std::vector<const YamlNode*> invariants;
  std::vector<const YamlNode*> variables;
};

void CollectSections(const YamlNode& root, BuildContext& ctx, Sections* out) {
  ctx.CheckKeys(root, {"policy", "enums", "facts", "decisions", "variables", "stages", "invariants"},
                "a policy file");
  for (const auto& [key, value] : root.entries) {
    if (!key.IsScalar()) continue;
    const std::string& k = key.value;
    if (k == "policy") {
      if (!out->policy.empty()) {
        ctx.Error("schema.duplicate",
                  "a second 'policy' section (the first is at " +
                      FormatLocation(out->policy.front()->location) + "); a policy has one",
                  key.location);
        continue;
      }
      out->policy.push_back(&value);
    } else if (k == "enums") {
      out->schema.enums.push_back(&value);
    } else if (k == "facts") {
      out->schema.facts.push_back(&value);
    } else if (k == "decisions") {
      out->schema.decisions.push_back(&value);
    } else if (k == "stages") {
      out->stages.push_back(&value);
    } else if (k == "invariants") {
      out->invariants.push_back(&value);
    } else if (k == "variables") {
      out->variables.push_back(&value);
    }
  }
}

struct ReadFile {
  std::string name;
  const YamlNode* root = nullptr;  // the parsed file's
  int layer = 0;
};

// ---- Layers: a policy that extends a base -------------------------------

// The scalar id of a stage, rule or invariant map; nullptr when it has none.
const std::string* IdOf(const YamlNode& node) {
  if (!node.IsMap()) return nullptr;
  const YamlNode* id = node.Find("id");
  if (id == nullptr || !id->IsScalar() || id->value.empty()) return nullptr;
  return &id->value;
}

// Sets `key` of a map node to `value`, replacing an entry with that key.
void SetEntry(YamlNode* map, const YamlNode& key, const YamlNode& value) {
  for (auto& [k, v] : map->entries) {
    if (k.IsScalar() && k.value == key.value) {
      v = value;
      return;
    }
  }
  map->entries.emplace_back(key, value);
}

// Items of the sequences in `sections`; sections that are not sequences go
// to `other` untouched, so that BuildStages/BuildInvariants report them.
std::vector<YamlNode> Flatten(const std::vector<const YamlNode*>& sections,
                              std::vector<const YamlNode*>* other) {
  std::vector<YamlNode> items;
  for (const YamlNode* section : sections) {
    if (!section->IsSequence()) {
      other->push_back(section);
      continue;
    }
    for (const YamlNode& item : section->items) items.push_back(item);
  }
  return items;
}

// Puts the items of an overlay list (rules of one stage, or invariants) over
// the base list: an item whose id is in the base replaces it in place, any
// other item is appended. An id the overlay repeats is appended again, so the
// usual duplicate check reports it.
void OverlayById(std::vector<YamlNode>* base, const std::vector<YamlNode>& overlay) {
  std::vector<std::string> replaced;
  for (const YamlNode& item : overlay) {
    const std::string* id = IdOf(item);
    bool done = false;
    if (id != nullptr &&
        std::find(replaced.begin(), replaced.end(), *id) == replaced.end()) {
      for (YamlNode& b : *base) {
        const std::string* bid = IdOf(b);
        if (bid != nullptr && *bid == *id) {
          b = item;
          replaced.push_back(*id);
          done = true;
          break;
        }
      }
    }
    if (!done) base->push_back(item);
  }
}

// Puts the entries of an overlay's `variables` map over `base`'s: a name the
// base has is replaced in place (its expression and its place), others are
// appended. `from` is where the overlay's entries start being appended in
// `base`: names repeated within one layer are appended again, for the
// duplicate check to report.
void OverlayVariables(YamlNode* base, const YamlNode& overlay, std::size_t from) {
  for (const auto& [key, value] : overlay.entries) {
    bool replaced = false;
    if (key.IsScalar()) {
      for (std::size_t i = 0; i < from && i < base->entries.size(); ++i) {
        auto& [k, v] = base->entries[i];
        if (k.IsScalar() && k.value == key.value) {
          k = key;
          v = value;
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) base->entries.emplace_back(key, value);
  }
}

// Stages of an overlay over its base: a stage with a base stage's id merges
// into it (its rules by id, its other keys replacing the base's); a rule id
// the base has in another stage is an error; other stages are appended.
// A stage's rules: its `rules`, or its table's `rows`.
const YamlNode* RulesOf(const YamlNode& stage) {
  if (!stage.IsMap()) return nullptr;
  if (const YamlNode* rules = stage.Find("rules")) return rules;
  const YamlNode* table = stage.Find("table");
  return table != nullptr && table->IsMap() ? table->Find("rows") : nullptr;
}

void OverlayStages(std::vector<YamlNode>* base, const std::vector<YamlNode>& overlay,
                   BuildContext& ctx) {
  for (const YamlNode& stage : overlay) {
    const std::string* sid = IdOf(stage);
    YamlNode* target = nullptr;
    if (sid != nullptr) {
      for (YamlNode& b : *base) {
        const std::string* bid = IdOf(b);
        if (bid != nullptr && *bid == *sid) target = &b;
      }
    }
    if (target == nullptr) {
      base->push_back(stage);
      continue;
    }
    // A table merges as rules do: its rows by id; its other keys (inputs,
    // outputs), when given, replace the base table's.
    const YamlNode* over_table = stage.Find("table");
    const YamlNode* base_table = target->Find("table");
    const bool tables = over_table != nullptr && over_table->IsMap() && base_table != nullptr &&
                        base_table->IsMap();
    const YamlNode* over_rules = tables ? over_table->Find("rows") : stage.Find("rules");
    const YamlNode* base_rules = tables ? base_table->Find("rows") : target->Find("rules");
    std::vector<YamlNode> rules;
    if (base_rules != nullptr && base_rules->IsSequence()) rules = base_rules->items;
    if (over_rules != nullptr && over_rules->IsSequence()) {
      std::vector<YamlNode> mine;
      for (const YamlNode& rule : over_rules->items) {
        const std::string* rid = IdOf(rule);
        const YamlNode* elsewhere = nullptr;
        std::string elsewhere_stage;
        if (rid != nullptr) {
          for (const YamlNode& other : *base) {
            if (&other == target) continue;
            const YamlNode* other_rules = RulesOf(other);
            if (other_rules == nullptr || !other_rules->IsSequence()) continue;
            for (const YamlNode& r : other_rules->items) {
              const std::string* oid = IdOf(r);
              if (oid != nullptr && *oid == *rid) {
                elsewhere = &r;
                const std::string* name = IdOf(other);
                elsewhere_stage = name ? *name : "";
              }
            }
          }
        }
        if (elsewhere != nullptr) {
          ctx.Error("schema.duplicate",
                    "rule '" + *rid + "' is in stage '" + elsewhere_stage +
                        "' of the base policy (first at " + FormatLocation(elsewhere->location) +
                        "); an overlay replaces a rule within its own stage",
                    rule.Find("id")->location);
          continue;
        }
        mine.push_back(rule);
      }
      OverlayById(&rules, mine);
    }
    YamlNode merged = *target;
    for (const auto& [key, value] : stage.entries) {
      if (!key.IsScalar() || key.value == "id") continue;
      if (key.value == "rules" && value.IsSequence()) continue;
      if (key.value == "table" && tables) {
        YamlNode table = *base_table;
        for (const auto& [tkey, tvalue] : value.entries) {
          if (!tkey.IsScalar() || (tkey.value == "rows" && tvalue.IsSequence())) continue;
          SetEntry(&table, tkey, tvalue);
        }
        if (base_rules != nullptr && base_rules->IsSequence()) {
          YamlNode seq = *base_rules;
          seq.items = rules;
          YamlNode rows_key;
          rows_key.kind = YamlNode::Kind::kScalar;
          rows_key.value = "rows";
          SetEntry(&table, rows_key, seq);
        }
        SetEntry(&merged, key, table);
        continue;
      }
      // A stage's variables overlay by name, as the policy's do.
      const YamlNode* base_vars = target->Find("variables");
      if (key.value == "variables" && value.IsMap() && base_vars != nullptr && base_vars->IsMap()) {
        YamlNode vars = *base_vars;
        OverlayVariables(&vars, value, vars.entries.size());
        SetEntry(&merged, key, vars);
        continue;
      }
      SetEntry(&merged, key, value);
    }
    if (!tables && base_rules != nullptr && base_rules->IsSequence()) {
      YamlNode seq = *base_rules;
      seq.items = std::move(rules);
      YamlNode key;
      key.kind = YamlNode::Kind::kScalar;
      key.value = "rules";
      SetEntry(&merged, key, seq);
    }
    *target = std::move(merged);
  }
}

// The 'policy' section of an overlay over its base's: the overlay's keys
// win; name, version, description, extends and platforms are the overlay's
// alone (a base's platform overlays are not the overlay's: a platform
// overlay of rules/ that extends rules/ does not load them again).
YamlNode OverlayHeader(const YamlNode& base, const YamlNode& overlay) {
  if (!base.IsMap() || !overlay.IsMap()) return overlay;
  YamlNode merged = overlay;
  for (const auto& [key, value] : base.entries) {
    if (!key.IsScalar()) continue;
    const std::string& k = key.value;
    if (k == "name" || k == "version" || k == "description" || k == "extends" || k == "platforms") continue;
    if (overlay.Find(k) == nullptr) merged.entries.emplace_back(key, value);
  }
  return merged;
}

// Warns about required decision fields that nothing can ever set.
void CheckRequiredFields(const Sections& sections, BuildContext& ctx, const PolicyModel& model) {
  std::vector<bool> set(model.schema.decisions.size(), false);
  for (const Stage& stage : model.stages) {
    for (const Rule& rule : stage.rules) {
      for (const Assignment& a : rule.then) {
        if (a.slot < set.size()) set[a.slot] = true;
      }
    }
  }
  for (const FieldDecl& f : model.schema.decisions) {
    if (f.required && !set[f.slot] && f.default_value.is_absent()) {
      ctx.Warning("policy.never_set",
                  "decision field '" + f.name +
                      "' is required but has no default and no rule sets it: no case can be "
                      "decided",
                  f.location);
    }
  }
}

}  // namespace

ParsedFile ParsePolicyFile(std::string file_name, std::string text, const LoadOptions& options) {
  YamlReadOptions read_options;
  read_options.max_depth = options.limits.max_yaml_depth;
  read_options.max_nodes = options.limits.max_yaml_nodes;
  ParsedFile parsed{std::move(file_name), std::move(text), {}};
  parsed.doc = ReadYaml(parsed.text, parsed.file_name, read_options);
  return parsed;
}

BuildResult BuildPolicy(const std::vector<PolicySource>& sources, const LoadOptions& options,
                        PlatformsUse platforms) {
  std::vector<LayeredFile> files;
  files.reserve(sources.size());
  for (const PolicySource& source : sources) {
    files.push_back(LayeredFile{
        std::make_shared<const ParsedFile>(ParsePolicyFile(source.file_name, source.text, options)),
        source.layer});
  }
  return BuildPolicy(files, options, platforms);
}

BuildResult BuildPolicy(const std::vector<LayeredFile>& sources, const LoadOptions& options,
                        PlatformsUse platforms) {
  BuildContext ctx(options);
  BuildResult result;
  YamlReadOptions read_options;
  read_options.max_depth = options.limits.max_yaml_depth;
  read_options.max_nodes = options.limits.max_yaml_nodes;

  if (sources.empty()) {
    ctx.Error("policy.empty", "the policy has no files", SourceLocation{});
    result.issues = ctx.TakeIssues();
    return result;
  }

  // 1. YAML. Every file is read, so that all syntax errors show at once.
  std::vector<ReadFile> files;
  bool unreadable = false;
  std::size_t empty_files = 0;
  for (const LayeredFile& source : sources) {
    const ParsedFile& file = *source.file;
    ctx.AddSource(file.file_name, file.text);
    const YamlDocument& doc = file.doc;
    for (const Issue& issue : doc.issues) {
      if (issue.severity == Severity::kError) {
        ctx.Error(issue.code, issue.message, issue.location);
      } else {
        ctx.Warning(issue.code, issue.message, issue.location);
      }
    }
    if (!doc.root) {
      unreadable = true;
      continue;
    }
    if (doc.root->kind == YamlNode::Kind::kNull) {
      ++empty_files;
      files.push_back(ReadFile{file.file_name, &*doc.root});
      continue;
    }
    if (!doc.root->IsMap()) {
      ctx.Error("schema.kind",
                "a policy file must be a map of sections (policy, enums, facts, decisions, "
                "stages, invariants), not " +
                    std::string(KindName(*doc.root)),
                doc.root->location);
      unreadable = true;
      continue;
    }
    files.push_back(ReadFile{file.file_name, &*doc.root, source.layer});
  }
  if (!unreadable && empty_files == files.size()) {
    SourceLocation where{sources.front().file->file_name, 1, 1};
    ctx.Error("policy.empty",
              sources.size() == 1 ? "the policy file is empty (a policy needs at least a "
                                    "'policy' section with a name and a version)"
                                  : "every file of the policy is empty",
              where);
    unreadable = true;
  } else {
    for (const ReadFile& f : files) {
      if (f.root->kind == YamlNode::Kind::kNull) {
        ctx.Warning("policy.empty", "the file is empty", SourceLocation{f.name, 1, 1});
      }
    }
  }
  if (unreadable) {
    // What the broken file holds is unknown (maybe the facts everything else
    // uses), so checking the rest would only report follow-on errors.
    result.issues = ctx.TakeIssues();
    return result;
  }

  // 2. Sections, and the built-in schema when the policy declares none.
  // A policy in layers (an overlay over its base) merges them here: schema
  // sections add up, the header, stages and invariants overlay by id.
  Sections sections;
  std::deque<YamlNode> merged_nodes;  // owns what the merge builds
  std::map<int, Sections> layers;
  for (const ReadFile& f : files) {
    if (f.root->IsMap()) CollectSections(*f.root, ctx, &layers[f.layer]);
  }
  std::vector<const YamlNode*> deepest_policy;
  if (!layers.empty()) deepest_policy = layers.begin()->second.policy;
  if (layers.size() <= 1) {
    if (!layers.empty()) sections = std::move(layers.begin()->second);
  } else {
    const YamlNode* header = nullptr;
    std::vector<YamlNode> stages, invariants;
    YamlNode variables;  // the layers' `variables` maps, overlaid by name
    variables.kind = YamlNode::Kind::kMap;
    bool any_variables = false;
    bool first = true;
    for (auto& [layer, ls] : layers) {
      for (const YamlNode* n : ls.schema.enums) sections.schema.enums.push_back(n);
      for (const YamlNode* n : ls.schema.facts) sections.schema.facts.push_back(n);
      for (const YamlNode* n : ls.schema.decisions) sections.schema.decisions.push_back(n);
      if (!ls.policy.empty()) {
        header = header == nullptr
                     ? ls.policy.front()
                     : &merged_nodes.emplace_back(OverlayHeader(*header, *ls.policy.front()));
      }
      const std::size_t base_variables = variables.entries.size();
      for (const YamlNode* v : ls.variables) {
        if (!v->IsMap()) {
          sections.variables.push_back(v);  // reported as it is
          continue;
        }
        if (!any_variables) variables.location = v->location;
        any_variables = true;
        OverlayVariables(&variables, *v, base_variables);
      }
      std::vector<YamlNode> layer_stages = Flatten(ls.stages, &sections.stages);
      std::vector<YamlNode> layer_invariants = Flatten(ls.invariants, &sections.invariants);
      if (first) {
        stages = std::move(layer_stages);
        invariants = std::move(layer_invariants);
        first = false;
      } else {
        OverlayStages(&stages, layer_stages, ctx);
        OverlayById(&invariants, layer_invariants);
      }
    }
    if (header != nullptr) sections.policy.push_back(header);
    if (any_variables) sections.variables.push_back(&merged_nodes.emplace_back(std::move(variables)));
    YamlNode stage_seq;
    stage_seq.kind = YamlNode::Kind::kSequence;
    stage_seq.items = std::move(stages);
    if (!stage_seq.items.empty()) {
      stage_seq.location = stage_seq.items.front().location;
      sections.stages.insert(sections.stages.begin(), &merged_nodes.emplace_back(stage_seq));
    }
    YamlNode inv_seq;
    inv_seq.kind = YamlNode::Kind::kSequence;
    inv_seq.items = std::move(invariants);
    if (!inv_seq.items.empty()) {
      inv_seq.location = inv_seq.items.front().location;
      sections.invariants.insert(sections.invariants.begin(),
                                 &merged_nodes.emplace_back(inv_seq));
    }
  }
  // An 'extends' left in the deepest layer was never resolved: the loader
  // resolves it (src/policy/loader.cc), BuildPolicy alone does not. One
  // that is not a path (a list, nothing) was reported by the loader as such.
  {
    for (const YamlNode* p : deepest_policy) {
      const YamlNode* e = p->IsMap() ? p->Find("extends") : nullptr;
      if (e != nullptr && e->IsScalar() && !e->value.empty()) {
        ctx.Error("policy.extends",
                  "'extends' names a base policy, which only the loader reads (LoadPolicy, "
                  "LoadPolicyFromStrings)",
                  e->location);
      }
    }
  }
  std::optional<YamlNode> builtin_root;
  if (sections.schema.enums.empty() && sections.schema.facts.empty() &&
      sections.schema.decisions.empty()) {
    std::string builtin_name(kBuiltinSchemaName);
    ctx.AddSource(builtin_name, DefaultSchemaYaml());
    YamlDocument doc = ReadYaml(DefaultSchemaYaml(), builtin_name, read_options);
    for (Issue& issue : doc.issues) {
      ctx.Error(std::move(issue.code), std::move(issue.message), std::move(issue.location));
    }
    if (doc.root && doc.root->IsMap()) {
      builtin_root = std::move(doc.root);
      CollectSections(*builtin_root, ctx, &sections);
    }
  }

  // 3. Schema, header, rules: each part still runs when an earlier one had
  // errors, because they are built to tolerate them (broken types are dyn).
  PolicyModel model;
  model.limits = options.limits;
  BuildSchema(sections.schema, ctx, &model.schema);
  if (sections.policy.empty()) {
    ctx.Error("schema.missing_key",
              "the policy has no 'policy' section (it needs at least a name and a version)",
              SourceLocation{files.front().name, 1, 1});
    model.locales = DefaultLocales();
  } else {
    BuildHeader(*sections.policy.front(), ctx, &model, platforms);
  }
  // Named values: the facts and the policy's variables for the variables;
  // the schema's names and the policy's variables for rules and invariants.
  Declarations value_decls = FactDeclarations(model.schema);
  Declarations rule_decls = model.schema.declarations;
  BuildVariables(sections.variables, "", ctx, &model, &value_decls, &rule_decls);
  BuildStages(sections.stages, ctx, &model, value_decls, rule_decls);
  BuildInvariants(sections.invariants, ctx, &model, rule_decls);
  // Whole-policy warnings only make sense for a policy without errors: an
  // error in a rule would make them report its consequences.
  if (!ctx.has_errors()) {
    if (sections.stages.empty()) {
      ctx.Warning("policy.no_rules", "the policy has no 'stages': it decides nothing",
                  SourceLocation{files.front().name, 1, 1});
    }
    CheckRequiredFields(sections, ctx, model);
  }

  // 4. Digest of the content, files in name order (base layers first).
  std::vector<const ReadFile*> by_name;
  for (const ReadFile& f : files) by_name.push_back(&f);
  std::stable_sort(by_name.begin(), by_name.end(), [](const ReadFile* a, const ReadFile* b) {
    return a->layer != b->layer ? a->layer < b->layer : a->name < b->name;
  });
  std::vector<const YamlNode*> documents;
  for (const ReadFile* f : by_name) documents.push_back(f->root);
  if (builtin_root) documents.push_back(&*builtin_root);
  model.digest = PolicyDigest(documents);
  if (model.digest.empty()) {
    ctx.Error("policy.digest", "could not compute the policy digest (OpenSSL failed)",
              SourceLocation{});
  }

  bool failed = ctx.has_errors();
  result.issues = ctx.TakeIssues();
  result.platforms = model.platforms;
  if (!failed) {
    for (const Issue& issue : result.issues) model.warnings.push_back(issue);
    result.model = std::move(model);
  }
  return result;
}

}  // namespace aftersales::internal
