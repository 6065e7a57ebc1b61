// StageProbe: how one stage's rules fare on one case, for the linter
// (src/lint), which confirms every case it shows with the engine itself.
#ifndef AFTERSALES_DECISION_STAGE_PROBE_H_
#define AFTERSALES_DECISION_STAGE_PROBE_H_

#include <cstddef>
#include <vector>

#include "common/value.h"

namespace aftersales::internal {

class PolicyImpl;
struct FactsData;

struct StageProbe {
  // False when the decision did not get as far as the stage (its budget ran
  // out before it).
  bool reached = false;
  // Per rule of the stage, in order: whether its condition holds, with the
  // decision as the earlier stages left it, and, when it does, the values
  // of its `then`, in its order (error values where one cannot be worked out).
  std::vector<bool> matched;
  std::vector<std::vector<Value>> outputs;
};

// Decides `facts` with `policy`'s own rules (no platform routing) up to
// stage `stage` (an index of its model's stages), then tries every rule of
// that stage, whatever its hit policy. The values may refer to the policy's
// constants: use them while it lives.
StageProbe ProbeStage(const PolicyImpl& policy, const FactsData& facts, std::size_t stage);

}  // namespace aftersales::internal

#endif  // AFTERSALES_DECISION_STAGE_PROBE_H_
