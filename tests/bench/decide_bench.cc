// Benchmarks of the shipped policy (rules/) on the example cases:
//   BM_LoadPolicy      load, check and compile rules/ (once per service start)
//   BM_ReadFactsJson   parse one JSON case into slots
//   BM_Decide          decide one already-read case (the hot path)
//   BM_DecideExplain   the same with the trace
//   BM_DecideToJson    decide one read case to its JSON string
//   BM_ReadDecideJson  JSON case in, decision JSON out (Policy::DecideToJson):
//                      what `decide --cases` does per line
//   BM_ReadDecideDecisionJson  the same through a Decision and DecisionToJson
// Every case is decided once before timing and must succeed; a benchmark
// whose case fails is skipped with an error instead of timing nonsense.
// `--policy=PATH --cases=FILE.jsonl` time another policy on the first 1,000
// cases of a file instead (the peers' policies: docs/performance.md).
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

// --policy and --cases, when given.
std::string g_policy, g_cases;

struct Fixture {
  std::shared_ptr<const aftersales::Policy> policy;
  std::vector<std::string> texts;
  std::vector<aftersales::Facts> facts;
  std::string error;

  Fixture() {
    const std::string path = g_policy.empty() ? Root() + "/rules" : g_policy;
    aftersales::LoadResult loaded = aftersales::LoadPolicy(path);
    if (!loaded.ok()) {
      error = path + " does not load: " + aftersales::FormatIssues(loaded.issues);
      return;
    }
    policy = loaded.policy;
    std::vector<std::string> names;
    if (g_cases.empty()) {
      for (const char* c : kCases) {
        names.push_back(c);
        texts.push_back(ReadFile(Root() + "/" + c));
      }
    } else {
      std::ifstream in(g_cases, std::ios::binary);
      std::string line;
      while (texts.size() < 1000 && std::getline(in, line)) {
        if (line.empty()) continue;
        names.push_back(g_cases + ":" + std::to_string(texts.size() + 1));
        texts.push_back(line);
      }
      if (texts.empty()) {
        error = g_cases + ": no cases";
        return;
      }
    }
    for (std::size_t i = 0; i < texts.size(); ++i) {
      const std::string& c = names[i];
      auto f = policy->ReadFactsJson(texts[i], c);
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

// One decision from read facts to its JSON string (Policy::DecideToJson).
void BM_DecideToJson(benchmark::State& state) {
  const Fixture& f = GetFixture();
  if (!f.error.empty()) {
    state.SkipWithError(f.error.c_str());
    return;
  }
  std::size_t i = 0;
  for (auto _ : state) {
    std::string out = f.policy->DecideToJson(f.facts[i++ % f.facts.size()]);
    benchmark::DoNotOptimize(out);
  }
  state.counters["decisions/s"] = benchmark::Counter(static_cast<double>(state.iterations()),
                                                     benchmark::Counter::kIsRate);
}
BENCHMARK(BM_DecideToJson);

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

int main(int argc, char** argv) {
  // Our own flags first; the rest are Google Benchmark's.
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--policy=", 0) == 0) {
      g_policy = arg.substr(9);
    } else if (arg.rfind("--cases=", 0) == 0) {
      g_cases = arg.substr(8);
    } else {
      rest.push_back(argv[i]);
    }
  }
  int n = static_cast<int>(rest.size());
  benchmark::Initialize(&n, rest.data());
  if (benchmark::ReportUnrecognizedArguments(n, rest.data())) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
