// Adversarial benchmarks: policies and cases written to make one decision
// as slow and as large as the default Limits allow (issue 12). Each reports
// the worst decision time it saw (max_ms), the peak heap it took above what
// was live before it ran (peak_MB: every operator new of the process is
// counted, RE2's DFA caches included), and what the decision said
// (decided, or its error: a hostile policy is expected to be stopped).
//   BM_RegexHugeText    40 rules, each a hostile pattern (DFA blow-up) on a 1 MiB text
//   BM_RegexManyRules   300 regex rules (32 distinct patterns, the most the
//                       policy's regex memory holds) on a 1, 4 and 64 KiB text
//   BM_RegexWorstFit    one DFA-hostile pattern of ~1,800 instructions on the
//                       longest texts the budget pays for (arg: text in 512 B)
//   BM_DynamicPatterns  a pattern built at run time in a macro, over 10,000
//                       items: the same one, a new one each time, and one of
//                       30 KiB
//   BM_NestedEquality   10,000 comparisons of two equal 8 x 100,000 lists
//   BM_HugeMapOutput    a list field set to x.l.map(i, x.s): a 1 MiB text per item
//   BM_ExplainManyRules --explain on 1,000 rules skipped by their guard,
//                       whose first part costs 10,000 steps
//   BM_StringGrowth     texts joined to 1 MiB in a macro
// Figures and the command that produced them: docs/security.md. Tests never
// assert timing; tests/unit/hostile/bounded_decision_test.cc shows the
// bounds themselves.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "aftersales/aftersales.h"

// The heap in use and its peak, for peak_MB. Test-only: replaces the global
// allocation functions of this benchmark program.
namespace {
std::atomic<std::int64_t> g_live{0};
std::atomic<std::int64_t> g_peak{0};

void* Allocate(std::size_t n) {
  void* p = std::malloc(n ? n : 1);
  if (!p) throw std::bad_alloc();
  const std::int64_t live = g_live.fetch_add(static_cast<std::int64_t>(malloc_usable_size(p))) +
                            static_cast<std::int64_t>(malloc_usable_size(p));
  std::int64_t peak = g_peak.load();
  while (live > peak && !g_peak.compare_exchange_weak(peak, live)) {
  }
  return p;
}
void Free(void* p) {
  if (!p) return;
  g_live.fetch_sub(static_cast<std::int64_t>(malloc_usable_size(p)));
  std::free(p);
}
}  // namespace

void* operator new(std::size_t n) { return Allocate(n); }
void* operator new[](std::size_t n) { return Allocate(n); }
void operator delete(void* p) noexcept { Free(p); }
void operator delete[](void* p) noexcept { Free(p); }
void operator delete(void* p, std::size_t) noexcept { Free(p); }
void operator delete[](void* p, std::size_t) noexcept { Free(p); }

namespace {

std::string Quoted(const std::string& s) { return "\"" + s + "\""; }

std::string List(const std::string& item, std::size_t n) {
  std::string s = "[";
  for (std::size_t i = 0; i < n; ++i) s += (i ? "," : "") + item;
  return s + "]";
}

std::string Numbers(std::size_t n) {
  std::string s = "[";
  for (std::size_t i = 0; i < n; ++i) s += (i ? "," : "") + std::to_string(i);
  return s + "]";
}

// 'a' and 'b' mixed, which the patterns below make the DFA explode on.
std::string AbText(std::size_t n) {
  std::string s;
  s.reserve(n);
  for (std::size_t i = 0; i < n; ++i) s += (i * 7919 % 13 < 6) ? 'a' : 'b';
  return s;
}

std::string Header(const std::string& facts, const std::string& decisions) {
  return "policy: {name: hostile, version: \"1\"}\nfacts: " + facts + "\ndecisions: " + decisions +
         "\nstages:\n  - id: s\n    rules:\n";
}

const char* const kResolution = "{resolution: {type: string, required: true}}";

void Run(benchmark::State& state, const std::string& policy_text, const std::string& case_json,
         bool explain = false) {
  aftersales::LoadResult loaded = aftersales::LoadPolicyFromStrings({{"hostile.yaml", policy_text}});
  if (!loaded.ok()) {
    state.SkipWithError(("the policy does not load: " + aftersales::FormatIssues(loaded.issues)).c_str());
    return;
  }
  auto facts = loaded.policy->ReadFactsJson(case_json);
  if (!facts.ok()) {
    state.SkipWithError(("the case does not read: " + facts.status().message()).c_str());
    return;
  }
  aftersales::DecideOptions options;
  options.explain = explain;
  const std::int64_t before = g_live.load();
  g_peak.store(before);
  double worst = 0;
  std::string outcome;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    aftersales::Decision d = loaded.policy->Decide(*facts, options);
    const auto end = std::chrono::steady_clock::now();
    worst = std::max(worst, std::chrono::duration<double, std::milli>(end - start).count());
    if (outcome.empty()) outcome = d.ok() ? "decided" : d.errors.front().message.substr(0, 90);
    benchmark::DoNotOptimize(d);
  }
  state.counters["max_ms"] = worst;
  state.counters["peak_MB"] = static_cast<double>(g_peak.load() - before) / (1 << 20);
  state.SetLabel(outcome);
}

void BM_RegexHugeText(benchmark::State& state) {
  std::string p = Header("{s: string}", kResolution);
  for (int i = 0; i < 40; ++i) {
    p += "      - {id: r" + std::to_string(i) + ", when: \"s.matches('[ab]*a[ab]{" + std::to_string(12 + i % 8) +
         "}c')\", then: {resolution: \"'x'\"}}\n";
  }
  p += "      - {id: last, then: {resolution: \"'y'\"}}\n";
  // The text's length in KiB: from one the budget pays for a match of to
  // the 1 MiB the step budget refuses at once.
  Run(state, p, "{\"s\": " + Quoted(AbText((static_cast<std::size_t>(state.range(0)) << 10) - 16)) + "}");
}
BENCHMARK(BM_RegexHugeText)->Arg(4)->Arg(16)->Arg(64)->Arg(256)->Arg(1024)->Unit(benchmark::kMillisecond)->Iterations(5);

void BM_RegexManyRules(benchmark::State& state) {
  std::string p = Header("{s: string}", kResolution);
  for (int i = 0; i < 300; ++i) {
    p += "      - {id: r" + std::to_string(i) + ", when: \"s.matches('[ab]*a[ab]{" + std::to_string(12 + i % 32 / 4) +
         "}c" + std::to_string(i % 32 % 4) + "')\", then: {resolution: \"'x'\"}}\n";
  }
  p += "      - {id: last, then: {resolution: \"'y'\"}}\n";
  Run(state, p, "{\"s\": " + Quoted(AbText(static_cast<std::size_t>(state.range(0)) << 10)) + "}");
}
BENCHMARK(BM_RegexManyRules)->Arg(1)->Arg(4)->Arg(64)->Unit(benchmark::kMillisecond)->Iterations(5);

// The worst a match the budget pays for can do: a pattern of about 1,800
// instructions whose DFA cannot keep up, on the longest text that fits.
void BM_RegexWorstFit(benchmark::State& state) {
  std::string p = Header("{s: string}", kResolution);
  p += "      - {id: r, when: \"s.matches('[ab]*a[ab]{900}c')\", then: {resolution: \"'x'\"}}\n";
  p += "      - {id: last, then: {resolution: \"'y'\"}}\n";
  Run(state, p, "{\"s\": " + Quoted(AbText(static_cast<std::size_t>(state.range(0)) << 9)) + "}");
}
BENCHMARK(BM_RegexWorstFit)->DenseRange(12, 18, 2)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_DynamicPatterns(benchmark::State& state) {
  const bool changing = state.range(0) == 1;
  std::string p = Header("{s: string, p: string, l: list<int>}", kResolution);
  p += std::string("      - {id: r, when: \"l.all(i, !s.matches(p + ") + (changing ? "string(i)" : "'c$'") +
       "))\", then: {resolution: \"'x'\"}}\n";
  p += "      - {id: last, then: {resolution: \"'y'\"}}\n";
  std::string pattern;
  // Arg 2: one pattern as large as the budget lets through to the compiler
  // (~30 KiB), compiled once.
  const bool large = state.range(0) == 2;
  for (int i = 0; i < (large ? 6'000 : 20); ++i) pattern += "(a|b)";
  Run(state, p, "{\"s\": \"ab\", \"p\": " + Quoted(pattern) + ", \"l\": " + Numbers(large ? 1 : 10'000) + "}");
}
BENCHMARK(BM_DynamicPatterns)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->Iterations(5);

void BM_NestedEquality(benchmark::State& state) {
  std::string p = Header("{a: list<list<int>>, b: list<list<int>>, r: list<int>}", kResolution);
  p += "      - {id: r, when: \"r.all(i, a == b)\", then: {resolution: \"'x'\"}}\n";
  const std::string nested = List(List("0", 100'000), 8);
  Run(state, p, "{\"a\": " + nested + ", \"b\": " + nested + ", \"r\": " + Numbers(10'000) + "}");
}
BENCHMARK(BM_NestedEquality)->Unit(benchmark::kMillisecond)->Iterations(5);

void BM_HugeMapOutput(benchmark::State& state) {
  std::string p = Header("{s: string, l: list<int>}",
                         "{resolution: {type: string, required: true}, out: {type: list<string>}}");
  p += "      - {id: r, then: {resolution: \"'x'\", out: \"l.map(i, s)\"}}\n";
  Run(state, p, "{\"s\": " + Quoted(std::string((1u << 20) - 16, 'x')) + ", \"l\": " + Numbers(10'000) + "}");
}
BENCHMARK(BM_HugeMapOutput)->Unit(benchmark::kMillisecond)->Iterations(5);

void BM_ExplainManyRules(benchmark::State& state) {
  std::string p = Header("{n: int, l: list<int>}", kResolution);
  for (int i = 0; i < 1000; ++i) {
    p += "      - {id: r" + std::to_string(i) + ", when: \"l.all(x, x >= 0) && n == " + std::to_string(i) +
         "\", then: {resolution: \"'x'\"}}\n";
  }
  p += "      - {id: last, then: {resolution: \"'y'\"}}\n";
  Run(state, p, "{\"n\": -1, \"l\": " + Numbers(10'000) + "}", state.range(0) == 1);
}
BENCHMARK(BM_ExplainManyRules)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(5);

void BM_StringGrowth(benchmark::State& state) {
  std::string p = Header("{s: string, l: list<int>}",
                         "{resolution: {type: string, required: true}, out: {type: list<string>}}");
  p += "      - {id: r, then: {resolution: \"'x'\", out: \"l.map(i, s + s + string(i))\"}}\n";
  Run(state, p, "{\"s\": " + Quoted(std::string(512 << 10, 'x')) + ", \"l\": " + Numbers(10'000) + "}");
}
BENCHMARK(BM_StringGrowth)->Unit(benchmark::kMillisecond)->Iterations(5);

}  // namespace

BENCHMARK_MAIN();
