#include "policy/policy_builder.h"

#include <algorithm>
#include <utility>

#include "policy/build_context.h"
#include "policy/digest.h"
#include "policy/header_builder.h"
#include "policy/rule_builder.h"
#include "policy/schema_builder.h"
#include "policy/yaml_reader.h"

namespace aftersales::internal {

namespace {

constexpr std::string_view kBuiltinSchemaName = "<builtin>/schema.yaml";

struct Sections {
  std::vector<const YamlNode*> policy;
  SchemaSections schema;
  std::vector<const YamlNode*> stages;
  std::vector<const YamlNode*> invariants;
};

void CollectSections(const YamlNode& root, BuildContext& ctx, Sections* out) {
  ctx.CheckKeys(root, {"policy", "enums", "facts", "decisions", "stages", "invariants"},
                "a policy file");
  for (const auto& [key, value] : root.entries) {
    if (!key.IsScalar()) continue;
    const std::string& k = key.value;
    if (k == "policy") {
      if (!out->policy.empty()) {
        ctx.Error("schema.duplicate",
                  "a second 'policy' section (the first is at " +
                      FormatPlace(out->policy.front()->location) + "); a policy has one",
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
    }
  }
}

struct ReadFile {
  std::string name;
  std::string_view text;
  YamlNode root;
};

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

BuildResult BuildPolicy(const std::vector<PolicySource>& sources, const LoadOptions& options) {
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
  for (const PolicySource& source : sources) {
    ctx.AddSource(source.file_name, source.text);
    YamlDocument doc = ReadYaml(source.text, source.file_name, read_options);
    for (Issue& issue : doc.issues) {
      if (issue.severity == Severity::kError) {
        ctx.Error(std::move(issue.code), std::move(issue.message), std::move(issue.location));
      } else {
        ctx.Warning(std::move(issue.code), std::move(issue.message), std::move(issue.location));
      }
    }
    if (!doc.root) {
      unreadable = true;
      continue;
    }
    if (doc.root->kind == YamlNode::Kind::kNull) {
      ++empty_files;
      files.push_back(ReadFile{source.file_name, source.text, std::move(*doc.root)});
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
    files.push_back(ReadFile{source.file_name, source.text, std::move(*doc.root)});
  }
  if (!unreadable && empty_files == files.size()) {
    SourceLocation where{sources.front().file_name, 1, 1};
    ctx.Error("policy.empty",
              sources.size() == 1 ? "the policy file is empty (a policy needs at least a "
                                    "'policy' section with a name and a version)"
                                  : "every file of the policy is empty",
              where);
    unreadable = true;
  } else {
    for (const ReadFile& f : files) {
      if (f.root.kind == YamlNode::Kind::kNull) {
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
  Sections sections;
  for (const ReadFile& f : files) {
    if (f.root.IsMap()) CollectSections(f.root, ctx, &sections);
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
    BuildHeader(*sections.policy.front(), ctx, &model);
  }
  BuildStages(sections.stages, ctx, &model);
  BuildInvariants(sections.invariants, ctx, &model);
  // Whole-policy warnings only make sense for a policy without errors: an
  // error in a rule would make them report its consequences.
  if (!ctx.has_errors()) {
    if (sections.stages.empty()) {
      ctx.Warning("policy.no_rules", "the policy has no 'stages': it decides nothing",
                  SourceLocation{files.front().name, 1, 1});
    }
    CheckRequiredFields(sections, ctx, model);
  }

  // 4. Digest of the content, files in name order.
  std::vector<const ReadFile*> by_name;
  for (const ReadFile& f : files) by_name.push_back(&f);
  std::stable_sort(by_name.begin(), by_name.end(),
                   [](const ReadFile* a, const ReadFile* b) { return a->name < b->name; });
  std::vector<const YamlNode*> documents;
  for (const ReadFile* f : by_name) documents.push_back(&f->root);
  if (builtin_root) documents.push_back(&*builtin_root);
  model.digest = PolicyDigest(documents);
  if (model.digest.empty()) {
    ctx.Error("policy.digest", "could not compute the policy digest (OpenSSL failed)",
              SourceLocation{});
  }

  bool failed = ctx.has_errors();
  result.issues = ctx.TakeIssues();
  if (!failed) {
    for (const Issue& issue : result.issues) model.warnings.push_back(issue);
    result.model = std::move(model);
  }
  return result;
}

}  // namespace aftersales::internal
