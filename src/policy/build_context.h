// BuildContext: what every part of the policy builder shares while turning
// YamlNodes into a PolicyModel: the issue list, the source texts (to place
// expression and template errors inside YAML scalars), the limits, and the
// common shape checks (node kinds, known and required keys) with their
// messages. Only the builders in src/policy use it.
//
// Not thread-safe; one per BuildPolicy call.
#ifndef AFTERSALES_POLICY_BUILD_CONTEXT_H_
#define AFTERSALES_POLICY_BUILD_CONTEXT_H_

#include <cstddef>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "aftersales/issue.h"
#include "aftersales/options.h"
#include "common/format.h"
#include "expr/declarations.h"
#include "expr/program.h"
#include "expr/regex_pool.h"
#include "expr/type.h"
#include "policy/yaml_reader.h"

namespace aftersales::internal {

class BuildContext {
 public:
  explicit BuildContext(const LoadOptions& options)
      : options_(options),
        regexes_(options.limits.max_regex_memory, options.limits.max_policy_regex_memory,
                 RegexPool::WhenFull::kRefuse) {}

  const LoadOptions& options() const { return options_; }

  // Registers a file's text under its name; `text` must outlive the
  // context. Files are ordered as registered (issues sort by it).
  void AddSource(const std::string& file, std::string_view text);

  void Error(std::string code, std::string message, SourceLocation location);
  void Warning(std::string code, std::string message, SourceLocation location);
  bool has_errors() const { return errors_ > 0; }
  std::size_t error_count() const { return errors_; }
  // The issues so far, sorted by file (registration order), line, column;
  // issues at the same place keep the order they were found in.
  std::vector<Issue> TakeIssues();

  // Shape checks. Each reports an issue naming `what` ("rule 'x'",
  // "the policy section") and returns false/nullptr when the node is wrong.
  bool ExpectMap(const YamlNode& node, std::string_view what);
  bool ExpectSequence(const YamlNode& node, std::string_view what);
  // A non-empty scalar; nullptr otherwise (with an issue).
  const std::string* ExpectScalar(const YamlNode& node, std::string_view what);
  // Reports every key of `map` not in `known` ("did you mean" when close),
  // and keys that are not plain words.
  void CheckKeys(const YamlNode& map, std::initializer_list<std::string_view> known,
                 std::string_view what);
  // The value under `key`, or nullptr with a "missing" issue at the map.
  const YamlNode* Require(const YamlNode& map, std::string_view key, std::string_view what);
  // true/false (YAML 1.2 spellings), with an issue otherwise.
  std::optional<bool> ExpectBool(const YamlNode& node, std::string_view what);

  // Where byte `offset` of a scalar's value is in its file.
  SourceLocation InScalar(const YamlNode& scalar, std::size_t offset) const;

  // Compiles the expression in `scalar` against `decls`; every problem is an
  // issue placed inside the scalar. `expected` (may be null) is the type the
  // result must be assignable to; `what` names the place ("the 'when' of
  // rule 'x'") in type mismatch messages. Null when any issue.
  std::unique_ptr<const Program> CompileExpr(const YamlNode& scalar, const Declarations& decls,
                                             const TypePtr& expected, std::string_view what);

  // Compiles `text`, which was generated (a decision table's cell turned
  // into a condition): `locate` maps a byte offset of `text` to its place
  // in the file, and a result that does not fit `expected` is reported at
  // `whole`. With `name_what`, every problem's message ends with
  // " (in <what>)": a generated text's own words do not say where it came
  // from. Null when any issue.
  std::unique_ptr<const Program> CompileText(std::string_view text, const Declarations& decls,
                                             const TypePtr& expected, std::string_view what,
                                             const std::function<SourceLocation(std::size_t)>& locate,
                                             const SourceLocation& whole, bool name_what = false);

 private:
  LoadOptions options_;
  // The policy's constant regex patterns, within max_policy_regex_memory.
  RegexPool regexes_;
  std::vector<Issue> issues_;
  std::size_t errors_ = 0;
  std::unordered_map<std::string, std::string_view> sources_;
  std::unordered_map<std::string, std::size_t> source_order_;
};

// " (did you mean 'x'?)" when a candidate is close to `word`, else "".
std::string SuggestionSuffix(std::string_view word, const std::vector<std::string>& candidates);

// A YAML node kind in words: "a map", "a list", "a scalar", "empty".
std::string_view KindName(const YamlNode& node);

// At most 40 bytes of a user's text, for quoting it in a message.
std::string Quote(std::string_view text);

}  // namespace aftersales::internal

#endif  // AFTERSALES_POLICY_BUILD_CONTEXT_H_
