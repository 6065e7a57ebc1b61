#include "decision/eval_setup.h"

namespace aftersales::internal {

RegexPool MakeRegexPool(const PolicyModel& m) {
  return RegexPool(m.limits.max_regex_memory, m.limits.max_policy_regex_memory, RegexPool::WhenFull::kEmpty);
}

void PrepareEvalContext(const PolicyModel& m, const Value* const* spaces, RegexPool* regexes,
                        std::vector<NamedValueSlot>* named, EvalContext* ctx) {
  ctx->spaces = spaces;
  ctx->num_spaces = 2;
  ctx->steps_left = m.limits.max_eval_steps;
  ctx->max_collection_size = m.limits.max_collection_size;
  ctx->max_string_length = m.limits.max_string_length;
  ctx->max_value_bytes = m.limits.max_decision_bytes;
  ctx->max_regex_memory = m.limits.max_regex_memory;
  ctx->regex_cache = regexes;
  named->assign(m.named_values.size(), NamedValueSlot{});
  for (std::size_t i = 0; i < named->size(); ++i) (*named)[i].program = m.named_values[i].program.get();
  ctx->named = named->empty() ? nullptr : named->data();
  ctx->num_named = named->size();
}

}  // namespace aftersales::internal
