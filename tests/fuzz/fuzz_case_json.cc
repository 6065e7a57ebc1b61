// Fuzz target: case bytes -> the shipped policy (rules/, loaded once) reads
// them as a JSON case (and, as the same bytes are often YAML too, as a YAML
// case), decides the case with explain off and on, and prints the decision
// as JSON and text.
//
// What must hold, beyond not crashing: a case that does not read says why;
// one that reads decides the same with and without explain, and its JSON is
// JSON (fuzz_common.h).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "aftersales/aftersales.h"
#include "fuzz_common.h"

namespace {

void ReadAndDecide(const aftersales::Result<aftersales::Facts>& facts, std::string_view input) {
  if (!facts.ok()) {
    FUZZ_CHECK(facts.status().code() == aftersales::StatusCode::kInvalidArgument ||
                   facts.status().code() == aftersales::StatusCode::kResourceExhausted,
               facts.status().message());
    FUZZ_CHECK(!facts.status().message().empty(), std::string(input));
    return;
  }
  aftersales_fuzz::DecideAndCheck(*aftersales_fuzz::ShippedPolicy(), *facts);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const aftersales::Policy& policy = *aftersales_fuzz::ShippedPolicy();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  ReadAndDecide(policy.ReadFactsJson(input, "case.json"), input);
  ReadAndDecide(policy.ReadFactsYaml(input, "case.yaml"), input);
  return 0;
}
