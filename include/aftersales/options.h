// Options for loading policies and deciding cases. Every input-driven
// quantity has a limit here with a default; going over one is reported as
// an issue (at load) or as an error (when deciding), never a crash.
#ifndef AFTERSALES_OPTIONS_H_
#define AFTERSALES_OPTIONS_H_

#include <cstddef>
#include <cstdint>

namespace aftersales {

struct Limits {
  // Bytes of all policy files together.
  std::size_t max_policy_bytes = 16u << 20;
  // Nesting depth of YAML collections in a policy or case file.
  int max_yaml_depth = 64;
  // YAML nodes in one policy file after alias expansion.
  std::size_t max_yaml_nodes = 1'000'000;
  // Bytes of one expression.
  std::size_t max_expression_length = 16u << 10;
  // Nesting depth of one expression's syntax tree.
  int max_expression_depth = 64;
  // Bytes of one rendered script text.
  std::size_t max_script_length = 64u << 10;
  // Bytes of one case document.
  std::size_t max_case_bytes = 4u << 20;
  // Nesting depth of one case document.
  int max_case_depth = 32;
  // YAML nodes in one case document after alias expansion.
  std::size_t max_case_nodes = 100'000;
  // Evaluation steps for one decision (every node evaluated counts one, every
  // macro iteration counts one). Over it, the decision fails with an error.
  std::int64_t max_eval_steps = 1'000'000;
  // Elements of a list or map built while evaluating, and bytes of a string;
  // also the most items of a list fact and bytes of a text fact in a case.
  std::size_t max_collection_size = 100'000;
  std::size_t max_string_length = 1u << 20;
};

struct LoadOptions {
  Limits limits;
};

struct DecideOptions {
  // Fill Decision::trace with every rule tried, matched or not, and why.
  bool explain = false;
};

}  // namespace aftersales

#endif  // AFTERSALES_OPTIONS_H_
