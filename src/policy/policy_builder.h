// PolicyBuilder: YAML documents -> PolicyModel. Validates everything (keys,
// types, enums, names, expressions, templates, ids) and collects every
// problem as an Issue with file:line:column; a model is produced only when
// there is no error.
#ifndef AFTERSALES_POLICY_POLICY_BUILDER_H_
#define AFTERSALES_POLICY_POLICY_BUILDER_H_

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "aftersales/issue.h"
#include "aftersales/options.h"
#include "policy/header_builder.h"
#include "policy/policy_model.h"
#include "policy/yaml_reader.h"

namespace aftersales::internal {

struct PolicySource {
  std::string file_name;  // as it appears in locations
  std::string text;
  // 0 for a policy on its own. A policy that `extends` a base is built from
  // several layers: the deepest base is 0, each overlay one more; rules,
  // stages and invariants of a higher layer replace those of a lower one by
  // id (see docs/policy-language.md, "Extending a policy").
  int layer = 0;
};

// A policy file read and parsed (ParsePolicyFile), once: the loader finds
// its `extends` in `doc`, and the builder builds from the same `doc`.
struct ParsedFile {
  std::string file_name;  // as it appears in locations
  std::string text;       // the bytes read: expression and script errors are placed in them
  YamlDocument doc;       // `text` parsed, with the YAML issues
};

// The one place a policy file's text becomes YAML, within the options'
// max_yaml_depth and max_yaml_nodes.
ParsedFile ParsePolicyFile(std::string file_name, std::string text, const LoadOptions& options);

// A parsed file and the layer it belongs to (PolicySource::layer). Files
// are shared: the base that a policy and its platform overlays extend is
// read once for all of them.
struct LayeredFile {
  std::shared_ptr<const ParsedFile> file;
  int layer = 0;
};

struct BuildResult {
  std::optional<PolicyModel> model;  // nullopt when any error
  std::vector<Issue> issues;
  // The header's `platforms` as far as it checked out, also when the policy
  // has errors elsewhere (so that the loader can report the overlays' own
  // problems at the same time). Only with PlatformsUse::kRead.
  std::optional<PlatformsDecl> platforms;
};

// `platforms` says what a `platforms` block in the header of the top layer
// (the policy itself, not a base it extends) means; a base's is ignored.
// REQUIRES: every file is non-null.
BuildResult BuildPolicy(const std::vector<LayeredFile>& files, const LoadOptions& options,
                        PlatformsUse platforms = PlatformsUse::kRead);

// The same from texts: each is parsed (ParsePolicyFile), then built as above.
BuildResult BuildPolicy(const std::vector<PolicySource>& sources, const LoadOptions& options,
                        PlatformsUse platforms = PlatformsUse::kRead);

// The vocabulary schema compiled in from rules/schema.yaml.
std::string_view DefaultSchemaYaml();

}  // namespace aftersales::internal

#endif  // AFTERSALES_POLICY_POLICY_BUILDER_H_
