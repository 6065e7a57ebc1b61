#include "common/value.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>

namespace aftersales::internal {

std::string_view Value::KindName(Kind k) {
  switch (k) {
    case Kind::kAbsent: return "absent";
    case Kind::kNull: return "null_type";
    case Kind::kBool: return "bool";
    case Kind::kInt: return "int";
    case Kind::kUint: return "uint";
    case Kind::kDouble: return "double";
    case Kind::kString: return "string";
    case Kind::kList: return "list";
    case Kind::kMap: return "map";
    case Kind::kTimestamp: return "timestamp";
    case Kind::kDuration: return "duration";
    case Kind::kError: return "error";
  }
  return "unknown";
}

namespace {

// Numeric equality across int, uint and double (CEL heterogeneous equality).
bool NumericEqual(const Value& a, const Value& b, bool* comparable) {
  using K = Value::Kind;
  *comparable = true;
  K ka = a.kind(), kb = b.kind();
  if (ka == K::kInt && kb == K::kInt) return a.int_value() == b.int_value();
  if (ka == K::kUint && kb == K::kUint) return a.uint_value() == b.uint_value();
  if (ka == K::kDouble && kb == K::kDouble) return a.double_value() == b.double_value();
  if (ka == K::kInt && kb == K::kUint) return a.int_value() >= 0 && static_cast<std::uint64_t>(a.int_value()) == b.uint_value();
  if (ka == K::kUint && kb == K::kInt) return b.int_value() >= 0 && static_cast<std::uint64_t>(b.int_value()) == a.uint_value();
  auto as_double_eq = [](double d, const Value& v) {
    if (std::isnan(d)) return false;
    if (v.kind() == K::kInt) {
      if (d < -9223372036854775808.0 || d >= 9223372036854775808.0) return false;
      return d == std::trunc(d) && static_cast<std::int64_t>(d) == v.int_value();
    }
    if (d < 0 || d >= 18446744073709551616.0) return false;
    return d == std::trunc(d) && static_cast<std::uint64_t>(d) == v.uint_value();
  };
  if (ka == K::kDouble && (kb == K::kInt || kb == K::kUint)) return as_double_eq(a.double_value(), b);
  if (kb == K::kDouble && (ka == K::kInt || ka == K::kUint)) return as_double_eq(b.double_value(), a);
  *comparable = false;
  return false;
}

void AppendQuoted(std::string* out, const std::string& s) {
  out->push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      case '\b': *out += "\\b"; break;
      case '\f': *out += "\\f"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          *out += buf;
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

void Append(std::string* out, const Value& v, int depth) {
  using K = Value::Kind;
  if (depth > 200) {
    *out += "...";
    return;
  }
  switch (v.kind()) {
    case K::kAbsent: *out += "absent"; return;
    case K::kNull: *out += "null"; return;
    case K::kBool: *out += v.bool_value() ? "true" : "false"; return;
    case K::kInt: *out += std::to_string(v.int_value()); return;
    case K::kUint: *out += std::to_string(v.uint_value()) + "u"; return;
    case K::kDouble: {
      double d = v.double_value();
      if (std::isnan(d)) { *out += "double(\"NaN\")"; return; }
      if (std::isinf(d)) { *out += d > 0 ? "double(\"Infinity\")" : "double(\"-Infinity\")"; return; }
      char buf[64];
      auto r = std::to_chars(buf, buf + sizeof buf, d);
      std::string s(buf, r.ptr);
      if (s.find_first_of(".e") == std::string::npos) s += ".0";
      *out += s;
      return;
    }
    case K::kString: AppendQuoted(out, v.string_value()); return;
    case K::kList: {
      *out += "[";
      bool first = true;
      for (const Value& e : v.list_value()) {
        if (!first) *out += ", ";
        first = false;
        Append(out, e, depth + 1);
      }
      *out += "]";
      return;
    }
    case K::kMap: {
      *out += "{";
      bool first = true;
      for (const auto& [k, e] : v.map_value()) {
        if (!first) *out += ", ";
        first = false;
        Append(out, k, depth + 1);
        *out += ": ";
        Append(out, e, depth + 1);
      }
      *out += "}";
      return;
    }
    case K::kTimestamp: *out += "timestamp(\"" + FormatTimestamp(v.timestamp_value()) + "\")"; return;
    case K::kDuration: *out += "duration(\"" + FormatDuration(v.duration_value()) + "\")"; return;
    case K::kError: {
      *out += "error(";
      AppendQuoted(out, v.error_message());
      *out += ")";
      return;
    }
  }
}

// Counts work when `count` is set; `count->work >= count->limit` stops it.
struct EqualCount {
  std::uint64_t limit;
  std::uint64_t work;
};

bool Equal(const Value& a, const Value& b, int depth, EqualCount* count) {
  using K = Value::Kind;
  if (depth > 200) return false;
  if (count && ++count->work >= count->limit) return false;
  bool comparable = false;
  bool eq = NumericEqual(a, b, &comparable);
  if (comparable) return eq;
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case K::kNull: return true;
    case K::kBool: return a.bool_value() == b.bool_value();
    case K::kString: {
      const std::string& x = a.string_value();
      const std::string& y = b.string_value();
      if (count && x.size() == y.size()) count->work += x.size() / 8;
      return x == y;
    }
    case K::kTimestamp: return a.timestamp_value() == b.timestamp_value();
    case K::kDuration: return a.duration_value() == b.duration_value();
    case K::kList: {
      const auto& x = a.list_value();
      const auto& y = b.list_value();
      if (x.size() != y.size()) return false;
      for (std::size_t i = 0; i < x.size(); ++i) {
        if (!Equal(x[i], y[i], depth + 1, count)) return false;
      }
      return true;
    }
    case K::kMap: {
      const auto& x = a.map_value();
      const auto& y = b.map_value();
      if (x.size() != y.size()) return false;
      for (const auto& [k, v] : x) {
        bool found = false;
        for (const auto& [k2, v2] : y) {
          if (Equal(k, k2, depth + 1, count)) {
            if (!Equal(v, v2, depth + 1, count)) return false;
            found = true;
            break;
          }
          if (count && count->work >= count->limit) return false;
        }
        if (!found) return false;
      }
      return true;
    }
    default: return false;
  }
}

std::uint64_t Digits(std::uint64_t n) {
  std::uint64_t d = 1;
  while (n >= 10) {
    n /= 10;
    ++d;
  }
  return d;
}

void Bytes(const Value& v, std::uint64_t limit, std::uint64_t* total, std::uint64_t* visited, int depth) {
  using K = Value::Kind;
  ++*visited;
  if (depth > 200) return;
  switch (v.kind()) {
    case K::kString: *total += v.string_value().size() + 2; return;
    case K::kInt: {
      const std::int64_t i = v.int_value();
      *total += i < 0 ? 1 + Digits(0 - static_cast<std::uint64_t>(i)) : Digits(static_cast<std::uint64_t>(i));
      return;
    }
    case K::kUint: *total += Digits(v.uint_value()); return;
    case K::kList:
      *total += 2;
      for (const Value& e : v.list_value()) {
        if (*total > limit) return;
        Bytes(e, limit, total, visited, depth + 1);
        *total += 1;
      }
      return;
    case K::kMap:
      *total += 2;
      for (const auto& [k, e] : v.map_value()) {
        if (*total > limit) return;
        Bytes(k, limit, total, visited, depth + 1);
        Bytes(e, limit, total, visited, depth + 1);
        *total += 2;
      }
      return;
    case K::kTimestamp: *total += 22; return;
    case K::kDuration: *total += 4; return;
    case K::kError: *total += v.error_message().size(); return;
    default: *total += 4; return;  // null, true, a double's few digits
  }
}

}  // namespace

Value Value::Borrow() const {
  switch (kind()) {
    case Kind::kString: return Value(StringPtr(StringPtr(), std::get<StringPtr>(v_).get()));
    case Kind::kList: return Value(ListPtr(ListPtr(), std::get<ListPtr>(v_).get()));
    case Kind::kMap: return Value(MapPtr(MapPtr(), std::get<MapPtr>(v_).get()));
    case Kind::kError: return Value(ErrorPtr(ErrorPtr(), std::get<ErrorPtr>(v_).get()));
    default: return *this;
  }
}

bool ValuesEqual(const Value& a, const Value& b) {
  // The common case (an enum fact against a word) without the general path;
  // enum facts share their word's string, so often the pointers match.
  if (a.kind() == Value::Kind::kString && b.kind() == Value::Kind::kString) {
    const std::string& x = a.string_value();
    const std::string& y = b.string_value();
    return &x == &y || x == y;
  }
  return Equal(a, b, 0, nullptr);
}

bool ValuesEqualCounted(const Value& a, const Value& b, std::uint64_t limit, std::uint64_t* work) {
  EqualCount count{limit, *work};
  const bool eq = Equal(a, b, 0, &count);
  *work = count.work;
  return eq && count.work < limit;
}

std::uint64_t JsonBytes(const Value& v, std::uint64_t limit, std::uint64_t* visited) {
  std::uint64_t total = 0;
  Bytes(v, limit, &total, visited, 0);
  return total;
}

std::string FormatCelLiteral(const Value& v) {
  std::string out;
  Append(&out, v, 0);
  return out;
}

}  // namespace aftersales::internal
