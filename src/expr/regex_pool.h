// RegexPool: compiled RE2 patterns, one per distinct pattern text, with the
// memory they may use bounded. A policy's loader keeps one for its constant
// patterns (identical patterns share one RE2; over the total, a pattern is
// refused), and a decision keeps one for the patterns its expressions build
// (each compiled once per decision; when full, it is emptied and goes on).
//
// Every pattern is compiled with RE2::Options::max_mem = the per-pattern
// limit, which bounds its program and its DFA cache together: that is what
// each pattern counts against the total, the most it can grow to.
//
// Not thread-safe (one per load, one per decision); the RE2 objects it hands
// out are immutable and safe to match from many threads.
#ifndef AFTERSALES_EXPR_REGEX_POOL_H_
#define AFTERSALES_EXPR_REGEX_POOL_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

namespace re2 {
class RE2;
}

namespace aftersales::internal {

class RegexPool {
 public:
  enum class WhenFull { kRefuse, kEmpty };
  RegexPool(std::size_t max_pattern_memory, std::size_t max_total_memory, WhenFull when_full);
  ~RegexPool();

  // The compiled `pattern` when the pool has it; null otherwise.
  std::shared_ptr<const re2::RE2> Find(const std::string& pattern) const;
  // Compiles `pattern` into the pool; null with *error set for an invalid
  // pattern ("invalid regular expression: ..."), one too large for the
  // per-pattern memory, or (kRefuse) one that would take the pool over its
  // total. REQUIRES: !Find(pattern).
  std::shared_ptr<const re2::RE2> Add(const std::string& pattern, std::string* error);
  // Find, else Add.
  std::shared_ptr<const re2::RE2> Get(const std::string& pattern, std::string* error) {
    if (auto re = Find(pattern)) return re;
    return Add(pattern, error);
  }

  std::size_t max_pattern_memory() const { return max_pattern_memory_; }

 private:
  std::size_t max_pattern_memory_;
  std::size_t max_total_memory_;
  WhenFull when_full_;
  std::size_t used_ = 0;
  std::unordered_map<std::string, std::shared_ptr<const re2::RE2>> patterns_;
};

}  // namespace aftersales::internal

#endif  // AFTERSALES_EXPR_REGEX_POOL_H_
