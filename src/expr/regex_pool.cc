#include "expr/regex_pool.h"

#include <re2/re2.h>

#include <utility>

namespace aftersales::internal {

RegexPool::RegexPool(std::size_t max_pattern_memory, std::size_t max_total_memory, WhenFull when_full)
    : max_pattern_memory_(max_pattern_memory), max_total_memory_(max_total_memory), when_full_(when_full) {}

RegexPool::~RegexPool() = default;

std::shared_ptr<const re2::RE2> RegexPool::Find(const std::string& pattern) const {
  auto it = patterns_.find(pattern);
  return it == patterns_.end() ? nullptr : it->second;
}

std::shared_ptr<const re2::RE2> RegexPool::Add(const std::string& pattern, std::string* error) {
  if (used_ + max_pattern_memory_ > max_total_memory_) {
    if (when_full_ == WhenFull::kRefuse) {
      *error = "the policy's regular expressions may use more than " + std::to_string(max_total_memory_) +
               " bytes together (each distinct pattern counts " + std::to_string(max_pattern_memory_) +
               "; limit max_policy_regex_memory)";
      return nullptr;
    }
    patterns_.clear();
    used_ = 0;
  }
  RE2::Options options;
  options.set_log_errors(false);
  options.set_max_mem(static_cast<std::int64_t>(max_pattern_memory_));
  auto re = std::make_shared<const RE2>(pattern, options);
  if (!re->ok()) {
    if (re->error_code() == RE2::ErrorPatternTooLarge) {
      *error = "regular expression too large: it needs more than " + std::to_string(max_pattern_memory_) +
               " bytes (limit max_regex_memory)";
    } else {
      *error = "invalid regular expression: " + re->error();
    }
    return nullptr;
  }
  used_ += max_pattern_memory_;
  patterns_.emplace(pattern, re);
  return re;
}

}  // namespace aftersales::internal
