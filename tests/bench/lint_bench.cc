// Benchmarks of `aftersales lint` (aftersales/lint.h):
//   BM_LintShipped           rules/ with its five platform overlays
//   BM_LintTable/first       a 3,000-row `hit: first` table (every row
//                            checked for shadowing against those before it)
//   BM_LintTable/unique      the same rows as `hit: unique` (every pair of
//                            rows checked for overlap; the catch-all row
//                            overlaps all, so 100 findings are built and
//                            confirmed, the rest counted)
//   BM_LoadTable             loading that table, for scale
// The table: four inputs (an enum, another enum, a money range, an int
// comparison), rows over 13 categories x 5 requests x 47 price bands.
// Figures and the command that produced them: docs/performance.md.
#include <benchmark/benchmark.h>

#include <memory>
#include <random>
#include <string>

#include "aftersales/aftersales.h"

namespace {

std::string TablePolicy(int rows, const char* hit) {
  static const char* const kCategories[] = {"apparel", "shoes", "electronics", "small_appliance", "large_appliance",
                                            "food_fresh", "food_packaged", "cosmetics", "custom_made",
                                            "digital_download", "books", "furniture", "other"};
  static const char* const kRequests[] = {"refund_only", "return_refund", "exchange", "repair", "reship"};
  static const char* const kComplaints[] = {"-", "< 3", ">= 3"};
  static const char* const kResolutions[] = {"refund_only", "return_refund", "exchange"};
  std::mt19937 rng(7);
  std::string out = "policy: {name: big, version: \"1\", locales: [en]}\nstages:\n  - id: resolution\n    hit: ";
  out += hit;
  out += "\n    table:\n      inputs: [item.category, request.type, item.paid_cents, customer.complaints_90d]\n"
         "      outputs: [resolution]\n      rows:\n";
  const int per = rows / 65 + 1;
  int i = 0;
  for (const char* c : kCategories) {
    for (const char* r : kRequests) {
      for (int k = 0; k < per && i < rows - 1; ++k, ++i) {
        out += "        - {id: r" + std::to_string(i) + ", when: [" + c + ", " + r + ", \"[" +
               std::to_string(k * 1000) + ".." + std::to_string(k * 1000 + 1000) + ")\", \"" +
               kComplaints[rng() % 3] + "\"], then: [" + kResolutions[rng() % 3] + "]}\n";
      }
    }
  }
  out += "        - {id: rest, when: [\"-\", \"-\", \"-\", \"-\"], then: [escalate]}\n";
  return out;
}

void LintLoaded(benchmark::State& state, const aftersales::LoadResult& loaded) {
  if (!loaded.ok()) {
    state.SkipWithError(aftersales::FormatIssues(loaded.issues).c_str());
    return;
  }
  std::size_t findings = 0;
  for (auto _ : state) {
    aftersales::LintReport report = aftersales::LintPolicy(*loaded.policy);
    findings = report.findings.size();
    benchmark::DoNotOptimize(report);
  }
  state.counters["findings"] = static_cast<double>(findings);
}

void BM_LintShipped(benchmark::State& state) {
  LintLoaded(state, aftersales::LoadPolicy(std::string(AFTERSALES_SOURCE_DIR) + "/rules"));
}
BENCHMARK(BM_LintShipped)->Unit(benchmark::kMillisecond);

void BM_LintTable(benchmark::State& state) {
  const char* hit = state.range(0) == 0 ? "first" : "unique";
  state.SetLabel(hit);
  LintLoaded(state, aftersales::LoadPolicyFromStrings({{"big.yaml", TablePolicy(3000, hit)}}));
}
BENCHMARK(BM_LintTable)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_LoadTable(benchmark::State& state) {
  std::string text = TablePolicy(3000, "first");
  for (auto _ : state) {
    aftersales::LoadResult loaded = aftersales::LoadPolicyFromStrings({{"big.yaml", text}});
    if (!loaded.ok()) state.SkipWithError("the table does not load");
    benchmark::DoNotOptimize(loaded);
  }
}
BENCHMARK(BM_LoadTable)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
