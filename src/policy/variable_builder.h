// VariableBuilder: the `variables:` maps of a policy and of its stages ->
// PolicyModel::named_values. Each named value is an expression over facts
// and other named values, typed at load (its type is its expression's),
// and declared by its bare name (a VarRef in kNamedValueSpace) in the
// Declarations its scope's rules, scripts and invariants compile against.
//
// Problems are issues in the BuildContext, every one at its place: a name
// that is not a plain identifier or is already a fact or group of facts, a
// decision field, a built-in function or macro, or a named value in scope;
// an expression that reads decision fields or does not compile; a cycle
// (`a -> b -> a`); named values built on each other too deep.
#ifndef AFTERSALES_POLICY_VARIABLE_BUILDER_H_
#define AFTERSALES_POLICY_VARIABLE_BUILDER_H_

#include <string>
#include <vector>

#include "expr/declarations.h"
#include "policy/build_context.h"
#include "policy/policy_model.h"
#include "policy/yaml_reader.h"

namespace aftersales::internal {

// How deep named values may build on one another (`a` reads `b` reads ...):
// evaluating one runs the programs it builds on inside its own, so the
// chain is bounded like an expression's nesting.
inline constexpr int kMaxNamedValueDepth = 16;

// Appends the named values of `sections` (maps of `name: expression`, in
// file order) to model->named_values, with `stage` ("" for the policy's),
// and declares each in `values` (what named values compile against: the
// facts and the named values already in scope) and in `rules` (what the
// scope's rules compile against). Referring to a later value is fine; each
// is compiled after those it reads. A value that cannot be built is still
// declared (typed dyn, without a program), so its uses report nothing more.
// REQUIRES: model->schema is built.
void BuildVariables(const std::vector<const YamlNode*>& sections, const std::string& stage,
                    BuildContext& ctx, PolicyModel* model, Declarations* values,
                    Declarations* rules);

// The facts of `schema` alone, as named values compile against them.
Declarations FactDeclarations(const Schema& schema);

}  // namespace aftersales::internal

#endif  // AFTERSALES_POLICY_VARIABLE_BUILDER_H_
