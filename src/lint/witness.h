// Witness: a real case inside a region (region.h) — the counterexample a
// lint finding shows. Facts the region holds to a set get a value from it
// (a present one where it allows one); facts it leaves free are left out.
// Computed atoms (named values, parts of conditions) cannot be set
// directly: the facts they read are searched (timestamps moved by whole
// days and hours, ints, enum words, strings the policy names) until each
// computes into its set (at most 2,000 cases tried). The case is read by
// the policy as any case is; whether it shows what a finding says is for
// the caller to confirm with the engine (stage_probe.h).
#ifndef AFTERSALES_LINT_WITNESS_H_
#define AFTERSALES_LINT_WITNESS_H_

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "aftersales/facts.h"
#include "lint/condition.h"
#include "lint/region.h"

namespace aftersales::internal {
class PolicyImpl;
}

namespace aftersales::internal::lint {

struct Witness {
  nlohmann::ordered_json json;  // the case, in the vocabulary's shape
  Facts facts;          // as the policy read it
};

class WitnessBuilder {
 public:
  // `reader` reads the cases (the policy a user would decide them with).
  WitnessBuilder(const PolicyImpl& reader, AtomTable* atoms) : reader_(reader), atoms_(atoms) {}

  // A case in `box`, or nullopt when none was found.
  std::optional<Witness> Build(const Box& box);

 private:
  std::optional<Facts> Read(const nlohmann::ordered_json& json) const;
  // How many of `targets` (computed atoms with their sets) `facts` meets.
  int Score(const Facts& facts, const std::vector<std::pair<std::uint32_t, CodeSet>>& targets) const;
  std::int64_t Compute(const Atom& atom, const Facts& facts) const;

  const PolicyImpl& reader_;
  AtomTable* atoms_;
};

// Sets `name` ("order.delivered_at") in `json` to `value`, nesting objects.
void SetPath(nlohmann::ordered_json* json, const std::string& name, nlohmann::ordered_json value);

}  // namespace aftersales::internal::lint

#endif  // AFTERSALES_LINT_WITNESS_H_
