// Strings: the receiver functions contains, startsWith and endsWith (size
// is with the collections, matches with the regular expressions).
#include <cstring>
#include <string>

#include "expr/builtins/support.h"

namespace aftersales::internal::builtins {
namespace {

Value Contains(const Value* a, std::size_t n, const BuiltinData&, Frame& f) {
  if (!TwoStrings(a, n)) return NoOverload("contains", a, n);
  const std::string& s = a[0].string_value();
  const std::string& t = a[1].string_value();
  // glibc's memmem is linear (two-way); std::string::find compares the
  // needle at every place, so 'aaa...ab' in 'aaa...a' took hours. Charged:
  // the text looked through, and the needle.
  if (t.empty()) return Value::Bool(true);
  const void* at = ::memmem(s.data(), s.size(), t.data(), t.size());
  const std::size_t scanned = at ? static_cast<std::size_t>(static_cast<const char*>(at) - s.data()) : s.size();
  Charge(f, scanned + t.size(), kBytesPerStep);
  return Value::Bool(at != nullptr);
}
// startsWith and endsWith read the prefix's or suffix's bytes: charged by
// the call (Cost::ArgBytes).
Value StartsWith(const Value* a, std::size_t n, const BuiltinData&, Frame&) {
  if (!TwoStrings(a, n)) return NoOverload("startsWith", a, n);
  return Value::Bool(a[0].string_value().rfind(a[1].string_value(), 0) == 0);
}
Value EndsWith(const Value* a, std::size_t n, const BuiltinData&, Frame&) {
  if (!TwoStrings(a, n)) return NoOverload("endsWith", a, n);
  const std::string& s = a[0].string_value();
  const std::string& t = a[1].string_value();
  return Value::Bool(s.size() >= t.size() && s.compare(s.size() - t.size(), t.size(), t) == 0);
}

}  // namespace

void DeclareStrings(std::vector<Builtin>* out) {
  using namespace sig;
  const std::vector<Overload> text_and_text = {{{String, String}, Bool}};
  out->push_back({.name = "contains", .display = "contains", .style = CallStyle::kReceiver,
                  .overloads = text_and_text, .impl = Contains, .cost = Cost::Measured()});
  out->push_back({.name = "startsWith", .display = "startsWith", .style = CallStyle::kReceiver,
                  .overloads = text_and_text, .impl = StartsWith, .cost = Cost::ArgBytes(1, kBytesPerStep)});
  out->push_back({.name = "endsWith", .display = "endsWith", .style = CallStyle::kReceiver,
                  .overloads = text_and_text, .impl = EndsWith, .cost = Cost::ArgBytes(1, kBytesPerStep)});
}

}  // namespace aftersales::internal::builtins
