// HeaderBuilder: the `policy` section (name, version, locales, time zone,
// the facts that carry the case id, locale and time zone) -> the matching
// PolicyModel fields. Runs after the schema is built (the *_fact settings
// name declared facts) and before the rules (scripts need the locales).
#ifndef AFTERSALES_POLICY_HEADER_BUILDER_H_
#define AFTERSALES_POLICY_HEADER_BUILDER_H_

#include "policy/build_context.h"
#include "policy/policy_model.h"
#include "policy/yaml_reader.h"

namespace aftersales::internal {

// What a `platforms` block in the header means for the policy being built.
enum class PlatformsUse {
  kRead,     // the policy being loaded: check it, record it in the model
  kOverlay,  // loaded as another policy's platform overlay: no overlays of its own (an error)
};

// `section` is the one `policy` section. Fills name, version, description,
// locales, default/fallback locale, default_timezone, the *_fact slots and
// `platforms` (when `platforms` is kRead).
// REQUIRES: model->schema is built.
void BuildHeader(const YamlNode& section, BuildContext& ctx, PolicyModel* model,
                 PlatformsUse platforms = PlatformsUse::kRead);

// The locales a policy has when its header names none.
const std::vector<std::string>& DefaultLocales();

}  // namespace aftersales::internal

#endif  // AFTERSALES_POLICY_HEADER_BUILDER_H_
