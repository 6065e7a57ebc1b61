// SchemaCompare: whether two policies read a case alike, so that facts one
// of them read can be decided by the other (a policy and its platform
// overlays share one Facts object). Runs at load time only.
#ifndef AFTERSALES_POLICY_SCHEMA_COMPARE_H_
#define AFTERSALES_POLICY_SCHEMA_COMPARE_H_

#include <string>

#include "policy/policy_model.h"

namespace aftersales::internal {

// "" when `other` declares the same facts as `mine` (names, types, enum
// words, defaults), in the same order, and takes the locale from the same
// fact. Otherwise the first difference, in words, `other` as "it" and
// `mine` as "this policy": "it does not declare fact 'order.note'".
std::string FactSchemaDifference(const PolicyModel& mine, const PolicyModel& other);

}  // namespace aftersales::internal

#endif  // AFTERSALES_POLICY_SCHEMA_COMPARE_H_
