// Regular expressions: matches() with RE2 (linear time, bounded memory).
// A constant pattern is compiled once, at load, into the policy's pool; a
// pattern built at run time is compiled once per decision.
#include <re2/re2.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "expr/builtins/support.h"
#include "expr/regex_pool.h"

namespace aftersales::internal::builtins {
namespace {

// RE2 matches in time linear in the text: with its DFA, about a byte a
// nanosecond, until the DFA's cache (within max_regex_memory) overflows,
// as a hostile pattern on a long text makes it; then with the NFA, whose
// time is the text's length times the program's size. A match is charged
// for that worst case, before it runs: a step per kRegexWorkPerStep bytes
// times instructions. Measured (tests/bench/hostile_bench.cc, DFA-hostile
// patterns): about 5 ns per byte x instruction, so a match the budget can
// pay for runs at most about 40 ms. A pattern built at run time is charged
// for compiling it too (a fixed cost and its length, then its program's
// size), and compiled once per decision (EvalContext::regex_cache).
constexpr std::uint64_t kRegexWorkPerStep = 8;
// Compiling costs RE2 a fixed ~20-45 us (measured: BM_DynamicPatterns, a new
// pattern per iteration) plus what grows with the pattern (parsing it: up
// to ~0.8 us a byte for `(a|b)(a|b)...`) and with its program.
constexpr std::int64_t kCompileSteps = 2000;
constexpr std::int64_t kCompileStepsPerByte = 32;
constexpr std::int64_t kCompileStepsPerInst = 8;

Value Matches(const Value* a, std::size_t n, const BuiltinData& data, Frame& f) {
  if (!TwoStrings(a, n)) return NoOverload("matches", a, n);
  const std::string& text = a[0].string_value();
  const RE2* re = data.regex.get();
  std::int64_t size = data.regex_size;
  std::shared_ptr<const RE2> built;
  if (!re) {
    const std::string& pattern = a[1].string_value();
    if (f.ctx->regex_cache) built = f.ctx->regex_cache->Find(pattern);
    if (!built) {
      // Charged before compiling, so a huge pattern is never compiled on
      // a budget that cannot pay for it.
      f.ctx->steps_left -= kCompileSteps + kCompileStepsPerByte * static_cast<std::int64_t>(pattern.size());
      if (f.ctx->steps_left < 0) return BudgetError();
      std::string error;
      if (f.ctx->regex_cache) {
        built = f.ctx->regex_cache->Add(pattern, &error);
      } else {
        RegexPool once(f.ctx->max_regex_memory, f.ctx->max_regex_memory, RegexPool::WhenFull::kEmpty);
        built = once.Add(pattern, &error);
      }
      if (!built) return Err(error);
      f.ctx->steps_left -= kCompileStepsPerInst * built->ProgramSize();
    }
    size = built->ProgramSize();
    re = built.get();
  }
  const std::uint64_t work = (static_cast<std::uint64_t>(text.size()) + 1) * static_cast<std::uint64_t>(size);
  f.ctx->steps_left -= static_cast<std::int64_t>(work / kRegexWorkPerStep);
  if (f.ctx->steps_left < 0) return BudgetError();
  return Value::Bool(RE2::PartialMatch(text, *re));
}

// A constant pattern: compiled into the policy's pool (one RE2 per distinct
// pattern), its program's size kept for charging each match.
bool PreparePattern(const std::string& pattern, PrepareContext& ctx, BuiltinData* data, PrepareIssue* issue) {
  std::string error;
  auto re = ctx.regex_pool.Get(pattern, &error);
  if (!re) {
    issue->code = error.rfind("invalid", 0) == 0 ? "expr.regex" : "expr.limit";
    issue->message = std::move(error);
    return false;
  }
  data->regex_size = re->ProgramSize();
  data->regex = std::move(re);
  return true;
}

}  // namespace

void DeclareRegex(std::vector<Builtin>* out) {
  using namespace sig;
  // Charged for the worst case of the match, before it runs, and for
  // compiling a pattern built at run time.
  out->push_back({.name = "matches", .display = "matches", .style = CallStyle::kBoth,
                  .overloads = {{{String, String}, Bool}}, .impl = Matches, .cost = Cost::Measured(),
                  .prepare = {1, PreparePattern}});
}

}  // namespace aftersales::internal::builtins
