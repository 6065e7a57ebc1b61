// Benchmarks of the shipped policy (rules/) on the example cases:
//   BM_LoadPolicy      load, check and compile rules/ (once per service start)
//   BM_ReadFactsJson   parse one JSON case into slots
//   BM_Decide          decide one already-read case (the hot path)
//   BM_DecideExplain   the same with the trace
//   BM_ReadDecideJson  JSON case in, decision JSON out (Policy::DecideToJson):
//                      what `decide --cases` does per line
//   BM_ReadDecideDecisionJson  the same through a Decision and DecisionToJson
// Every case is decided once before timing and must succeed; a benchmark
// whose case fails is skipped with an error instead of timing nonsense.
// Figures and the command that produced them: docs/performance.md.
#include <benchmark/benchmark.h>

#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "aftersales/aftersales.h"

namespace {

const char* const kCases[] = {
    "examples/cases/quality_defect_day3.json",
    "examples/cases/no_reason_exchange_odd_cent.json",
    "examples/cases/no_reason_insured_en.json",
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string Root() { return AFTERSALES_SOURCE_DIR; }

struct Fixture {
  std::shared_ptr<const aftersales::Policy> policy;
  std::vector<std::string> texts;
  std::vector<aftersales::Facts> facts;
  std::string error;

  Fixture() {
    aftersales::LoadResult loaded = aftersales::LoadPolicy(Root() + "/rules");
    if (!loaded.ok()) {
      error = "rules/ does not load: " + aftersales::FormatIssues(loaded.issues);
      return;
    }
    policy = loaded.policy;
    for (const char* c : kCases) {
      texts.push_back(ReadFile(Root() + "/" + c));
      auto f = policy->ReadFactsJson(texts.back(), c);
      if (!f.ok()) {
        error = std::string(c) + ": " + f.status().message();
        return;
      }
      aftersales::Decision d = policy->Decide(*f);
      if (!d.ok()) {
        error = std::string(c) + ": " + d.errors.front().message;
        return;
      }
      facts.push_back(std::move(*f));
    }
  }
};

const Fixture& GetFixture() {
  static const Fixture* f = new Fixture();
  return *f;
}

void BM_LoadPolicy(benchmark::State& state) {
  for (auto _ : state) {
    aftersales::LoadResult r = aftersales::LoadPolicy(Root() + "/rules");
    if (!r.ok()) {
      state.SkipWithError("rules/ does not load");
      break;
    }
    benchmark::DoNotOptimize(r.policy);
  }
}
BENCHMARK(BM_LoadPolicy)->Unit(benchmark::kMillisecond);

void BM_ReadFactsJson(benchmark::State& state) {
  const Fixture& f = GetFixture();
  if (!f.error.empty()) {
    state.SkipWithError(f.error.c_str());
    return;
  }
  std::size_t i = 0;
  for (auto _ : state) {
    auto facts = f.policy->ReadFactsJson(f.texts[i++ % f.texts.size()]);
    benchmark::DoNotOptimize(facts);
  }
  state.counters["cases/s"] = benchmark::Counter(static_cast<double>(state.iterations()),
                                                 benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ReadFactsJson);

void DecideLoop(benchmark::State& state, bool explain) {
  const Fixture& f = GetFixture();
  if (!f.error.empty()) {
    state.SkipWithError(f.error.c_str());
    return;
  }
  aftersales::DecideOptions options;
  options.explain = explain;
  std::size_t i = 0;
  for (auto _ : state) {
    aftersales::Decision d = f.policy->Decide(f.facts[i++ % f.facts.size()], options);
    benchmark::DoNotOptimize(d);
  }
  state.counters["decisions/s"] = benchmark::Counter(static_cast<double>(state.iterations()),
                                                     benchmark::Counter::kIsRate);
}

void BM_Decide(benchmark::State& state) { DecideLoop(state, false); }
BENCHMARK(BM_Decide);
void BM_DecideExplain(benchmark::State& state) { DecideLoop(state, true); }
BENCHMARK(BM_DecideExplain);

void BM_ReadDecideJson(benchmark::State& state) {
  const Fixture& f = GetFixture();
  if (!f.error.empty()) {
    state.SkipWithError(f.error.c_str());
    return;
  }
  std::size_t i = 0;
  for (auto _ : state) {
    auto facts = f.policy->ReadFactsJson(f.texts[i++ % f.texts.size()]);
    std::string out = f.policy->DecideToJson(*facts);
    benchmark::DoNotOptimize(out);
  }
  state.counters["cases/s"] = benchmark::Counter(static_cast<double>(state.iterations()),
                                                 benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ReadDecideJson);

void BM_ReadDecideDecisionJson(benchmark::State& state) {
  const Fixture& f = GetFixture();
  if (!f.error.empty()) {
    state.SkipWithError(f.error.c_str());
    return;
  }
  std::size_t i = 0;
  for (auto _ : state) {
    auto facts = f.policy->ReadFactsJson(f.texts[i++ % f.texts.size()]);
    aftersales::Decision d = f.policy->Decide(*facts);
    std::string out = aftersales::DecisionToJson(d);
    benchmark::DoNotOptimize(out);
  }
  state.counters["cases/s"] = benchmark::Counter(static_cast<double>(state.iterations()),
                                                 benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ReadDecideDecisionJson);

}  // namespace

BENCHMARK_MAIN();
