#include "policy/script_template.h"

#include <fmt/format.h>

#include <cstdint>
#include <exception>
#include <limits>
#include <optional>

#include "common/format.h"
#include "policy/build_context.h"

namespace aftersales::internal {

namespace {

// Widths and precisions beyond this are refused at load: a spec such as
// {x:999999999} would otherwise make every rendering allocate a gigabyte.
constexpr std::uint64_t kMaxSpecNumber = 1024;

constexpr std::string_view kDefaultTimeSpec = "%Y-%m-%d %H:%M";

constexpr const char* kWeekdays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                     "Thursday", "Friday", "Saturday"};
constexpr const char* kMonths[] = {"January", "February", "March",     "April",
                                   "May",     "June",     "July",      "August",
                                   "September", "October", "November", "December"};

void AppendPadded(std::int64_t v, int width, std::string* out) {
  if (v < 0) {
    out->push_back('-');
    v = -v;
  }
  std::string digits = std::to_string(v);
  for (int i = static_cast<int>(digits.size()); i < width; ++i) out->push_back('0');
  *out += digits;
}

// A strftime subset, in the case's time zone. Returns false and sets
// `error` for a conversion it does not know (checked when loading).
bool FormatCivil(const CivilTime& c, std::string_view spec, std::string* out,
                 std::string* error) {
  for (std::size_t i = 0; i < spec.size(); ++i) {
    if (spec[i] != '%') {
      out->push_back(spec[i]);
      continue;
    }
    if (++i == spec.size()) {
      *error = "a time format ends with a lone '%'";
      return false;
    }
    switch (spec[i]) {
      case 'Y': AppendPadded(c.year, 4, out); break;
      case 'y': AppendPadded(((c.year % 100) + 100) % 100, 2, out); break;
      case 'm': AppendPadded(c.month, 2, out); break;
      case 'd': AppendPadded(c.day, 2, out); break;
      case 'e': {
        if (c.day < 10) out->push_back(' ');
        AppendPadded(c.day, 1, out);
        break;
      }
      case 'j': AppendPadded(c.yearday + 1, 3, out); break;
      case 'H': AppendPadded(c.hour, 2, out); break;
      case 'I': AppendPadded(c.hour % 12 == 0 ? 12 : c.hour % 12, 2, out); break;
      case 'p': *out += c.hour < 12 ? "AM" : "PM"; break;
      case 'M': AppendPadded(c.minute, 2, out); break;
      case 'S': AppendPadded(c.second, 2, out); break;
      case 'a': out->append(kWeekdays[c.weekday % 7], 3); break;
      case 'A': *out += kWeekdays[c.weekday % 7]; break;
      case 'b': out->append(kMonths[(c.month + 11) % 12], 3); break;
      case 'B': *out += kMonths[(c.month + 11) % 12]; break;
      case 'u': AppendPadded(c.weekday == 0 ? 7 : c.weekday, 1, out); break;
      case 'w': AppendPadded(c.weekday, 1, out); break;
      case 'F': {
        AppendPadded(c.year, 4, out);
        out->push_back('-');
        AppendPadded(c.month, 2, out);
        out->push_back('-');
        AppendPadded(c.day, 2, out);
        break;
      }
      case 'T':
      case 'R': {
        AppendPadded(c.hour, 2, out);
        out->push_back(':');
        AppendPadded(c.minute, 2, out);
        if (spec[i] == 'T') {
          out->push_back(':');
          AppendPadded(c.second, 2, out);
        }
        break;
      }
      case 'z': {
        int off = c.utc_offset_seconds;
        out->push_back(off < 0 ? '-' : '+');
        if (off < 0) off = -off;
        AppendPadded(off / 3600, 2, out);
        AppendPadded(off / 60 % 60, 2, out);
        break;
      }
      case '%': out->push_back('%'); break;
      case 'n': out->push_back('\n'); break;
      default:
        *error = std::string("unknown time conversion '%") + spec[i] +
                 "' (known: %Y %y %m %d %e %j %H %I %p %M %S %a %A %b %B %u %w %F %T %R %z %%)";
        return false;
    }
  }
  return true;
}

const TimeZone* ZoneOrUtc(const TimeZone* zone) {
  return zone != nullptr ? zone : FindTimeZone("UTC");
}

// fmt with a spec written by a policy author; every failure is an error
// string, never an exception past this function.
template <typename T>
bool FormatWithSpec(const T& value, std::string_view spec, std::string* out, std::string* error) {
  if (spec.empty()) {
    fmt::format_to(std::back_inserter(*out), "{}", value);
    return true;
  }
  try {
    std::string pattern = "{:";
    pattern.append(spec);
    pattern.push_back('}');
    fmt::format_to(std::back_inserter(*out), fmt::runtime(pattern), value);
    return true;
  } catch (const std::exception& e) {
    *error = std::string("bad format spec '") + std::string(spec) + "': " + e.what();
    return false;
  }
}

bool IsZhLocale(std::string_view locale) {
  return locale.size() >= 2 && (locale[0] == 'z' || locale[0] == 'Z') &&
         (locale[1] == 'h' || locale[1] == 'H') && (locale.size() == 2 || locale[2] == '-');
}

// One value as a script shows it. `money` marks ints that are minor units.
bool FormatValue(const Value& v, bool money, std::string_view spec, const TimeZone* zone,
                 std::string_view locale, int depth, std::string* out, std::string* error) {
  switch (v.kind()) {
    case Value::Kind::kBool:
      return FormatWithSpec(std::string_view(v.bool_value() ? "true" : "false"), spec, out, error);
    case Value::Kind::kInt:
      if (money) return FormatWithSpec(FormatMoney(v.int_value()), spec, out, error);
      return FormatWithSpec(v.int_value(), spec, out, error);
    case Value::Kind::kUint:
      if (money && v.uint_value() <= static_cast<std::uint64_t>(
                                         std::numeric_limits<std::int64_t>::max())) {
        return FormatWithSpec(FormatMoney(static_cast<std::int64_t>(v.uint_value())), spec, out,
                              error);
      }
      return FormatWithSpec(v.uint_value(), spec, out, error);
    case Value::Kind::kDouble:
      return FormatWithSpec(v.double_value(), spec, out, error);
    case Value::Kind::kString:
      return FormatWithSpec(std::string_view(v.string_value()), spec, out, error);
    case Value::Kind::kTimestamp: {
      CivilTime civil = ToCivil(v.timestamp_value(), ZoneOrUtc(zone));
      return FormatCivil(civil, spec.empty() ? kDefaultTimeSpec : spec, out, error);
    }
    case Value::Kind::kDuration:
      return FormatWithSpec(FormatDuration(v.duration_value()), spec, out, error);
    case Value::Kind::kList: {
      if (depth > 8) {
        *error = "lists nested too deeply to print";
        return false;
      }
      std::string_view separator = IsZhLocale(locale) ? "、" : ", ";
      bool first = true;
      for (const Value& item : v.list_value()) {
        if (!first) out->append(separator);
        first = false;
        if (!FormatValue(item, money, spec, zone, locale, depth + 1, out, error)) return false;
      }
      return true;
    }
    case Value::Kind::kNull:
      return FormatWithSpec(std::string_view("null"), spec, out, error);
    case Value::Kind::kMap:
      out->append(FormatCelLiteral(v));
      return true;
    case Value::Kind::kError:
      *error = v.error_message();
      return false;
    case Value::Kind::kAbsent:
      *error = "absent";
      return false;
  }
  return false;
}

// A typed sample for trial-rendering a placeholder at load.
Value SampleFor(const Type& type, int depth) {
  switch (type.kind()) {
    case Type::Kind::kBool: return Value::Bool(true);
    case Type::Kind::kInt: return Value::Int(-1234567);
    case Type::Kind::kUint: return Value::Uint(1234567);
    case Type::Kind::kDouble: return Value::Double(-1234.5);
    case Type::Kind::kString: return Value::String("text");
    case Type::Kind::kEnum: {
      const auto& e = type.enum_type();
      return Value::String(e && !e->values.empty() ? e->values.front() : "word");
    }
    case Type::Kind::kTimestamp: return Value::Time(Timestamp{1795154580, 0});
    case Type::Kind::kDuration: return Value::Dur(Duration{5400, 0});
    case Type::Kind::kList:
      if (depth < 4 && type.elem()) return Value::ListOf({SampleFor(*type.elem(), depth + 1)});
      return Value::ListOf({});
    default: return Value::String("text");
  }
}

// Rejects widths and precisions that would make output huge.
std::optional<std::string> CheckSpecNumbers(std::string_view spec, bool is_time) {
  if (is_time) return std::nullopt;
  std::uint64_t n = 0;
  for (char c : spec) {
    if (c >= '0' && c <= '9') {
      n = std::min<std::uint64_t>(n * 10 + static_cast<unsigned>(c - '0'), 1u << 30);
      if (n > kMaxSpecNumber) {
        return "a width or precision above " + std::to_string(kMaxSpecNumber) +
               " in format spec '" + std::string(spec) + "'";
      }
    } else {
      n = 0;
    }
  }
  return std::nullopt;
}

const FieldDecl* FindField(const Schema& schema, const VarDecl& decl) {
  if (decl.ref.space == kFactSpace) {
    if (decl.ref.slot < schema.facts.size()) return &schema.facts[decl.ref.slot];
  } else if (decl.ref.space == kDecisionSpace) {
    if (decl.ref.slot < schema.decisions.size()) return &schema.decisions[decl.ref.slot];
  }
  return nullptr;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

Template CompileTemplate(std::string_view text, const Schema& schema,
                         std::vector<TemplateIssue>* issues, const Declarations* decls) {
  const Declarations& names = decls != nullptr ? *decls : schema.declarations;
  Template tmpl;
  std::string literal;
  auto flush_literal = [&] {
    if (literal.empty()) return;
    TemplatePart part;
    part.literal = std::move(literal);
    tmpl.parts.push_back(std::move(part));
    literal.clear();
  };
  std::vector<std::string> known_names;  // filled on the first unknown name
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '}') {
      if (i + 1 < text.size() && text[i + 1] == '}') {
        literal.push_back('}');
        ++i;
      } else {
        issues->push_back({"template.syntax",
                           "a single '}' in a script (write '}}' for a literal brace)", i});
      }
      continue;
    }
    if (c != '{') {
      literal.push_back(c);
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '{') {
      literal.push_back('{');
      ++i;
      continue;
    }
    std::size_t open = i;
    std::size_t close = text.find_first_of("{}", open + 1);
    if (close == std::string_view::npos || text[close] == '{') {
      issues->push_back({"template.syntax",
                         "'{' is not closed by '}' (write '{{' for a literal brace)", open});
      if (close == std::string_view::npos) break;
      continue;
    }
    i = close;
    std::string_view inside = text.substr(open + 1, close - open - 1);
    // {name:spec|fallback}: the text after the first '|' is shown when the
    // value is absent.
    std::optional<std::string> fallback;
    if (std::size_t bar = inside.find('|'); bar != std::string_view::npos) {
      fallback = std::string(inside.substr(bar + 1));
      inside = inside.substr(0, bar);
    }
    std::size_t colon = inside.find(':');
    std::string_view raw_name = inside.substr(0, colon);
    std::string_view name = Trim(raw_name);
    std::string_view spec = colon == std::string_view::npos ? std::string_view()
                                                            : inside.substr(colon + 1);
    std::size_t name_offset = open + 1 + (name.empty() ? 0 : raw_name.find(name));
    if (name.empty()) {
      issues->push_back({"template.syntax",
                         "empty placeholder '{}' (name a fact or decision.<field>, or write "
                         "'{{' for a literal brace)",
                         open});
      continue;
    }
    const VarDecl* decl = names.Find(name);
    const bool named = decl != nullptr && decl->ref.space == kNamedValueSpace;
    const FieldDecl* field = decl && !named ? FindField(schema, *decl) : nullptr;
    if (decl == nullptr || (field == nullptr && !named)) {
      if (known_names.empty()) {
        for (const VarDecl& d : names.all()) known_names.push_back(d.name);
      }
      std::string message = "unknown name '" + std::string(name) + "' in script";
      std::string suggestion = SuggestionSuffix(name, known_names);
      if (!suggestion.empty()) {
        message += suggestion;
      } else if (name.find('.') == std::string_view::npos &&
                 schema.decision_index.count(std::string(name)) != 0) {
        message += " (decision fields are written decision." + std::string(name) + ")";
      }
      issues->push_back({"template.unknown", std::move(message), name_offset});
      continue;
    }
    flush_literal();
    TemplatePart part;
    part.is_field = true;
    part.ref = decl->ref;
    part.name = std::string(name);
    part.spec = std::string(spec);
    part.fallback = std::move(fallback);
    part.money = field != nullptr && field->money;
    part.kind = decl->type ? decl->type->kind() : Type::Kind::kDyn;

    // Trial render with a sample of the declared type, so that a bad spec
    // is a load error and not a failed decision.
    bool is_time = part.kind == Type::Kind::kTimestamp ||
                   (part.kind == Type::Kind::kList && decl->type->elem() &&
                    decl->type->elem()->kind() == Type::Kind::kTimestamp);
    std::size_t spec_offset = open + 1 + (colon == std::string_view::npos ? 0 : colon + 1);
    if (std::optional<std::string> bad = CheckSpecNumbers(spec, is_time)) {
      issues->push_back({"template.spec", *bad, spec_offset});
      continue;
    }
    std::string trial, error;
    Value sample = decl->type ? SampleFor(*decl->type, 0) : Value::String("text");
    if (!FormatValue(sample, part.money, part.spec, nullptr, "en", 0, &trial, &error)) {
      issues->push_back({"template.spec",
                         "in '{" + std::string(inside) + "}': " + error, spec_offset});
      continue;
    }
    tmpl.parts.push_back(std::move(part));
  }
  flush_literal();
  return tmpl;
}

bool RenderTemplate(const Template& tmpl, const Value* const* spaces, const TimeZone* zone,
                    std::string_view locale, std::size_t max_length, std::string* out,
                    std::string* error, std::vector<RenderedSpan>* spans, EvalContext* named) {
  const std::size_t start = out->size();
  const std::size_t spans_start = spans ? spans->size() : 0;
  for (const TemplatePart& part : tmpl.parts) {
    if (!part.is_field) {
      out->append(part.literal);
    } else {
      static const Value kUnavailable = Value::Error("its value cannot be worked out here");
      const Value* read = nullptr;
      if (part.ref.space == kNamedValueSpace) {
        read = named != nullptr ? ReadNamedValue(*named, part.ref.slot) : nullptr;
        if (read == nullptr) read = &kUnavailable;
      } else {
        read = &spaces[part.ref.space][part.ref.slot];
      }
      const Value& v = *read;
      if ((v.is_absent() || (v.is_error() && part.ref.space == kNamedValueSpace)) && part.fallback) {
        out->append(*part.fallback);
      } else if (v.is_absent()) {
        *error = "script needs '" + part.name + "', which is absent";
        out->resize(start);
        if (spans) spans->resize(spans_start);
        return false;
      } else if (v.is_error()) {
        *error = "script needs '" + part.name + "': " + v.error_message();
        out->resize(start);
        if (spans) spans->resize(spans_start);
        return false;
      } else {
        std::string why;
        const std::size_t begin = out->size();
        if (!FormatValue(v, part.money, part.spec, zone, locale, 0, out, &why)) {
          *error = "script cannot show '" + part.name + "': " + why;
          out->resize(start);
          if (spans) spans->resize(spans_start);
          return false;
        }
        if (spans) spans->push_back(RenderedSpan{part.ref, begin, out->size()});
      }
    }
    if (out->size() - start > max_length) {
      *error = "script text longer than " + std::to_string(max_length) + " bytes";
      out->resize(start);
      if (spans) spans->resize(spans_start);
      return false;
    }
  }
  return true;
}

std::optional<std::string> ScriptSpecProblem(std::string_view spec) { return CheckSpecNumbers(spec, false); }

}  // namespace aftersales::internal
