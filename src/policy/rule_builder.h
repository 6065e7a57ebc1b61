// RuleBuilder: the `stages` and `invariants` sections -> Stages with
// compiled Rules (when, then, script) and Invariants. Runs after the schema
// and the policy header are built: expressions are checked against the
// schema's Declarations and scripts against the policy's locales.
//
// Problems are issues in the BuildContext; rule ids are unique across the
// whole policy, stage ids across stages, invariant ids across invariants.
#ifndef AFTERSALES_POLICY_RULE_BUILDER_H_
#define AFTERSALES_POLICY_RULE_BUILDER_H_

#include <string>
#include <vector>

#include "policy/build_context.h"
#include "policy/policy_model.h"
#include "policy/yaml_reader.h"

namespace aftersales::internal {

// Appends the stages of every `stages` section (in file order) to
// model->stages, and each stage's `variables` to model->named_values.
// `values` and `rules`: the Declarations named values and rules compile
// against (see BuildVariables), with the policy's named values.
// REQUIRES: model->schema and model->locales are built.
void BuildStages(const std::vector<const YamlNode*>& sections, BuildContext& ctx,
                 PolicyModel* model, const Declarations& values, const Declarations& rules);

// Appends the invariants of every `invariants` section to model->invariants;
// their checks compile against `decls` (the policy's named values too).
void BuildInvariants(const std::vector<const YamlNode*>& sections, BuildContext& ctx,
                     PolicyModel* model, const Declarations& decls);

}  // namespace aftersales::internal

#endif  // AFTERSALES_POLICY_RULE_BUILDER_H_
