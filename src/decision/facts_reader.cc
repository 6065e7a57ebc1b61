#include "decision/facts_reader.h"

#include <charconv>
#include <cmath>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/time.h"
#include "policy/yaml_reader.h"

namespace aftersales::internal {
namespace {

// ordered_json keeps the document order, so errors are reported in it.
using json = nlohmann::ordered_json;
using TK = Type::Kind;

std::string TypeName(const FieldDecl& d) {
  if (d.money) return "money (integer minor units)";
  return d.type->ToString();
}

std::string Shown(const json& j) {
  std::string s = j.dump(-1, ' ', false, json::error_handler_t::replace);
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s;
}

std::string JsonKind(const json& j) {
  switch (j.type()) {
    case json::value_t::string: return "string";
    case json::value_t::boolean: return "bool";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "integer";
    case json::value_t::number_float: return "number";
    case json::value_t::array: return "list";
    case json::value_t::object: return "object";
    default: return "null";
  }
}

bool EnumCheck(const Type& t, const std::string& s, std::string* why) {
  if (t.kind() != TK::kEnum || t.enum_type()->Contains(s)) return true;
  std::string list;
  for (const std::string& v : t.enum_type()->values) list += (list.empty() ? "" : ", ") + v;
  *why = "'" + s + "' is not a value of " + t.enum_type()->name + " (expected one of: " + list + ")";
  return false;
}

bool StringTyped(const Type& t, const std::string& s, Value* out, std::string* why) {
  switch (t.kind()) {
    case TK::kString:
    case TK::kDyn:
      *out = Value::String(s);
      return true;
    case TK::kEnum:
      if (!EnumCheck(t, s, why)) return false;
      *out = Value::String(s);
      return true;
    case TK::kTimestamp: {
      std::string err;
      auto ts = ParseTimestamp(s, &err);
      if (!ts) {
        *why = "\"" + s + "\": " + err;
        return false;
      }
      *out = Value::Time(*ts);
      return true;
    }
    case TK::kDuration: {
      std::string err;
      auto d = ParseDuration(s, &err);
      if (!d) {
        *why = "\"" + s + "\": " + err;
        return false;
      }
      *out = Value::Dur(*d);
      return true;
    }
    default:
      return false;
  }
}

bool FromJson(const Type& t, const FieldDecl& decl, const json& j, Value* out, std::string* why, int depth) {
  if (depth > 64) {
    *why = "nested too deeply";
    return false;
  }
  auto mismatch = [&] {
    if (why->empty()) *why = "expected " + (depth == 0 ? TypeName(decl) : t.ToString()) + ", got " + JsonKind(j) + " " + Shown(j);
    return false;
  };
  switch (t.kind()) {
    case TK::kBool:
      if (!j.is_boolean()) return mismatch();
      *out = Value::Bool(j.get<bool>());
      return true;
    case TK::kInt:
      if (j.is_number_integer() && !j.is_number_unsigned()) {
        *out = Value::Int(j.get<std::int64_t>());
        return true;
      }
      if (j.is_number_unsigned()) {
        if (j.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
          *why = "integer out of range: " + Shown(j);
          return false;
        }
        *out = Value::Int(static_cast<std::int64_t>(j.get<std::uint64_t>()));
        return true;
      }
      if (j.is_number_float()) {
        *why = "expected " + TypeName(decl) + ", got the fraction " + Shown(j);
        return false;
      }
      return mismatch();
    case TK::kUint:
      if (j.is_number_unsigned()) {
        *out = Value::Uint(j.get<std::uint64_t>());
        return true;
      }
      if (j.is_number_integer() && j.get<std::int64_t>() >= 0) {
        *out = Value::Uint(static_cast<std::uint64_t>(j.get<std::int64_t>()));
        return true;
      }
      return mismatch();
    case TK::kDouble:
      if (!j.is_number()) return mismatch();
      if (!std::isfinite(j.get<double>())) return mismatch();
      *out = Value::Double(j.get<double>());
      return true;
    case TK::kString:
    case TK::kEnum:
    case TK::kTimestamp:
    case TK::kDuration:
      if (!j.is_string()) return mismatch();
      return StringTyped(t, j.get<std::string>(), out, why) || mismatch();
    case TK::kList: {
      if (!j.is_array()) return mismatch();
      Value::List items;
      for (const json& e : j) {
        Value v;
        if (!FromJson(*t.elem(), decl, e, &v, why, depth + 1)) return false;
        items.push_back(std::move(v));
      }
      *out = Value::ListOf(std::move(items));
      return true;
    }
    case TK::kDyn: {
      if (j.is_string()) *out = Value::String(j.get<std::string>());
      else if (j.is_boolean()) *out = Value::Bool(j.get<bool>());
      else if (j.is_number_integer() && !j.is_number_unsigned()) *out = Value::Int(j.get<std::int64_t>());
      else if (j.is_number_unsigned()) *out = Value::Uint(j.get<std::uint64_t>());
      else if (j.is_number_float()) *out = Value::Double(j.get<double>());
      else return mismatch();
      return true;
    }
    default:
      return mismatch();
  }
}

// Nesting depth of a JSON text, counted before parsing so that no parser
// recursion or allocation is spent on a hostile document.
int JsonDepth(std::string_view s) {
  int depth = 0, max_depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      max_depth = std::max(max_depth, ++depth);
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return max_depth;
}

class JsonWalker {
 public:
  JsonWalker(const Schema& schema, FactsData* out) : schema_(schema), out_(out) {}
  void Walk(const json& obj, const std::string& prefix) {
    for (auto it = obj.begin(); it != obj.end(); ++it) {
      std::string path = prefix.empty() ? it.key() : prefix + "." + it.key();
      auto found = schema_.fact_index.find(path);
      if (found != schema_.fact_index.end()) {
        const FieldDecl& decl = schema_.facts[found->second];
        if (it.value().is_null()) continue;  // null is absent
        Value v;
        std::string why;
        if (FromJson(*decl.type, decl, it.value(), &v, &why, 0)) {
          out_->slots[decl.slot] = std::move(v);
        } else {
          errors.push_back(path + ": " + why);
        }
      } else if (it.value().is_object()) {
        Walk(it.value(), path);
      }
    }
  }
  std::vector<std::string> errors;

 private:
  const Schema& schema_;
  FactsData* out_;
};

Status Errors(const std::vector<std::string>& errors) {
  std::string msg;
  for (const std::string& e : errors) msg += (msg.empty() ? "" : "; ") + e;
  return Status::InvalidArgument(msg);
}

bool FromYaml(const Type& t, const FieldDecl& decl, const YamlNode& n, Value* out, std::string* why, int depth) {
  if (depth > 64) {
    *why = "nested too deeply";
    return false;
  }
  if (t.kind() == TK::kList) {
    if (!n.IsSequence()) {
      *why = "expected " + t.ToString() + ", got " + (n.IsMap() ? "a map" : "'" + n.value + "'");
      return false;
    }
    Value::List items;
    for (const YamlNode& e : n.items) {
      Value v;
      if (!FromYaml(*t.elem(), decl, e, &v, why, depth + 1)) return false;
      items.push_back(std::move(v));
    }
    *out = Value::ListOf(std::move(items));
    return true;
  }
  if (!n.IsScalar()) {
    *why = "expected " + TypeName(decl) + ", got a " + (n.IsMap() ? "map" : "list");
    return false;
  }
  bool quoted = n.style == YamlNode::Style::kSingleQuoted || n.style == YamlNode::Style::kDoubleQuoted;
  FieldDecl as = decl;
  as.type = std::make_shared<const Type>(t);
  return ConvertText(as, n.value, quoted, out, why);
}

void WalkYaml(const YamlNode& map, const std::string& prefix, const Schema& schema, FactsData* out,
              std::vector<std::string>* errors, int depth) {
  if (depth > 64) return;
  for (const auto& [k, v] : map.entries) {
    std::string path = prefix.empty() ? k.value : prefix + "." + k.value;
    auto found = schema.fact_index.find(path);
    if (found != schema.fact_index.end()) {
      const FieldDecl& decl = schema.facts[found->second];
      if (v.kind == YamlNode::Kind::kNull) continue;
      Value val;
      std::string why;
      if (FromYaml(*decl.type, decl, v, &val, &why, 0)) {
        out->slots[decl.slot] = std::move(val);
      } else {
        errors->push_back(path + " (line " + std::to_string(v.location.line) + "): " + why);
      }
    } else if (v.IsMap()) {
      WalkYaml(v, path, schema, out, errors, depth + 1);
    }
  }
}

}  // namespace

bool ConvertText(const FieldDecl& decl, std::string_view text, bool quoted, Value* out, std::string* why) {
  const Type& t = *decl.type;
  std::string s(text);
  auto mismatch = [&] {
    *why = "expected " + TypeName(decl) + ", got '" + s + "'";
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
      *out = Value::Int(v);
      return true;
    }
    case TK::kUint: {
      std::uint64_t v = 0;
      auto r = std::from_chars(s.data(), s.data() + s.size(), v);
      if (quoted || s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size()) return mismatch();
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

Status ReadJsonFacts(std::string_view text, const Schema& schema, const Limits& limits, FactsData* out) {
  if (text.size() > limits.max_case_bytes) {
    return Status::ResourceExhausted("case is " + std::to_string(text.size()) + " bytes; the limit is " +
                                     std::to_string(limits.max_case_bytes));
  }
  if (JsonDepth(text) > limits.max_case_depth) {
    return Status::ResourceExhausted("case nested more than " + std::to_string(limits.max_case_depth) + " deep");
  }
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    // Parse again with exceptions for the position and reason of the error.
    try {
      json again = json::parse(text);
      (void)again;
    } catch (const json::parse_error& e) {
      std::string what = e.what();
      auto pos = what.find("syntax error");
      return Status::InvalidArgument("not valid JSON: " + (pos == std::string::npos ? what : what.substr(pos)));
    } catch (...) {
    }
    return Status::InvalidArgument("not valid JSON");
  }
  if (!doc.is_object()) return Status::InvalidArgument("a case must be a JSON object");
  JsonWalker walker(schema, out);
  walker.Walk(doc, "");
  if (!walker.errors.empty()) return Errors(walker.errors);
  return Status::Ok();
}

Status ReadYamlFacts(std::string_view text, const Schema& schema, const Limits& limits, FactsData* out) {
  if (text.size() > limits.max_case_bytes) {
    return Status::ResourceExhausted("case is " + std::to_string(text.size()) + " bytes; the limit is " +
                                     std::to_string(limits.max_case_bytes));
  }
  YamlReadOptions options;
  options.max_depth = limits.max_case_depth;
  options.max_nodes = 100'000;
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
  WalkYaml(*doc.root, "", schema, out, &errors, 0);
  if (!errors.empty()) return Errors(errors);
  return Status::Ok();
}

}  // namespace aftersales::internal
