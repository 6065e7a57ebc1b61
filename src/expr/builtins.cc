#include "expr/builtins.h"

#include <re2/re2.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <unordered_map>

#include "common/int128.h"
#include "common/time.h"
#include "expr/regex_pool.h"

namespace aftersales::internal {
namespace {

using K = Value::Kind;

Value Err(std::string m) { return Value::Error(std::move(m)); }

Value NoOverload(std::string_view op, const Value* a, std::size_t n) {
  std::string s = "no matching overload for '" + std::string(op) + "' applied to (";
  for (std::size_t i = 0; i < n; ++i) {
    if (i) s += ", ";
    s += Value::KindName(a[i].kind());
  }
  return Err(s + ")");
}

bool IsNumber(K k) { return k == K::kInt || k == K::kUint || k == K::kDouble; }

// Work that grows with its operands is charged to the step budget, a step
// per 64 bytes scanned or per 8 items compared: otherwise a macro over a
// fact's list that looks through a 1 MiB text, or through the list itself,
// at every item runs for minutes on a few steps per item.
constexpr std::size_t kBytesPerStep = 64;
constexpr std::size_t kItemsPerStep = 8;
void Charge(Frame& f, std::size_t units, std::size_t per_step) {
  f.ctx->steps_left -= static_cast<std::int64_t>(units / per_step);
}

Value ValueTooLarge(Frame& f) {
  return Err("value too large: more than " + std::to_string(f.ctx->max_value_bytes) +
             " bytes as JSON (limit max_decision_bytes)");
}

// `a + b` of two lists would be over max_value_bytes: the error, else absent.
// Measuring walks the items, which is charged like looking through them.
Value CheckBytes(const Value& a, const Value& b, Frame& f) {
  const std::uint64_t limit = f.ctx->max_value_bytes;
  std::uint64_t visited = 0;
  std::uint64_t bytes = JsonBytes(a, limit, &visited);
  if (bytes <= limit) bytes += JsonBytes(b, limit - bytes, &visited);
  Charge(f, static_cast<std::size_t>(visited), kItemsPerStep);
  return bytes > limit ? ValueTooLarge(f) : Value();
}

// ---- arithmetic -----------------------------------------------------------

Value Add(const Value* a, std::size_t n, const BuiltinData&, Frame& f) {
  K x = a[0].kind(), y = a[1].kind();
  if (x == K::kInt && y == K::kInt) {
    std::int64_t r;
    if (__builtin_add_overflow(a[0].int_value(), a[1].int_value(), &r)) return Err("int overflow in '+'");
    return Value::Int(r);
  }
  if (x == K::kUint && y == K::kUint) {
    std::uint64_t r;
    if (__builtin_add_overflow(a[0].uint_value(), a[1].uint_value(), &r)) return Err("uint overflow in '+'");
    return Value::Uint(r);
  }
  if (x == K::kDouble && y == K::kDouble) return Value::Double(a[0].double_value() + a[1].double_value());
  if (x == K::kString && y == K::kString) {
    std::size_t size = a[0].string_value().size() + a[1].string_value().size();
    if (size > f.ctx->max_string_length) {
      return Err("string too long: more than " + std::to_string(f.ctx->max_string_length) +
                 " bytes (limit max_string_length)");
    }
    if (size + 2 > f.ctx->max_value_bytes) return ValueTooLarge(f);
    Charge(f, size, kBytesPerStep);
    return Value::String(a[0].string_value() + a[1].string_value());
  }
  if (x == K::kList && y == K::kList) {
    std::size_t size = a[0].list_value().size() + a[1].list_value().size();
    if (size > f.ctx->max_collection_size) {
      return Err("list too large: more than " + std::to_string(f.ctx->max_collection_size) +
                 " items (limit max_collection_size)");
    }
    Charge(f, size, kItemsPerStep);
    if (Value over = CheckBytes(a[0], a[1], f); over.is_error()) return over;
    Value::List out = a[0].list_value();
    out.insert(out.end(), a[1].list_value().begin(), a[1].list_value().end());
    return Value::ListOf(std::move(out));
  }
  if (x == K::kTimestamp && y == K::kDuration) {
    auto r = AddDuration(a[0].timestamp_value(), a[1].duration_value());
    return r ? Value::Time(*r) : Err("timestamp out of range");
  }
  if (x == K::kDuration && y == K::kTimestamp) {
    auto r = AddDuration(a[1].timestamp_value(), a[0].duration_value());
    return r ? Value::Time(*r) : Err("timestamp out of range");
  }
  if (x == K::kDuration && y == K::kDuration) {
    auto r = AddDurations(a[0].duration_value(), a[1].duration_value());
    return r ? Value::Dur(*r) : Err("duration out of range");
  }
  return NoOverload("+", a, n);
}

Value Sub(const Value* a, std::size_t n, const BuiltinData&, Frame&) {
  K x = a[0].kind(), y = a[1].kind();
  if (x == K::kInt && y == K::kInt) {
    std::int64_t r;
    if (__builtin_sub_overflow(a[0].int_value(), a[1].int_value(), &r)) return Err("int overflow in '-'");
    return Value::Int(r);
  }
  if (x == K::kUint && y == K::kUint) {
    std::uint64_t r;
    if (__builtin_sub_overflow(a[0].uint_value(), a[1].uint_value(), &r)) return Err("uint overflow in '-'");
    return Value::Uint(r);
  }
  if (x == K::kDouble && y == K::kDouble) return Value::Double(a[0].double_value() - a[1].double_value());
  if (x == K::kTimestamp && y == K::kTimestamp) {
    auto r = Subtract(a[0].timestamp_value(), a[1].timestamp_value());
    return r ? Value::Dur(*r) : Err("duration out of range");
  }
  if (x == K::kTimestamp && y == K::kDuration) {
    auto neg = NegateDuration(a[1].duration_value());
    auto r = neg ? AddDuration(a[0].timestamp_value(), *neg) : std::nullopt;
    return r ? Value::Time(*r) : Err("timestamp out of range");
  }
  if (x == K::kDuration && y == K::kDuration) {
    auto neg = NegateDuration(a[1].duration_value());
    auto r = neg ? AddDurations(a[0].duration_value(), *neg) : std::nullopt;
    return r ? Value::Dur(*r) : Err("duration out of range");
  }
  return NoOverload("-", a, n);
}

Value Mul(const Value* a, std::size_t n, const BuiltinData&, Frame&) {
  K x = a[0].kind(), y = a[1].kind();
  if (x == K::kInt && y == K::kInt) {
    std::int64_t r;
    if (__builtin_mul_overflow(a[0].int_value(), a[1].int_value(), &r)) return Err("int overflow in '*'");
    return Value::Int(r);
  }
  if (x == K::kUint && y == K::kUint) {
    std::uint64_t r;
    if (__builtin_mul_overflow(a[0].uint_value(), a[1].uint_value(), &r)) return Err("uint overflow in '*'");
    return Value::Uint(r);
  }
  if (x == K::kDouble && y == K::kDouble) return Value::Double(a[0].double_value() * a[1].double_value());
  return NoOverload("*", a, n);
}

Value Div(const Value* a, std::size_t n, const BuiltinData&, Frame&) {
  K x = a[0].kind(), y = a[1].kind();
  if (x == K::kInt && y == K::kInt) {
    if (a[1].int_value() == 0) return Err("division by zero");
    if (a[0].int_value() == std::numeric_limits<std::int64_t>::min() && a[1].int_value() == -1) {
      return Err("int overflow in '/'");
    }
    return Value::Int(a[0].int_value() / a[1].int_value());
  }
  if (x == K::kUint && y == K::kUint) {
    if (a[1].uint_value() == 0) return Err("division by zero");
    return Value::Uint(a[0].uint_value() / a[1].uint_value());
  }
  if (x == K::kDouble && y == K::kDouble) return Value::Double(a[0].double_value() / a[1].double_value());
  return NoOverload("/", a, n);
}

Value Mod(const Value* a, std::size_t n, const BuiltinData&, Frame&) {
  K x = a[0].kind(), y = a[1].kind();
  if (x == K::kInt && y == K::kInt) {
    if (a[1].int_value() == 0) return Err("modulus by zero");
    if (a[0].int_value() == std::numeric_limits<std::int64_t>::min() && a[1].int_value() == -1) {
      return Err("int overflow in '%'");
    }
    return Value::Int(a[0].int_value() % a[1].int_value());
  }
  if (x == K::kUint && y == K::kUint) {
    if (a[1].uint_value() == 0) return Err("modulus by zero");
    return Value::Uint(a[0].uint_value() % a[1].uint_value());
  }
  return NoOverload("%", a, n);
}

Value Neg(const Value* a, std::size_t n, const BuiltinData&, Frame&) {
  switch (a[0].kind()) {
    case K::kInt:
      if (a[0].int_value() == std::numeric_limits<std::int64_t>::min()) return Err("int overflow in '-'");
      return Value::Int(-a[0].int_value());
    case K::kDouble:
      return Value::Double(-a[0].double_value());
    case K::kDuration: {
      auto r = NegateDuration(a[0].duration_value());
      return r ? Value::Dur(*r) : Err("duration out of range");
    }
    default:
      return NoOverload("-", a, n);
  }
}

// ---- comparison -----------------------------------------------------------

int CompareNumbers(const Value& a, const Value& b) {
  K x = a.kind(), y = b.kind();
  auto cmp = [](auto p, auto q) { return p < q ? -1 : (p > q ? 1 : 0); };
  if (x == K::kInt && y == K::kInt) return cmp(a.int_value(), b.int_value());
  if (x == K::kUint && y == K::kUint) return cmp(a.uint_value(), b.uint_value());
  if (x == K::kInt && y == K::kUint) {
    if (a.int_value() < 0) return -1;
    return cmp(static_cast<std::uint64_t>(a.int_value()), b.uint_value());
  }
  if (x == K::kUint && y == K::kInt) {
    if (b.int_value() < 0) return 1;
    return cmp(a.uint_value(), static_cast<std::uint64_t>(b.int_value()));
  }
  // One side is a double: CEL converts the integer to double (lossy, as
  // the specification does).
  auto as_double = [](const Value& v) {
    switch (v.kind()) {
      case K::kInt: return static_cast<double>(v.int_value());
      case K::kUint: return static_cast<double>(v.uint_value());
      default: return v.double_value();
    }
  };
  double p = as_double(a), q = as_double(b);
  if (std::isnan(p) || std::isnan(q)) return 2;
  return cmp(p, q);
}

Value Compare(const Value* a, std::size_t n, std::string_view op, bool (*pick)(int)) {
  bool error = false;
  int c = CompareValues(a[0], a[1], &error);
  if (error) return NoOverload(op, a, n);
  if (c == 2) return Value::Bool(false);
  return Value::Bool(pick(c));
}

Value Less(const Value* a, std::size_t n, const BuiltinData&, Frame&) {
  return Compare(a, n, "<", [](int c) { return c < 0; });
}
Value LessEq(const Value* a, std::size_t n, const BuiltinData&, Frame&) {
  return Compare(a, n, "<=", [](int c) { return c <= 0; });
}
Value Greater(const Value* a, std::size_t n, const BuiltinData&, Frame&) {
  return Compare(a, n, ">", [](int c) { return c > 0; });
}
Value GreaterEq(const Value* a, std::size_t n, const BuiltinData&, Frame&) {
  return Compare(a, n, ">=", [](int c) { return c >= 0; });
}

// Equality charged by the work it really does: every item of nested lists
// and maps it looks at (8 to a step), every 64 bytes of text compared. It
// stops when the budget would run out, so one comparison of two huge
// nested lists cannot run past it. False with *spent set: the budget ran out.
bool EqualCharged(const Value& a, const Value& b, Frame& f, bool* spent) {
  const std::int64_t left = f.ctx->steps_left < 0 ? 0 : f.ctx->steps_left;
  const std::uint64_t limit =
      (static_cast<std::uint64_t>(left) + 1) * kItemsPerStep;  // just past the budget: spent
  std::uint64_t work = 0;
  const bool eq = ValuesEqualCounted(a, b, limit, &work);
  Charge(f, static_cast<std::size_t>(work), kItemsPerStep);
  *spent = work >= limit;
  return eq;
}

Value Eq(const Value* a, std::size_t, const BuiltinData&, Frame& f) {
  bool spent = false;
  const bool eq = EqualCharged(a[0], a[1], f, &spent);
  return spent ? BudgetError() : Value::Bool(eq);
}
Value Ne(const Value* a, std::size_t, const BuiltinData&, Frame& f) {
  bool spent = false;
  const bool eq = EqualCharged(a[0], a[1], f, &spent);
  return spent ? BudgetError() : Value::Bool(!eq);
}

const Value* MapLookup(const Value& map, const Value& key) {
  for (const auto& [k, v] : map.map_value()) {
    if (ValuesEqual(k, key)) return &v;
  }
  return nullptr;
}

Value In(const Value* a, std::size_t n, const BuiltinData&, Frame& f) {
  if (a[1].kind() == K::kList) {
    // Each item compared is charged for what comparing it took (nested
    // lists item by item), and the search stops when the budget is spent.
    const std::int64_t left = f.ctx->steps_left < 0 ? 0 : f.ctx->steps_left;
    const std::uint64_t limit = (static_cast<std::uint64_t>(left) + 1) * kItemsPerStep;
    std::uint64_t work = 0;
    bool found = false;
    for (const Value& e : a[1].list_value()) {
      if (ValuesEqualCounted(e, a[0], limit, &work)) {
        found = true;
        break;
      }
      if (work >= limit) break;
    }
    Charge(f, static_cast<std::size_t>(work), kItemsPerStep);
    if (work >= limit) return BudgetError();
    return Value::Bool(found);
  }
  if (a[1].kind() == K::kMap) {
    Charge(f, a[1].map_value().size(), kItemsPerStep);
    return Value::Bool(MapLookup(a[1], a[0]) != nullptr);
  }
  return NoOverload("in", a, n);
}

Value Index(const Value* a, std::size_t n, const BuiltinData&, Frame& f) {
  if (a[0].kind() == K::kList) {
    const auto& l = a[0].list_value();
    std::int64_t i;
    K k = a[1].kind();
    if (k == K::kInt) {
      i = a[1].int_value();
    } else if (k == K::kUint) {
      if (a[1].uint_value() > static_cast<std::uint64_t>(INT64_MAX)) return Err("index out of range");
      i = static_cast<std::int64_t>(a[1].uint_value());
    } else if (k == K::kDouble) {
      double d = a[1].double_value();
      if (d != std::trunc(d) || std::abs(d) > 9e15) return Err("invalid list index: " + FormatCelLiteral(a[1]));
      i = static_cast<std::int64_t>(d);
    } else {
      return NoOverload("[]", a, n);
    }
    if (i < 0 || static_cast<std::uint64_t>(i) >= l.size()) {
      return Err("index out of range: " + std::to_string(i));
    }
    return l[static_cast<std::size_t>(i)];
  }
  if (a[0].kind() == K::kMap) {
    K k = a[1].kind();
    if (k != K::kString && k != K::kInt && k != K::kUint && k != K::kBool && k != K::kDouble) {
      return Err("unsupported map key type: " + std::string(Value::KindName(k)));
    }
    Charge(f, a[0].map_value().size(), kItemsPerStep);
    const Value* v = MapLookup(a[0], a[1]);
    if (!v) return Err("no such key: " + FormatCelLiteral(a[1]));
    return *v;
  }
  return NoOverload("[]", a, n);
}

// ---- strings and sizes ----------------------------------------------------

std::int64_t CodePoints(const std::string& s) {
  std::int64_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

Value Size(const Value* a, std::size_t n, const BuiltinData&, Frame& f) {
  switch (a[0].kind()) {
    case K::kString:
      Charge(f, a[0].string_value().size(), kBytesPerStep);
      return Value::Int(CodePoints(a[0].string_value()));
    case K::kList: return Value::Int(static_cast<std::int64_t>(a[0].list_value().size()));
    case K::kMap: return Value::Int(static_cast<std::int64_t>(a[0].map_value().size()));
    default: return NoOverload("size", a, n);
  }
}

bool TwoStrings(const Value* a, std::size_t n) {
  return n == 2 && a[0].kind() == K::kString && a[1].kind() == K::kString;
}

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
Value StartsWith(const Value* a, std::size_t n, const BuiltinData&, Frame& f) {
  if (!TwoStrings(a, n)) return NoOverload("startsWith", a, n);
  Charge(f, a[1].string_value().size(), kBytesPerStep);
  return Value::Bool(a[0].string_value().rfind(a[1].string_value(), 0) == 0);
}
Value EndsWith(const Value* a, std::size_t n, const BuiltinData&, Frame& f) {
  if (!TwoStrings(a, n)) return NoOverload("endsWith", a, n);
  Charge(f, a[1].string_value().size(), kBytesPerStep);
  const std::string& s = a[0].string_value();
  const std::string& t = a[1].string_value();
  return Value::Bool(s.size() >= t.size() && s.compare(s.size() - t.size(), t.size(), t) == 0);
}

// RE2 matches in time linear in the text: with its DFA, about a byte a
// nanosecond, until the DFA's cache (within max_regex_memory) overflows,
// as a hostile pattern on a long text makes it; then with the NFA, whose
// time is the text's length times the program's size. A match is charged
// for that worst case, before it runs: a step per kRegexWorkPerStep bytes
// times instructions. Measured (tests/bench/hostile_bench.cc, DFA-hostile
// patterns): about 5 ns per byte x instruction, so a match the budget can
// pay for runs at most about 40 ms. A pattern built at run time is charged
// for compiling it too (a fixed cost and its length, then its program's
// size), and compiled once per decision (EvalContext::regex_cache).
constexpr std::uint64_t kRegexWorkPerStep = 8;
// Compiling costs RE2 a fixed ~20-45 us (measured: BM_DynamicPatterns, a new
// pattern per iteration) plus what grows with the pattern (parsing it: up
// to ~0.8 us a byte for `(a|b)(a|b)...`) and with its program.
constexpr std::int64_t kCompileSteps = 2000;
constexpr std::int64_t kCompileStepsPerByte = 32;
constexpr std::int64_t kCompileStepsPerInst = 8;

Value Matches(const Value* a, std::size_t n, const BuiltinData& data, Frame& f) {
  if (!TwoStrings(a, n)) return NoOverload("matches", a, n);
  const std::string& text = a[0].string_value();
  const RE2* re = data.regex.get();
  std::int64_t size = data.regex_size;
  std::shared_ptr<const RE2> built;
  if (!re) {
    const std::string& pattern = a[1].string_value();
    if (f.ctx->regex_cache) built = f.ctx->regex_cache->Find(pattern);
    if (!built) {
      // Charged before compiling, so a huge pattern is never compiled on
      // a budget that cannot pay for it.
      f.ctx->steps_left -= kCompileSteps + kCompileStepsPerByte * static_cast<std::int64_t>(pattern.size());
      if (f.ctx->steps_left < 0) return BudgetError();
      std::string error;
      if (f.ctx->regex_cache) {
        built = f.ctx->regex_cache->Add(pattern, &error);
      } else {
        RegexPool once(f.ctx->max_regex_memory, f.ctx->max_regex_memory, RegexPool::WhenFull::kEmpty);
        built = once.Add(pattern, &error);
      }
      if (!built) return Err(error);
      f.ctx->steps_left -= kCompileStepsPerInst * built->ProgramSize();
    }
    size = built->ProgramSize();
    re = built.get();
  }
  const std::uint64_t work = (static_cast<std::uint64_t>(text.size()) + 1) * static_cast<std::uint64_t>(size);
  f.ctx->steps_left -= static_cast<std::int64_t>(work / kRegexWorkPerStep);
  if (f.ctx->steps_left < 0) return BudgetError();
  return Value::Bool(RE2::PartialMatch(text, *re));
}

// ---- conversions ----------------------------------------------------------

constexpr double kTwo63 = 9223372036854775808.0;
constexpr double kTwo64 = 18446744073709551616.0;

Value ToInt(const Value* a, std::size_t n, const BuiltinData&, Frame&) {
  const Value& v = a[0];
  switch (v.kind()) {
    case K::kInt: return v;
    case K::kUint:
      if (v.uint_value() > static_cast<std::uint64_t>(INT64_MAX)) return Err("int() out of range");
      return Value::Int(static_cast<std::int64_t>(v.uint_value()));
    case K::kDouble: {
      double d = v.double_value();
      if (std::isnan(d) || d <= -kTwo63 || d >= kTwo63) return Err("int() out of range");
      return Value::Int(static_cast<std::int64_t>(d));
    }
    case K::kString: {
      const std::string& s = v.string_value();
      std::int64_t r = 0;
      auto res = std::from_chars(s.data(), s.data() + s.size(), r);
      if (res.ec != std::errc() || res.ptr != s.data() + s.size() || s.empty()) {
        return Err("int(): cannot convert \"" + s + "\"");
      }
      return Value::Int(r);
    }
    case K::kTimestamp: return Value::Int(v.timestamp_value().seconds);
    default: return NoOverload("int", a, n);
  }
}

Value ToUint(const Value* a, std::size_t n, const BuiltinData&, Frame&) {
  const Value& v = a[0];
  switch (v.kind()) {
    case K::kUint: return v;
    case K::kInt:
      if (v.int_value() < 0) return Err("uint() out of range");
      return Value::Uint(static_cast<std::uint64_t>(v.int_value()));
    case K::kDouble: {
      double d = v.double_value();
      if (std::isnan(d) || d < 0 || d >= kTwo64) return Err("uint() out of range");
      return Value::Uint(static_cast<std::uint64_t>(d));
    }
    case K::kString: {
      const std::string& s = v.string_value();
      std::uint64_t r = 0;
      auto res = std::from_chars(s.data(), s.data() + s.size(), r);
      if (res.ec != std::errc() || res.ptr != s.data() + s.size() || s.empty()) {
        return Err("uint(): cannot convert \"" + s + "\"");
      }
      return Value::Uint(r);
    }
    default: return NoOverload("uint", a, n);
  }
}

Value ToDouble(const Value* a, std::size_t n, const BuiltinData&, Frame&) {
  const Value& v = a[0];
  switch (v.kind()) {
    case K::kDouble: return v;
    case K::kInt: return Value::Double(static_cast<double>(v.int_value()));
    case K::kUint: return Value::Double(static_cast<double>(v.uint_value()));
    case K::kString: {
      const std::string& s = v.string_value();
      if (s.empty()) return Err("double(): cannot convert \"\"");
      char* end = nullptr;
      errno = 0;
      double d = std::strtod(s.c_str(), &end);
      if (end != s.c_str() + s.size()) return Err("double(): cannot convert \"" + s + "\"");
      return Value::Double(d);
    }
    default: return NoOverload("double", a, n);
  }
}

Value ToStringFn(const Value* a, std::size_t n, const BuiltinData&, Frame&) {
  const Value& v = a[0];
  switch (v.kind()) {
    case K::kString: return v;
    case K::kInt: return Value::String(std::to_string(v.int_value()));
    case K::kUint: return Value::String(std::to_string(v.uint_value()));
    case K::kDouble: {
      char buf[64];
      auto r = std::to_chars(buf, buf + sizeof buf, v.double_value());
      return Value::String(std::string(buf, r.ptr));
    }
    case K::kBool: return Value::String(v.bool_value() ? "true" : "false");
    case K::kTimestamp: return Value::String(FormatTimestamp(v.timestamp_value()));
    case K::kDuration: return Value::String(FormatDuration(v.duration_value()));
    default: return NoOverload("string", a, n);
  }
}

Value ToBool(const Value* a, std::size_t n, const BuiltinData&, Frame&) {
  const Value& v = a[0];
  if (v.kind() == K::kBool) return v;
  if (v.kind() == K::kString) {
    const std::string& s = v.string_value();
    if (s == "true" || s == "True" || s == "TRUE" || s == "t" || s == "1") return Value::Bool(true);
    if (s == "false" || s == "False" || s == "FALSE" || s == "f" || s == "0") return Value::Bool(false);
    return Err("bool(): cannot convert \"" + s + "\"");
  }
  return NoOverload("bool", a, n);
}

Value ToTimestamp(const Value* a, std::size_t n, const BuiltinData&, Frame&) {
  const Value& v = a[0];
  if (v.kind() == K::kTimestamp) return v;
  if (v.kind() == K::kString) {
    std::string why;
    auto t = ParseTimestamp(v.string_value(), &why);
    if (!t) return Err("timestamp(\"" + v.string_value() + "\"): " + why);
    return Value::Time(*t);
  }
  if (v.kind() == K::kInt) {
    Timestamp t{v.int_value(), 0};
    if (t.seconds < kMinTimestampSeconds || t.seconds > kMaxTimestampSeconds) return Err("timestamp out of range");
    return Value::Time(t);
  }
  return NoOverload("timestamp", a, n);
}

Value ToDuration(const Value* a, std::size_t n, const BuiltinData&, Frame&) {
  const Value& v = a[0];
  if (v.kind() == K::kDuration) return v;
  if (v.kind() == K::kString) {
    std::string why;
    auto d = ParseDuration(v.string_value(), &why);
    if (!d) return Err("duration(\"" + v.string_value() + "\"): " + why);
    return Value::Dur(*d);
  }
  return NoOverload("duration", a, n);
}

Value Dyn(const Value* a, std::size_t, const BuiltinData&, Frame&) { return a[0]; }

// ---- timestamps and durations -----------------------------------------------

enum class Part { kFullYear, kMonth, kDate, kDayOfMonth, kDayOfWeek, kDayOfYear, kHours, kMinutes, kSeconds, kMillis };

// A zone named by a fact is remembered, not looked up per call.
const TimeZone* ZoneFor(const Value* a, std::size_t n, const BuiltinData& data, std::string* error) {
  if (n < 2) return data.zone ? data.zone : FindTimeZone("UTC");
  if (data.zone) return data.zone;
  const std::string& name = a[1].string_value();
  const TimeZone* z = FindTimeZoneRemembered(name);
  if (!z) *error = "unknown time zone '" + name + "'";
  return z;
}

template <Part P>
Value Getter(const Value* a, std::size_t n, const BuiltinData& data, Frame&) {
  if (a[0].kind() == K::kDuration && n == 1) {
    Duration d = a[0].duration_value();
    switch (P) {
      case Part::kHours: return Value::Int(d.seconds / 3600);
      case Part::kMinutes: return Value::Int(d.seconds / 60);
      case Part::kSeconds: return Value::Int(d.seconds);
      case Part::kMillis: return Value::Int(d.nanos / 1'000'000);
      default: break;
    }
    return NoOverload("duration getter", a, n);
  }
  if (a[0].kind() != K::kTimestamp || (n == 2 && a[1].kind() != K::kString) || n > 2) {
    return NoOverload("timestamp getter", a, n);
  }
  std::string error;
  const TimeZone* zone = ZoneFor(a, n, data, &error);
  if (!zone) return Err(error);
  Timestamp t = a[0].timestamp_value();
  CivilTime c = ToCivil(t, zone);
  switch (P) {
    case Part::kFullYear: return Value::Int(c.year);
    case Part::kMonth: return Value::Int(c.month - 1);
    case Part::kDate: return Value::Int(c.day);
    case Part::kDayOfMonth: return Value::Int(c.day - 1);
    case Part::kDayOfWeek: return Value::Int(c.weekday);
    case Part::kDayOfYear: return Value::Int(c.yearday);
    case Part::kHours: return Value::Int(c.hour);
    case Part::kMinutes: return Value::Int(c.minute);
    case Part::kSeconds: return Value::Int(c.second);
    case Part::kMillis: return Value::Int(t.nanos / 1'000'000);
  }
  return Err("bad getter");
}

// ---- after-sales helpers ----------------------------------------------------

Value CalendarDays(const Value* a, std::size_t n, const BuiltinData& data, Frame&) {
  if (n != 3 || a[0].kind() != K::kTimestamp || a[1].kind() != K::kTimestamp || a[2].kind() != K::kString) {
    return NoOverload("calendar_days", a, n);
  }
  const TimeZone* zone = data.zone;
  if (!zone) {
    const std::string& name = a[2].string_value();
    zone = FindTimeZoneRemembered(name);
    if (!zone) return Err("unknown time zone '" + name + "'");
  }
  return Value::Int(CalendarDaysBetween(a[0].timestamp_value(), a[1].timestamp_value(), zone));
}

// Largest-remainder split: parts proportional to the weights, adding up to
// the amount exactly; the cents left over go to the first parts in order.
Value Split(const Value* a, std::size_t n, const BuiltinData&, Frame& f) {
  if (n != 2 || a[0].kind() != K::kInt || a[1].kind() != K::kList) return NoOverload("split", a, n);
  const std::int64_t amount = a[0].int_value();
  const auto& ws = a[1].list_value();
  if (ws.empty()) return Err("split(): no weights");
  if (ws.size() > f.ctx->max_collection_size) {
    return Err("split(): more than " + std::to_string(f.ctx->max_collection_size) +
               " weights (limit max_collection_size)");
  }
  Charge(f, ws.size(), kItemsPerStep);
  Int128 total = 0;
  for (const Value& w : ws) {
    if (w.kind() != K::kInt) return Err("split(): weights must be ints");
    if (w.int_value() < 0) return Err("split(): weights must not be negative");
    total += w.int_value();
  }
  if (total == 0) return Err("split(): the weights add up to 0");
  const bool negative = amount < 0;
  const Int128 abs_amount = negative ? -static_cast<Int128>(amount) : static_cast<Int128>(amount);
  std::vector<Int128> parts(ws.size());
  Int128 given = 0;
  for (std::size_t i = 0; i < ws.size(); ++i) {
    parts[i] = abs_amount * ws[i].int_value() / total;
    given += parts[i];
  }
  // Odd cents: to the parts with a non-zero weight, first ones first.
  for (std::size_t i = 0; given < abs_amount; i = (i + 1) % ws.size()) {
    if (ws[i].int_value() == 0) continue;
    ++parts[i];
    ++given;
  }
  Value::List out;
  out.reserve(parts.size());
  for (Int128 p : parts) out.push_back(Value::Int(static_cast<std::int64_t>(negative ? -p : p)));
  return Value::ListOf(std::move(out));
}

Value Share(const Value* a, std::size_t n, const BuiltinData&, Frame&) {
  if (n != 3 || a[0].kind() != K::kInt || a[1].kind() != K::kInt || a[2].kind() != K::kInt) {
    return NoOverload("share", a, n);
  }
  if (a[2].int_value() == 0) return Err("share(): division by zero");
  Int128 p = static_cast<Int128>(a[0].int_value()) * a[1].int_value();
  Int128 d = a[2].int_value();
  Int128 q = p / d;
  if ((p % d != 0) && ((p < 0) != (d < 0))) --q;  // round down
  if (q > INT64_MAX || q < INT64_MIN) return Err("share(): int overflow");
  return Value::Int(static_cast<std::int64_t>(q));
}

}  // namespace

int CompareValues(const Value& a, const Value& b, bool* error) {
  *error = false;
  K x = a.kind(), y = b.kind();
  auto cmp = [](auto p, auto q) { return p < q ? -1 : (p > q ? 1 : 0); };
  if (IsNumber(x) && IsNumber(y)) return CompareNumbers(a, b);
  if (x != y) {
    *error = true;
    return 0;
  }
  switch (x) {
    case K::kString: return cmp(a.string_value().compare(b.string_value()), 0);
    case K::kBool: return cmp(a.bool_value(), b.bool_value());
    case K::kTimestamp: return cmp(a.timestamp_value(), b.timestamp_value()) ;
    case K::kDuration: return cmp(a.duration_value(), b.duration_value());
    default: *error = true; return 0;
  }
}

BuiltinFn FindBuiltin(std::string_view name) {
  static const auto* table = new std::unordered_map<std::string_view, BuiltinFn>{
      {"_+_", Add}, {"_-_", Sub}, {"_*_", Mul}, {"_/_", Div}, {"_%_", Mod}, {"-_", Neg},
      {"_<_", Less}, {"_<=_", LessEq}, {"_>_", Greater}, {"_>=_", GreaterEq},
      {"_==_", Eq}, {"_!=_", Ne}, {"@in", In}, {"_[_]", Index},
      {"size", Size}, {"contains", Contains}, {"startsWith", StartsWith}, {"endsWith", EndsWith},
      {"matches", Matches},
      {"int", ToInt}, {"uint", ToUint}, {"double", ToDouble}, {"string", ToStringFn}, {"bool", ToBool},
      {"timestamp", ToTimestamp}, {"duration", ToDuration}, {"dyn", Dyn},
      {"getFullYear", Getter<Part::kFullYear>}, {"getMonth", Getter<Part::kMonth>},
      {"getDate", Getter<Part::kDate>}, {"getDayOfMonth", Getter<Part::kDayOfMonth>},
      {"getDayOfWeek", Getter<Part::kDayOfWeek>}, {"getDayOfYear", Getter<Part::kDayOfYear>},
      {"getHours", Getter<Part::kHours>}, {"getMinutes", Getter<Part::kMinutes>},
      {"getSeconds", Getter<Part::kSeconds>}, {"getMilliseconds", Getter<Part::kMillis>},
      {"calendar_days", CalendarDays}, {"split", Split}, {"share", Share},
  };
  auto it = table->find(name);
  return it == table->end() ? nullptr : it->second;
}

}  // namespace aftersales::internal
