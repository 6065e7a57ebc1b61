// SchemaBuilder: the `enums`, `facts` and `decisions` sections of a policy
// -> Schema (types, defaults, slots, the Declarations expressions are
// checked against). Also the pieces the rule builder reuses: type names
// (`money`, `list<evidence>`) and YAML constants of a given type.
//
// Problems are issues in the BuildContext. A fact or field whose type is
// broken is still declared, as dyn, so that expressions using it do not
// report a second, misleading error.
#ifndef AFTERSALES_POLICY_SCHEMA_BUILDER_H_
#define AFTERSALES_POLICY_SCHEMA_BUILDER_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/value.h"
#include "expr/type.h"
#include "policy/build_context.h"
#include "policy/policy_model.h"
#include "policy/yaml_reader.h"

namespace aftersales::internal {

// The section nodes of every file, in file order.
struct SchemaSections {
  std::vector<const YamlNode*> enums;
  std::vector<const YamlNode*> facts;
  std::vector<const YamlNode*> decisions;
};

using EnumTable = std::unordered_map<std::string, std::shared_ptr<const EnumType>>;

// A type written in a policy. `money` is int with money formatting (also
// for list<money>); `object` is a decision group (no value of its own).
struct ParsedType {
  TypePtr type;
  bool money = false;
  bool object = false;
};

// Parses "int", "money", "list<evidence>", an enum name, ... nullopt with
// `error` set when the name is unknown or malformed, and `error_offset` (if
// given) at the byte of `text` the error is about.
std::optional<ParsedType> ParseTypeName(std::string_view text, const EnumTable& enums,
                                        std::string* error, std::size_t* error_offset = nullptr);

// The value of a YAML constant (a default, a list in `then`) of type
// `type`: scalars by their text, lists as YAML lists. Issues name `what`.
std::optional<Value> ConstantFromYaml(const YamlNode& node, const ParsedType& type,
                                      std::string_view what, BuildContext& ctx);

// True when `text` can only be a word (letters, digits, '_' and '-'), not
// an expression: how `then` tells an enum word from an expression.
bool IsBareWord(std::string_view text);

// Builds schema->enums/facts/decisions/groups, the indexes and the
// Declarations (facts in kFactSpace by name, decision fields in
// kDecisionSpace as "decision.<name>").
void BuildSchema(const SchemaSections& sections, BuildContext& ctx, Schema* schema);

}  // namespace aftersales::internal

#endif  // AFTERSALES_POLICY_SCHEMA_BUILDER_H_
