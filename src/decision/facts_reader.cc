#include "decision/facts_reader.h"

#include <array>
#include <charconv>
#include <cstring>
#include <memory>
#include <cmath>
#include <string>
#include <vector>

#include <simdjson.h>

#include "common/time.h"
#include "policy/yaml_reader.h"

namespace aftersales::internal {
namespace {

using TK = Type::Kind;

std::string TypeName(const FieldDecl& d) {
  if (d.money) return "money (integer minor units)";
  return d.type->ToString();
}

// A value quoted in an error message: at most 60 bytes of it (cut on a
// character boundary), so that a megabyte of bad text is not echoed back.
std::string Shown(std::string_view s) {
  std::string out;
  if (s.size() <= 60) {
    out = std::string(s);
  } else {
    std::size_t cut = 57;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    out = std::string(s.substr(0, cut)) + "...";
  }
  // Nor a NUL, which would end the message early for a C caller.
  for (std::size_t i = out.find('\0'); i != std::string::npos; i = out.find('\0', i)) out.replace(i, 1, "\\0");
  return out;
}

bool HasNul(std::string_view s) { return s.find('\0') != std::string_view::npos; }
constexpr const char* kNul = "contains a NUL character (U+0000), which case text may not hold";

bool StringTyped(const Type& t, std::string_view s, Value* out, std::string* why) {
  switch (t.kind()) {
    case TK::kString:
    case TK::kDyn:
      // A NUL would cut the text short in C callers and in many stores (and
      // in the error messages that quote a bad value: checked there too).
      if (HasNul(s)) {
        *why = kNul;
        return false;
      }
      *out = Value::String(std::string(s));
      return true;
    case TK::kEnum: {
      const EnumType& e = *t.enum_type();
      int i = e.IndexOf(s);
      if (i < 0) {
        if (HasNul(s)) {
          *why = kNul;
          return false;
        }
        std::string list;
        for (const std::string& v : e.values) list += (list.empty() ? "" : ", ") + v;
        *why = "'" + Shown(s) + "' is not a value of " + e.name + " (expected one of: " + list + ")";
        return false;
      }
      // An enum fact refers to the enum's own word, kept by the policy (facts
      // never outlive the policy that read them): no allocation, no copy.
      *out = Value::StringRef(e.values[static_cast<std::size_t>(i)]);
      return true;
    }
    case TK::kTimestamp: {
      std::string err;
      auto ts = ParseTimestamp(s, &err);
      if (!ts) {
        *why = HasNul(s) ? kNul : "\"" + Shown(s) + "\": " + err;
        return false;
      }
      *out = Value::Time(*ts);
      return true;
    }
    case TK::kDuration: {
      std::string err;
      auto d = ParseDuration(s, &err);
      if (!d) {
        *why = HasNul(s) ? kNul : "\"" + Shown(s) + "\": " + err;
        return false;
      }
      *out = Value::Dur(*d);
      return true;
    }
    default:
      return false;
  }
}

// A fact's text or list over the policy's limits (Limits::max_string_length,
// max_collection_size): named, like any other bad value.
std::string TooLongText(const Limits& limits) {
  return "text longer than " + std::to_string(limits.max_string_length) + " bytes (limit max_string_length)";
}
std::string TooManyItems(const Limits& limits) {
  return "more than " + std::to_string(limits.max_collection_size) + " items (limit max_collection_size)";
}

// Nesting depth of a JSON text, counted before parsing so that no parser
// recursion or allocation is spent on a hostile document.
int JsonDepth(std::string_view s) {
  // Bytes that matter, by class: 1 quote, 2 backslash, 3 open, 4 close.
  static constexpr auto kClass = [] {
    std::array<unsigned char, 256> t{};
    t['"'] = 1;
    t['\\'] = 2;
    t['{'] = t['['] = 3;
    t['}'] = t[']'] = 4;
    return t;
  }();
  int depth = 0, max_depth = 0;
  bool in_string = false;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* const end = p + s.size();
  for (; p < end; ++p) {
    unsigned char k = kClass[*p];
    if (k == 0) continue;
    if (in_string) {
      if (k == 2) ++p;
      else if (k == 1) in_string = false;
    } else if (k == 1) {
      in_string = true;
    } else if (k == 3) {
      max_depth = std::max(max_depth, ++depth);
    } else if (k == 4) {
      --depth;
    }
  }
  return max_depth;
}

// ---- JSON, with simdjson's on-demand parser --------------------------------

namespace sj = simdjson::ondemand;

std::string Trimmed(std::string_view raw) {
  while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\n' || raw.back() == '\r' || raw.back() == '\t' ||
                          raw.back() == ',' || raw.back() == '}' || raw.back() == ']')) {
    raw.remove_suffix(1);
  }
  if (raw.size() > 60) {
    // Cut on a character boundary so the message stays valid UTF-8.
    std::size_t cut = 57;
    while (cut > 0 && (static_cast<unsigned char>(raw[cut]) & 0xC0) == 0x80) --cut;
    return std::string(raw.substr(0, cut)) + "...";
  }
  return std::string(raw);
}

// RFC 8259's number grammar. simdjson only checks a number when it is
// converted; one we do not convert (an undeclared field) is checked here, so
// that a big integer a backend sends in a field of its own is accepted.
bool IsJsonNumber(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  std::size_t i = 0;
  auto digits = [&] {
    std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i > start;
  };
  if (i < s.size() && s[i] == '-') ++i;
  if (i < s.size() && s[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == s.size();
}

// Reads a value the case does not need, only to check that it is JSON: the
// on-demand parser validates what it is asked for, and a case whose
// undeclared parts are broken must be rejected like any other bad JSON.
// Depth is bounded by the pre-scan (Limits::max_case_depth).
simdjson::error_code Validate(sj::value v) {
  sj::json_type t;
  if (auto e = v.type().get(t)) return e;
  switch (t) {
    case sj::json_type::object: {
      sj::object obj;
      if (auto e = v.get_object().get(obj)) return e;
      for (auto field : obj) {
        std::string_view key;
        if (auto e = field.unescaped_key().get(key)) return e;
        sj::value inner;
        if (auto e = field.value().get(inner)) return e;
        if (auto e = Validate(inner)) return e;
      }
      return simdjson::SUCCESS;
    }
    case sj::json_type::array: {
      sj::array arr;
      if (auto e = v.get_array().get(arr)) return e;
      for (auto item : arr) {
        sj::value inner;
        if (auto e = item.get(inner)) return e;
        if (auto e = Validate(inner)) return e;
      }
      return simdjson::SUCCESS;
    }
    case sj::json_type::string: {
      std::string_view s;
      return v.get_string().get(s);
    }
    case sj::json_type::boolean: {
      bool b;
      return v.get_bool().get(b);
    }
    case sj::json_type::null: {
      bool is_null = false;
      if (auto e = v.is_null().get(is_null)) return e;
      return is_null ? simdjson::SUCCESS : simdjson::N_ATOM_ERROR;
    }
    case sj::json_type::number:
      return IsJsonNumber(v.raw_json_token()) ? simdjson::SUCCESS : simdjson::NUMBER_ERROR;
  }
  return simdjson::SUCCESS;
}

const char* JsonTypeName(sj::json_type t) {
  switch (t) {
    case sj::json_type::array: return "list";
    case sj::json_type::object: return "object";
    case sj::json_type::number: return "number";
    case sj::json_type::string: return "string";
    case sj::json_type::boolean: return "bool";
    case sj::json_type::null: return "null";
  }
  return "value";
}

class JsonFactReader {
 public:
  JsonFactReader(const Schema& schema, const FactKeyTree& keys, const Limits& limits, const LocaleFact* locale,
                 FactsData* out)
      : schema_(schema), keys_(keys), limits_(limits), locale_(locale), out_(out), seen_(schema.facts.size(), false) {}

  // Walks an object whose keys continue the path at `node`.
  simdjson::error_code Walk(sj::object obj, int node) {
    for (auto field : obj) {
      std::string_view key;
      if (auto e = field.unescaped_key().get(key)) return e;
      sj::value v;
      if (auto e = field.value().get(v)) return e;
      int child = keys_.Child(node, key);
      if (child < 0) {  // undeclared: ignored, but it must still be JSON
        if (auto e = Validate(v)) return e;
        continue;
      }
      const FactKeyTree::Node& n = keys_.nodes[static_cast<std::size_t>(child)];
      if (n.slot >= 0) {
        if (auto e = ReadFact(schema_.facts[static_cast<std::size_t>(n.slot)], v)) return e;
      } else {
        sj::json_type t;
        if (auto e = v.type().get(t)) return e;
        if (t != sj::json_type::object) {  // a group given as a value: not ours
          if (auto e = Validate(v)) return e;
          continue;
        }
        sj::object inner;
        if (auto e = v.get_object().get(inner)) return e;
        if (auto e = Walk(inner, child)) return e;
      }
    }
    return simdjson::SUCCESS;
  }

  std::vector<std::string> errors;

 private:
  simdjson::error_code ReadFact(const FieldDecl& decl, sj::value& v) {
    bool is_null = false;
    if (auto e = v.is_null().get(is_null)) return e;
    if (is_null) return simdjson::SUCCESS;  // null is absent
    Value out;
    std::string why;
    auto e = locale_ != nullptr && decl.slot == locale_->slot() ? ReadLocale(v, &out, &why)
                                                                : Convert(*decl.type, decl, v, &out, &why, 0);
    if (e) return e;
    if (why.empty()) why = DeclaredValueProblem(decl, out);
    if (why.empty() && seen_[decl.slot]) {
      // Two values for one fact: which one a system downstream would read
      // is anyone's guess, so neither is taken.
      errors.push_back(decl.name + ": given twice in the case");
    } else if (why.empty()) {
      out_->slots[decl.slot] = std::move(out);
      seen_[decl.slot] = true;
    } else {
      errors.push_back(decl.name + ": " + why);
    }
    return simdjson::SUCCESS;
  }

  // The locale fact: any text, negotiated (decision/locale_fact.h); only
  // what holds for all text (a string, a size limit, no NUL) is checked.
  simdjson::error_code ReadLocale(sj::value& v, Value* out, std::string* why) {
    sj::json_type jt;
    if (auto e = v.type().get(jt)) return e;
    if (jt != sj::json_type::string) {
      *why = std::string("expected a locale (text), got ") + JsonTypeName(jt);
      return simdjson::SUCCESS;
    }
    std::string_view sv;
    if (auto e = v.get_string().get(sv)) return e;
    if (sv.size() > limits_.max_string_length) {
      *why = TooLongText(limits_);
    } else if (HasNul(sv)) {
      *why = kNul;
    } else {
      *out = locale_->Read(sv);
    }
    return simdjson::SUCCESS;
  }

  // Sets `why` (and returns SUCCESS) when the value does not fit; returns an
  // error code only when the JSON itself is broken.
  simdjson::error_code Convert(const Type& t, const FieldDecl& decl, sj::value& v, Value* out, std::string* why,
                               int depth) {
    using TK = Type::Kind;
    sj::json_type jt;
    if (auto e = v.type().get(jt)) return e;
    auto mismatch = [&]() -> simdjson::error_code {
      std::string shown;
      if (jt != sj::json_type::array && jt != sj::json_type::object) {
        shown = " " + Trimmed(v.raw_json_token());
      }
      std::string_view raw = jt == sj::json_type::number ? v.raw_json_token() : std::string_view();
      bool whole = raw.find_first_of(".eE") == std::string_view::npos;
      *why = "expected " + (depth == 0 ? TypeName(decl) : t.ToString()) + ", got " +
             (jt == sj::json_type::number ? (whole ? "integer" : "the number") : JsonTypeName(jt)) + shown;
      return simdjson::SUCCESS;
    };
    switch (t.kind()) {
      case TK::kBool: {
        if (jt != sj::json_type::boolean) return mismatch();
        bool b;
        if (auto e = v.get_bool().get(b)) return e;
        *out = Value::Bool(b);
        return simdjson::SUCCESS;
      }
      case TK::kInt:
      case TK::kUint: {
        if (jt != sj::json_type::number) return mismatch();
        sj::number_type nt;
        if (auto e = v.get_number_type().get(nt)) return e;
        if (nt == sj::number_type::floating_point_number) {
          // 100.0 and 1e2 are whole but still floating point: money and
          // counts are sent as JSON integers, never as doubles.
          std::string_view raw = v.raw_json_token();
          double d = 0;
          bool fraction = v.get_double().get(d) == simdjson::SUCCESS && d != std::floor(d);
          *why = "expected " + TypeName(decl) + ", got " + (fraction ? "the fraction " : "the floating-point number ") +
                 Trimmed(raw);
          return simdjson::SUCCESS;
        }
        if (t.kind() == TK::kInt) {
          std::int64_t i;
          if (v.get_int64().get(i)) {
            *why = "integer out of range: " + Trimmed(v.raw_json_token());
            return simdjson::SUCCESS;
          }
          *out = Value::Int(i);
        } else {
          std::uint64_t u;
          if (v.get_uint64().get(u)) return mismatch();
          *out = Value::Uint(u);
        }
        return simdjson::SUCCESS;
      }
      case TK::kDouble: {
        if (jt != sj::json_type::number) return mismatch();
        double d;
        if (v.get_double().get(d)) return mismatch();
        *out = Value::Double(d);
        return simdjson::SUCCESS;
      }
      case TK::kString:
      case TK::kEnum:
      case TK::kTimestamp:
      case TK::kDuration: {
        if (jt != sj::json_type::string) return mismatch();
        std::string_view sv;
        if (auto e = v.get_string().get(sv)) return e;
        if (sv.size() > limits_.max_string_length) {
          *why = TooLongText(limits_);
          return simdjson::SUCCESS;
        }
        if (!StringTyped(t, sv, out, why) && why->empty()) return mismatch();
        return simdjson::SUCCESS;
      }
      case TK::kList: {
        if (jt != sj::json_type::array) return mismatch();
        if (depth > 8) {
          *why = "nested too deeply";
          return simdjson::SUCCESS;
        }
        sj::array arr;
        if (auto e = v.get_array().get(arr)) return e;
        Value::List items;
        for (auto item : arr) {
          sj::value iv;
          if (auto e = item.get(iv)) return e;
          if (items.size() == limits_.max_collection_size) {
            *why = TooManyItems(limits_);
            return simdjson::SUCCESS;
          }
          Value x;
          if (auto e = Convert(*t.elem(), decl, iv, &x, why, depth + 1)) return e;
          if (!why->empty()) return simdjson::SUCCESS;
          items.push_back(std::move(x));
        }
        *out = Value::ListOf(std::move(items));
        return simdjson::SUCCESS;
      }
      default:
        return mismatch();
    }
  }

  const Schema& schema_;
  const FactKeyTree& keys_;
  const Limits& limits_;
  const LocaleFact* locale_;
  FactsData* out_;
  std::vector<bool> seen_;  // facts given so far, by slot
};

// ---- JSON, the fast path: simdjson's DOM parser ----------------------------

namespace dom = simdjson::dom;

// Reads a well-formed case whose facts all fit, with the DOM parser (its
// SIMD kernels are picked at run time) and a walk over the parsed document.
// At the first doubt (a fact that does not fit, a number out of range) it
// gives up, and the on-demand reader above, which says exactly what is wrong
// and where, reads the case again from scratch. So both always agree.
class DomFactReader {
 public:
  DomFactReader(const Schema& schema, const FactKeyTree& keys, const Limits& limits, const LocaleFact* locale,
                FactsData* out)
      : schema_(schema), keys_(keys), limits_(limits), locale_(locale), out_(out), seen_(Seen(schema.facts.size())) {}

  bool Walk(dom::object obj, int node) {
    for (dom::key_value_pair field : obj) {
      int child = keys_.Child(node, field.key);
      if (child < 0) continue;  // undeclared (the parser has checked it is JSON)
      const FactKeyTree::Node& n = keys_.nodes[static_cast<std::size_t>(child)];
      if (n.slot >= 0) {
        if (field.value.is_null()) continue;  // null is absent
        const auto slot = static_cast<std::size_t>(n.slot);
        if (seen_[slot]) return false;  // given twice: the exact reader says so
        Value v;
        if (locale_ != nullptr && slot == locale_->slot()) {
          std::string_view sv;
          if (field.value.get_string().get(sv) != simdjson::SUCCESS || sv.size() > limits_.max_string_length ||
              HasNul(sv)) {
            return false;
          }
          v = locale_->Read(sv);
        } else if (!Convert(*schema_.facts[slot].type, field.value, &v, 0, limits_) ||
                   !DeclaredValueProblem(schema_.facts[slot], v).empty()) {
          return false;
        }
        out_->slots[slot] = std::move(v);
        seen_[slot] = 1;
      } else {
        dom::object inner;
        if (field.value.get_object().get(inner) != simdjson::SUCCESS) continue;  // a group given as a value
        if (!Walk(inner, child)) return false;
      }
    }
    return true;
  }

 private:
  // Over a limit it gives up too: the exact reader names the limit.
  static bool Convert(const Type& t, dom::element v, Value* out, int depth, const Limits& limits) {
    using ET = dom::element_type;
    switch (t.kind()) {
      case TK::kBool:
        if (v.type() != ET::BOOL) return false;
        *out = Value::Bool(v.get_bool().value_unsafe());
        return true;
      case TK::kInt:
        if (v.type() != ET::INT64) return false;
        *out = Value::Int(v.get_int64().value_unsafe());
        return true;
      case TK::kUint:
        if (v.type() == ET::UINT64) {
          *out = Value::Uint(v.get_uint64().value_unsafe());
          return true;
        }
        if (v.type() != ET::INT64 || v.get_int64().value_unsafe() < 0) return false;
        *out = Value::Uint(static_cast<std::uint64_t>(v.get_int64().value_unsafe()));
        return true;
      case TK::kDouble: {
        double d = 0;
        if (!v.is_number() || v.get_double().get(d) != simdjson::SUCCESS) return false;
        *out = Value::Double(d);
        return true;
      }
      case TK::kString:
      case TK::kEnum:
      case TK::kTimestamp:
      case TK::kDuration: {
        std::string_view sv;
        if (v.get_string().get(sv) != simdjson::SUCCESS || sv.size() > limits.max_string_length) return false;
        std::string why;
        return StringTyped(t, sv, out, &why);
      }
      case TK::kList: {
        dom::array arr;
        if (depth > 8 || v.get_array().get(arr) != simdjson::SUCCESS || arr.size() > limits.max_collection_size) {
          return false;
        }
        Value::List items;
        items.reserve(arr.size());
        for (dom::element e : arr) {
          Value x;
          if (!Convert(*t.elem(), e, &x, depth + 1, limits)) return false;
          items.push_back(std::move(x));
        }
        *out = Value::ListOf(std::move(items));
        return true;
      }
      default:
        return false;
    }
  }

  // Which facts this case has given so far, by slot; kept per thread.
  static std::vector<unsigned char>& Seen(std::size_t n) {
    thread_local std::vector<unsigned char> seen;
    seen.assign(n, 0);
    return seen;
  }

  const Schema& schema_;
  const FactKeyTree& keys_;
  const Limits& limits_;
  const LocaleFact* locale_;
  FactsData* out_;
  std::vector<unsigned char>& seen_;
};

Status Errors(const std::vector<std::string>& errors) {
  std::string msg;
  for (const std::string& e : errors) msg += (msg.empty() ? "" : "; ") + e;
  return Status::InvalidArgument(msg);
}

bool FromYaml(const Type& t, const FieldDecl& decl, const YamlNode& n, const Limits& limits, Value* out,
              std::string* why, int depth) {
  if (depth > 64) {
    *why = "nested too deeply";
    return false;
  }
  if (t.kind() == TK::kList) {
    if (!n.IsSequence()) {
      *why = "expected " + t.ToString() + ", got " + (n.IsMap() ? "a map" : "'" + Shown(n.value) + "'");
      return false;
    }
    if (n.items.size() > limits.max_collection_size) {
      *why = TooManyItems(limits);
      return false;
    }
    Value::List items;
    for (const YamlNode& e : n.items) {
      Value v;
      if (!FromYaml(*t.elem(), decl, e, limits, &v, why, depth + 1)) return false;
      items.push_back(std::move(v));
    }
    *out = Value::ListOf(std::move(items));
    return true;
  }
  if (!n.IsScalar()) {
    *why = "expected " + TypeName(decl) + ", got a " + (n.IsMap() ? "map" : "list");
    return false;
  }
  if (n.value.size() > limits.max_string_length) {
    *why = TooLongText(limits);
    return false;
  }
  // A core tag says what the scalar is: `!!str 100` is text like "100",
  // and `!!float 100` is no money. Only a tag that fits the fact passes.
  bool quoted = n.style == YamlNode::Style::kSingleQuoted || n.style == YamlNode::Style::kDoubleQuoted ||
                n.tag == "!!str";
  if (!n.tag.empty() && n.tag != "!!str") {
    TK k = t.kind();
    bool fits = (n.tag == "!!int" && (k == TK::kInt || k == TK::kUint || k == TK::kDouble)) ||
                (n.tag == "!!float" && k == TK::kDouble) || (n.tag == "!!bool" && k == TK::kBool);
    if (!fits) {
      *why = "expected " + TypeName(decl) + ", got '" + Shown(n.value) + "' tagged " + n.tag;
      return false;
    }
  }
  FieldDecl as = decl;
  as.type = std::make_shared<const Type>(t);
  return ConvertText(as, n.value, quoted, out, why);
}

// The locale fact from YAML: any scalar is text (`locale: 123` too), negotiated.
bool LocaleFromYaml(const LocaleFact& locale, const YamlNode& n, const Limits& limits, Value* out, std::string* why) {
  if (!n.IsScalar()) {
    *why = std::string("expected a locale (text), got a ") + (n.IsMap() ? "map" : "list");
    return false;
  }
  if (n.value.size() > limits.max_string_length) {
    *why = TooLongText(limits);
    return false;
  }
  if (HasNul(n.value)) {
    *why = kNul;
    return false;
  }
  *out = locale.Read(n.value);
  return true;
}

void WalkYaml(const YamlNode& map, const std::string& prefix, const Schema& schema, const Limits& limits,
              const LocaleFact* locale, FactsData* out, std::vector<std::string>* errors, std::vector<bool>* seen,
              int depth) {
  if (depth > 64) return;
  for (const auto& [k, v] : map.entries) {
    std::string path = prefix.empty() ? k.value : prefix + "." + k.value;
    auto found = schema.fact_index.find(path);
    if (found != schema.fact_index.end()) {
      const FieldDecl& decl = schema.facts[found->second];
      if (v.kind == YamlNode::Kind::kNull) continue;
      Value val;
      std::string why;
      bool read = locale != nullptr && decl.slot == locale->slot()
                      ? LocaleFromYaml(*locale, v, limits, &val, &why)
                      : FromYaml(*decl.type, decl, v, limits, &val, &why, 0);
      if (read && !(why = DeclaredValueProblem(decl, val)).empty()) read = false;
      if (read && (*seen)[decl.slot]) {
        // `order: {id: ..}` and `order.id: ..` in one case: neither is taken.
        errors->push_back(path + " (line " + std::to_string(v.location.line) + ", column " +
                          std::to_string(v.location.column) + "): given twice in the case");
      } else if (why.empty()) {
        out->slots[decl.slot] = std::move(val);
        (*seen)[decl.slot] = true;
      } else {
        errors->push_back(path + " (line " + std::to_string(v.location.line) + ", column " +
                          std::to_string(v.location.column) + "): " + why);
      }
    } else if (v.IsMap()) {
      WalkYaml(v, path, schema, limits, locale, out, errors, seen, depth + 1);
    }
  }
}

}  // namespace

namespace {
bool LeadingZero(std::string_view s) {
  if (!s.empty() && s[0] == '-') s.remove_prefix(1);
  return s.size() > 1 && s[0] == '0';
}
}  // namespace

namespace {
bool HasNegativeMoney(const Value& v) {
  if (v.kind() == Value::Kind::kInt) return v.int_value() < 0;
  if (v.kind() == Value::Kind::kList) {
    for (const Value& e : v.list_value()) {
      if (HasNegativeMoney(e)) return true;
    }
  }
  return false;
}
}  // namespace

std::string DeclaredValueProblem(const FieldDecl& decl, const Value& v) {
  if (decl.money && !decl.signed_money && HasNegativeMoney(v)) {
    return "money below zero (" +
           std::string(v.kind() == Value::Kind::kInt ? std::to_string(v.int_value()) : "an item of the list") +
           "); money facts are never negative unless the policy declares them `signed: true`";
  }
  if (decl.zone_name && v.kind() == Value::Kind::kString && !IsTimeZoneName(v.string_value())) {
    return "'" + Shown(v.string_value()) + "' is not a time zone name (expected an IANA name such as " +
           "Asia/Shanghai, UTC or an offset such as +08:00, at most " + std::to_string(kMaxTimeZoneNameBytes) +
           " bytes)";
  }
  return "";
}

bool ConvertText(const FieldDecl& decl, std::string_view text, bool quoted, Value* out, std::string* why) {
  const Type& t = *decl.type;
  std::string s(text);
  auto mismatch = [&] {
    *why = HasNul(s) ? kNul : "expected " + TypeName(decl) + ", got '" + Shown(s) + "'";
    return false;
  };
  // YAML 1.1 reads 017 as octal 15, YAML 1.2 as 17: either would be a guess.
  auto octal = [&] {
    *why = "expected " + TypeName(decl) + ", got '" + Shown(s) + "' (a leading zero: octal in YAML 1.1, decimal in 1.2)";
    return false;
  };
  switch (t.kind()) {
    case TK::kBool:
      if (quoted) return mismatch();
      if (s == "true" || s == "True" || s == "TRUE") { *out = Value::Bool(true); return true; }
      if (s == "false" || s == "False" || s == "FALSE") { *out = Value::Bool(false); return true; }
      return mismatch();
    case TK::kInt: {
      std::int64_t v = 0;
      auto r = std::from_chars(s.data(), s.data() + s.size(), v);
      if (quoted || s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size()) return mismatch();
      if (LeadingZero(s)) return octal();
      *out = Value::Int(v);
      return true;
    }
    case TK::kUint: {
      std::uint64_t v = 0;
      auto r = std::from_chars(s.data(), s.data() + s.size(), v);
      if (quoted || s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size()) return mismatch();
      if (LeadingZero(s)) return octal();
      *out = Value::Uint(v);
      return true;
    }
    case TK::kDouble: {
      double v = 0;
      auto r = std::from_chars(s.data(), s.data() + s.size(), v);
      if (quoted || s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size() || !std::isfinite(v)) {
        return mismatch();
      }
      *out = Value::Double(v);
      return true;
    }
    default:
      if (StringTyped(t, s, out, why)) return true;
      if (why->empty()) return mismatch();
      return false;
  }
}

int FactKeyTree::Child(int node, std::string_view key) const {
  // Dotted keys ("order.id") walk several levels at once.
  int cur = node;
  std::size_t start = 0;
  while (cur >= 0) {
    std::size_t dot = key.find('.', start);
    std::string_view part = key.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    const Node& n = nodes[static_cast<std::size_t>(cur)];
    int i = n.index.Find(part);
    cur = i < 0 ? -1 : n.children[static_cast<std::size_t>(i)].second;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return cur;
}

FactKeyTree BuildFactKeyTree(const Schema& schema) {
  FactKeyTree tree;
  tree.nodes.emplace_back();
  for (const FieldDecl& f : schema.facts) {
    int cur = 0;
    std::size_t start = 0;
    while (true) {
      std::size_t dot = f.name.find('.', start);
      std::string part = f.name.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
      int next = -1;
      for (const auto& [k, idx] : tree.nodes[static_cast<std::size_t>(cur)].children) {
        if (k == part) next = idx;
      }
      if (next < 0) {
        next = static_cast<int>(tree.nodes.size());
        tree.nodes[static_cast<std::size_t>(cur)].children.emplace_back(part, next);
        tree.nodes[static_cast<std::size_t>(cur)].index.Add(part);
        tree.nodes.emplace_back();
      }
      cur = next;
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    tree.nodes[static_cast<std::size_t>(cur)].slot = static_cast<int>(f.slot);
  }
  return tree;
}

Status ReadJsonFacts(std::string_view text, const Schema& schema, const FactKeyTree& keys, const Limits& limits,
                     const LocaleFact* locale, FactsData* out) {
  // A byte-order mark, as editors on Windows write before UTF-8 (YAML
  // allows one too): not part of the case.
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  if (text.size() > limits.max_case_bytes) {
    return Status::ResourceExhausted("case is " + std::to_string(text.size()) + " bytes; the limit is " +
                                     std::to_string(limits.max_case_bytes) + " (max_case_bytes)");
  }
  // The case copied into a padded buffer kept per thread: no allocation per
  // case once the buffer is as large as the largest case so far.
  thread_local std::unique_ptr<char[]> buffer;
  thread_local std::size_t buffer_size = 0;
  const std::size_t needed = text.size() + simdjson::SIMDJSON_PADDING;
  if (buffer_size < needed) {
    buffer_size = std::max(needed, std::size_t{4096});
    buffer = std::make_unique<char[]>(buffer_size);
  }
  std::memcpy(buffer.get(), text.data(), text.size());
  std::memset(buffer.get() + text.size(), 0, simdjson::SIMDJSON_PADDING);
  {
    // The fast path. The DOM parser refuses nesting of its max_depth or
    // more, but does not count an empty innermost [] or {}: with max_depth
    // at the limit itself, a case at the limit may fall back to the exact
    // path below (which counts every bracket), none over it gets through.
    thread_local dom::parser fast;
    const std::size_t max_depth = static_cast<std::size_t>(std::max(limits.max_case_depth, 1));
    dom::element doc_root;
    dom::object obj;
    if ((fast.max_depth() == max_depth ||
         fast.allocate(std::max(fast.capacity(), text.size()), max_depth) == simdjson::SUCCESS) &&
        fast.parse(buffer.get(), text.size(), false).get(doc_root) == simdjson::SUCCESS &&
        doc_root.get_object().get(obj) == simdjson::SUCCESS) {
      if (DomFactReader(schema, keys, limits, locale, out).Walk(obj, 0)) return Status::Ok();
      // Start again from the defaults; the reader below says what is wrong.
      for (const FieldDecl& f : schema.facts) out->slots[f.slot] = f.default_value;
    }
  }
  // The exact path, which names what is wrong and where.
  if (JsonDepth(text) > limits.max_case_depth) {
    return Status::ResourceExhausted("case nested more than " + std::to_string(limits.max_case_depth) +
                                     " deep (limit max_case_depth)");
  }
  thread_local sj::parser parser;
  simdjson::padded_string_view padded(buffer.get(), text.size(), buffer_size);
  sj::document doc;
  sj::object root;
  // Where the parser stopped, as 1-based line and column (in code points),
  // when it can tell: stage 1 errors (unbalanced brackets, bad UTF-8) have
  // no useful place.
  bool located = false;
  auto bad = [&](simdjson::error_code e) {
    std::string where;
    const char* at = nullptr;
    if (located && doc.current_location().get(at) == simdjson::SUCCESS && at >= padded.data() &&
        at <= padded.data() + text.size()) {
      std::size_t offset = static_cast<std::size_t>(at - padded.data());
      std::size_t line = 1, column = 1;
      for (std::size_t i = 0; i < offset; ++i) {
        if (text[i] == '\n') {
          ++line;
          column = 1;
        } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
          ++column;
        }
      }
      where = " (line " + std::to_string(line) + ", column " + std::to_string(column) + ")";
    }
    // The reader checks a value's type before reading it, so a wrong type
    // here is a broken atom such as `tru`.
    std::string what = e == simdjson::INCORRECT_TYPE ? "not a JSON value (expected true, false, null, a number, "
                                                       "a string, a list or an object)"
                                                     : simdjson::error_message(e);
    return Status::InvalidArgument("not valid JSON" + where + ": " + what);
  };
  if (auto e = parser.iterate(padded).get(doc)) return bad(e);
  sj::json_type top;
  if (auto e = doc.type().get(top)) return bad(e);
  if (top != sj::json_type::object) return Status::InvalidArgument("a case must be a JSON object");
  if (auto e = doc.get_object().get(root)) return bad(e);
  JsonFactReader reader(schema, keys, limits, locale, out);
  located = true;
  if (auto e = reader.Walk(root, 0)) return bad(e);
  const char* trailing = nullptr;
  if (doc.current_location().get(trailing) == simdjson::SUCCESS) {
    return Status::InvalidArgument("not valid JSON: content after the case object");
  }
  if (!reader.errors.empty()) return Errors(reader.errors);
  return Status::Ok();
}

namespace {
// Depth is bounded by the DOM parser's max_depth.
std::string FindCaseId(simdjson::dom::object obj, int node, const FactKeyTree& keys, std::uint32_t slot) {
  for (simdjson::dom::key_value_pair field : obj) {
    int child = keys.Child(node, field.key);
    if (child < 0) continue;
    const FactKeyTree::Node& n = keys.nodes[static_cast<std::size_t>(child)];
    if (n.slot >= 0) {
      std::string_view id;
      if (static_cast<std::uint32_t>(n.slot) == slot && field.value.get_string().get(id) == simdjson::SUCCESS &&
          !HasNul(id)) {
        return std::string(id.substr(0, 256));
      }
      continue;
    }
    simdjson::dom::object inner;
    if (field.value.get_object().get(inner) != simdjson::SUCCESS) continue;
    std::string id = FindCaseId(inner, child, keys, slot);
    if (!id.empty()) return id;
  }
  return "";
}
}  // namespace

std::string CaseIdOfJson(std::string_view text, const FactKeyTree& keys, std::uint32_t slot, const Limits& limits) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  if (text.size() > limits.max_case_bytes) return "";
  thread_local dom::parser parser;
  const std::size_t max_depth = static_cast<std::size_t>(std::max(limits.max_case_depth, 1));
  if (parser.max_depth() != max_depth &&
      parser.allocate(std::max(parser.capacity(), text.size()), max_depth) != simdjson::SUCCESS) {
    return "";
  }
  simdjson::padded_string padded(text);
  dom::element root;
  dom::object obj;
  if (parser.parse(padded).get(root) != simdjson::SUCCESS || root.get_object().get(obj) != simdjson::SUCCESS) {
    return "";
  }
  return FindCaseId(obj, 0, keys, slot);
}

Status ReadYamlFacts(std::string_view text, const Schema& schema, const Limits& limits, const LocaleFact* locale,
                     FactsData* out) {
  if (text.size() > limits.max_case_bytes) {
    return Status::ResourceExhausted("case is " + std::to_string(text.size()) + " bytes; the limit is " +
                                     std::to_string(limits.max_case_bytes) + " (max_case_bytes)");
  }
  YamlReadOptions options;
  options.max_depth = limits.max_case_depth;
  options.max_nodes = limits.max_case_nodes;
  YamlDocument doc = ReadYaml(text, "", options);
  if (!doc.root || HasErrors(doc.issues)) {
    std::string msg;
    for (const Issue& i : doc.issues) {
      msg += (msg.empty() ? "" : "; ") + std::string("line ") + std::to_string(i.location.line) + ":" +
             std::to_string(i.location.column) + ": " + i.message;
    }
    return Status::InvalidArgument("not valid YAML: " + msg);
  }
  if (!doc.root->IsMap()) return Status::InvalidArgument("a case must be a YAML map");
  std::vector<std::string> errors;
  std::vector<bool> seen(schema.facts.size(), false);
  WalkYaml(*doc.root, "", schema, limits, locale, out, &errors, &seen, 0);
  if (!errors.empty()) return Errors(errors);
  return Status::Ok();
}

}  // namespace aftersales::internal
