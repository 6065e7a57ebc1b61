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
  // Bytes a value built while deciding would take written as JSON (a text
  // joined with +, a list built by map(), filter(), + or a literal), and of
  // the whole decision (its fields, matched rules and script). Checked as
  // each value is built, so `x.items.map(i, x.long_text)` stops at the
  // limit instead of growing to gigabytes of output. Over it: an evaluation
  // error, or a decision error, naming max_decision_bytes. The default, as
  // max_case_bytes, lets a decision repeat everything a case may hold.
  std::size_t max_decision_bytes = 4u << 20;
  // Memory RE2 may use for one regular expression (RE2::Options::max_mem:
  // its compiled program and its DFA cache), in bytes. A pattern that does
  // not fit is a load error at its place (a constant one) or an evaluation
  // error (one built while deciding).
  std::size_t max_regex_memory = 1u << 20;
  // Memory all the constant regular expressions of one policy may use
  // together: each distinct pattern counts max_regex_memory, the most it can
  // grow to. Over it: a load error at the pattern that goes over. Patterns
  // built while deciding are compiled at most once per decision, into a
  // cache of the same size that is emptied when full.
  std::size_t max_policy_regex_memory = 32u << 20;
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
