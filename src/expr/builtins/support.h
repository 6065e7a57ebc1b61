// What the area files of the builtin registry share: the shorthand their
// declarations use for overload types, the list of areas the registry reads
// them from, and the helpers their implementations use for errors and for
// charging the step budget.
#ifndef AFTERSALES_EXPR_BUILTINS_SUPPORT_H_
#define AFTERSALES_EXPR_BUILTINS_SUPPORT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/value.h"
#include "expr/builtins.h"
#include "expr/node.h"

namespace aftersales::internal::builtins {

// ---- declarations ---------------------------------------------------------

// Overload types: Int, ListOf(A), MapOf(A, B), ...
namespace sig {
using K = TypeSpec::Kind;
inline constexpr TypeSpec Dyn{K::kDyn};
inline constexpr TypeSpec Bool{K::kBool};
inline constexpr TypeSpec Int{K::kInt};
inline constexpr TypeSpec Uint{K::kUint};
inline constexpr TypeSpec Double{K::kDouble};
inline constexpr TypeSpec Number{K::kNumber};
inline constexpr TypeSpec String{K::kString};
inline constexpr TypeSpec Timestamp{K::kTimestamp};
inline constexpr TypeSpec Duration{K::kDuration};
inline constexpr TypeSpec A{K::kA};
inline constexpr TypeSpec B{K::kB};
constexpr TypeSpec ListOf(TypeSpec elem) { return {K::kList, elem.kind}; }
constexpr TypeSpec MapOf(TypeSpec key, TypeSpec value) { return {K::kMap, key.kind, value.kind}; }
}  // namespace sig

// The areas, each appending its builtins; the registry calls them in this
// order, which is the order "did you mean" considers the functions in.
void DeclareLogic(std::vector<Builtin>* out);        // && || ! ?:
void DeclareArithmetic(std::vector<Builtin>* out);   // + - * / % and negation
void DeclareComparison(std::vector<Builtin>* out);   // < <= > >= == !=
void DeclareCollections(std::vector<Builtin>* out);  // size, in, []
void DeclareStrings(std::vector<Builtin>* out);      // contains, startsWith, endsWith
void DeclareRegex(std::vector<Builtin>* out);        // matches
void DeclareConversions(std::vector<Builtin>* out);  // int uint double string bool timestamp duration dyn
void DeclareTime(std::vector<Builtin>* out);         // getFullYear ... getMilliseconds, calendar_days
void DeclareMoney(std::vector<Builtin>* out);        // split, share

// ---- implementations ------------------------------------------------------

using K = Value::Kind;

Value Err(std::string message);

// "no matching overload for 'op' applied to (int, string)": the argument
// kinds did not fit at run time (an argument typed dyn).
Value NoOverload(std::string_view op, const Value* a, std::size_t n);

// "value too large: more than N bytes as JSON (limit max_decision_bytes)".
Value ValueTooLarge(Frame& f);

// Charges `units` of work, a step per `per_step` of them (kBytesPerStep,
// kItemsPerStep).
inline void Charge(Frame& f, std::size_t units, std::size_t per_step) {
  f.ctx->steps_left -= static_cast<std::int64_t>(units / per_step);
}

inline bool IsNumber(K k) { return k == K::kInt || k == K::kUint || k == K::kDouble; }

inline bool TwoStrings(const Value* a, std::size_t n) {
  return n == 2 && a[0].kind() == K::kString && a[1].kind() == K::kString;
}

}  // namespace aftersales::internal::builtins

#endif  // AFTERSALES_EXPR_BUILTINS_SUPPORT_H_
