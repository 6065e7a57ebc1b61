// ScriptTemplate: the script text of a rule, compiled at load into literal
// parts and field references, rendered per decision through fmt (format
// specs such as {order.total_paid_cents:>10}). Rendering never parses and
// never looks names up.
#ifndef AFTERSALES_POLICY_SCRIPT_TEMPLATE_H_
#define AFTERSALES_POLICY_SCRIPT_TEMPLATE_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/time.h"
#include "common/value.h"
#include "expr/declarations.h"
#include "policy/policy_model.h"

namespace aftersales::internal {

struct TemplateIssue {
  std::string code;      // "template.syntax", "template.unknown", "template.spec"
  std::string message;
  std::size_t offset;    // byte offset in the template text
};

// Parses `text` ("Order {order.id}: {decision.refund_cents} yuan") against
// the declarations (facts by name, decision fields as decision.<name>) and
// the schema (for money/timestamp formatting). Checks every placeholder and
// format spec with a trial render. Issues are appended; the template is
// usable only when none were added.
// `decls` adds the named values in scope (the policy's and the stage's, as
// {name}); null: the schema's names only.
Template CompileTemplate(std::string_view text, const Schema& schema,
                         std::vector<TemplateIssue>* issues, const Declarations* decls = nullptr);

// Where one field's value went in a rendered text: bytes [begin, end) of
// `out`, as RenderTemplate appended it (a fallback shown for an absent
// field is not the field's value and has no span).
struct RenderedSpan {
  VarRef ref;
  std::size_t begin = 0, end = 0;
};

// Appends the rendered text to `out`. `spaces` as in EvalContext; `zone` is
// the case's time zone for timestamps; `locale` picks list separators.
// Returns false and sets `error` (naming the field) when a referenced field
// is absent or the output would exceed `max_length`. With `spans`, the
// place of every field's value in `out` is appended to it, in order (the
// decision log masks personal facts by them). A named value ({name}) is
// read through `named` (worked out there if no rule read it yet; without
// `named`, or when it cannot be worked out, it is an error, or its fallback
// when it has one).
bool RenderTemplate(const Template& tmpl, const Value* const* spaces, const TimeZone* zone,
                    std::string_view locale, std::size_t max_length, std::string* out,
                    std::string* error, std::vector<RenderedSpan>* spans = nullptr,
                    EvalContext* named = nullptr);

// Why a format spec read from elsewhere (a snapshot) could make output huge
// (a width or precision above what CompileTemplate allows); nullopt when
// it could not.
std::optional<std::string> ScriptSpecProblem(std::string_view spec);

}  // namespace aftersales::internal

#endif  // AFTERSALES_POLICY_SCRIPT_TEMPLATE_H_
