#include "policy/snapshot.h"

#include <algorithm>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "aftersales/version.h"
#include "policy/digest.h"
#include "policy/script_template.h"
#include "policy/variable_builder.h"

namespace aftersales::internal {
namespace {

// Places in policy files: each file's name is written once per model and
// shared by every place in it when read.
class LocationWriter {
 public:
  explicit LocationWriter(ByteWriter& out) : out_(out) {}
  void Write(const std::string& file, int line, int column) {
    auto [it, added] = files_.emplace(file, files_.size() + 1);
    out_.U64(it->second);
    if (added) out_.Str(file);
    out_.I64(line);
    out_.I64(column);
  }
  void Write(const SourceLocation& at) { Write(at.file, at.line, at.column); }
  void Write(const SharedLocation& at) { Write(at.file(), at.line, at.column); }

 private:
  ByteWriter& out_;
  std::unordered_map<std::string, std::uint64_t> files_;
};

class LocationReader {
 public:
  explicit LocationReader(ByteReader& in) : in_(in) {}
  SharedLocation Read() {
    SharedLocation at;
    const std::uint64_t n = in_.U64();
    if (in_.failed()) return at;
    if (n == files_.size() + 1) {
      files_.push_back(std::make_shared<const std::string>(in_.Str()));
    } else if (n == 0 || n > files_.size()) {
      in_.Fail("a place in a file not named before");
      return at;
    }
    at.file_name = files_[n - 1];
    at.line = Int();
    at.column = Int();
    return at;
  }
  SourceLocation ReadPlain() { return Read(); }

 private:
  int Int() {
    const std::int64_t v = in_.I64();
    if (v < 0 || v > INT32_MAX) in_.Fail("a line or column out of range");
    return static_cast<int>(v);
  }
  ByteReader& in_;
  std::vector<std::shared_ptr<const std::string>> files_;
};

void WriteOptionalSlot(ByteWriter& out, const std::optional<std::uint32_t>& slot) {
  out.Bool(slot.has_value());
  if (slot) out.U64(*slot);
}

std::optional<std::uint32_t> ReadOptionalSlot(ByteReader& in, std::uint32_t bound, const char* what) {
  if (!in.Bool()) return std::nullopt;
  return static_cast<std::uint32_t>(in.Below(bound, what));
}

void WriteField(const FieldDecl& f, ExprWriter& w, LocationWriter& at) {
  ByteWriter& out = w.out;
  out.Str(f.name);
  w.WriteType(f.type);
  out.Bool(f.money);
  out.Bool(f.signed_money);
  out.Bool(f.zone_name);
  out.Bool(f.personal);
  out.Bool(f.required);
  w.WriteValue(f.default_value);
  w.WriteProgram(f.at_most.get());
  w.WriteProgram(f.at_most_unless.get());
  out.U64(f.at_most_facts.size());
  for (std::uint32_t s : f.at_most_facts) out.U64(s);
  at.Write(f.location);
}

// A type a schema can declare: every part of it there (a list's items, a
// map's keys and values), no error type, nested no deeper than the schema
// builder allows. The readers of cases and the engine rely on it.
bool DeclarableType(const TypePtr& t, int depth) {
  if (!t || depth > kMaxTypeNesting + 1) return false;
  switch (t->kind()) {
    case Type::Kind::kError: return false;
    case Type::Kind::kEnum: return t->enum_type() != nullptr;
    case Type::Kind::kList: return DeclarableType(t->elem(), depth + 1);
    case Type::Kind::kMap: return DeclarableType(t->elem(), depth + 1) && DeclarableType(t->value(), depth + 1);
    default: return true;
  }
}

FieldDecl ReadField(ExprReader& r, LocationReader& at, std::uint32_t slot) {
  ByteReader& in = r.in;
  FieldDecl f;
  f.name = in.Str();
  f.type = r.ReadType();
  f.money = in.Bool();
  f.signed_money = in.Bool();
  f.zone_name = in.Bool();
  f.personal = in.Bool();
  f.required = in.Bool();
  f.default_value = r.ReadValue();
  f.at_most = r.ReadProgram();
  f.at_most_unless = r.ReadProgram();
  const std::size_t n = in.Count();
  for (std::size_t i = 0; i < n && !in.failed(); ++i) {
    f.at_most_facts.push_back(static_cast<std::uint32_t>(in.Below(r.bounds().facts, "a fact")));
  }
  f.slot = slot;
  f.location = at.ReadPlain();
  if (!in.failed() && !DeclarableType(f.type, 0)) in.Fail("field '" + f.name + "' has a type no schema declares");
  return f;
}

void WriteTemplate(const Template& t, ExprWriter& w, LocationWriter& at) {
  ByteWriter& out = w.out;
  out.U64(t.parts.size());
  for (const TemplatePart& p : t.parts) {
    out.Bool(p.is_field);
    if (!p.is_field) {
      out.Str(p.literal);
      continue;
    }
    w.WriteRef(p.ref);
    out.Str(p.name);
    out.Str(p.spec);
    out.Bool(p.fallback.has_value());
    if (p.fallback) out.Str(*p.fallback);
    out.Bool(p.money);
    out.U8(static_cast<std::uint8_t>(p.kind));
  }
  at.Write(t.location);
}

Template ReadTemplate(ExprReader& r, LocationReader& at) {
  ByteReader& in = r.in;
  Template t;
  const std::size_t n = in.Count();
  for (std::size_t i = 0; i < n && !in.failed(); ++i) {
    TemplatePart p;
    p.is_field = in.Bool();
    if (!p.is_field) {
      p.literal = in.Str();
    } else {
      p.ref = r.ReadRef(true);
      p.name = in.Str();
      p.spec = in.Str();
      if (std::optional<std::string> bad = ScriptSpecProblem(p.spec); bad && !in.failed()) in.Fail(*bad);
      if (in.Bool()) p.fallback = in.Str();
      p.money = in.Bool();
      p.kind = static_cast<Type::Kind>(in.Below(static_cast<std::uint64_t>(Type::Kind::kError) + 1, "a type"));
    }
    t.parts.push_back(std::move(p));
  }
  t.location = at.Read();
  return t;
}

void WriteRule(const Rule& rule, std::size_t locales, ExprWriter& w, LocationWriter& at) {
  ByteWriter& out = w.out;
  out.Str(rule.id);
  out.Str(rule.description);
  w.WriteProgram(rule.when.get());
  out.U64(rule.then.size());
  for (const Assignment& a : rule.then) {
    out.U64(a.slot);
    w.WriteProgram(a.program.get());
    w.WriteValue(a.constant);
    at.Write(a.location);
  }
  out.Bool(!rule.scripts.empty());
  if (!rule.scripts.empty()) {
    for (std::size_t i = 0; i < locales; ++i) {
      const bool has = i < rule.scripts.size() && rule.scripts[i].has_value();
      out.Bool(has);
      if (has) WriteTemplate(*rule.scripts[i], w, at);
    }
  }
  at.Write(rule.location);
  at.Write(rule.when_location);
}

Rule ReadRule(ExprReader& r, std::size_t locales, LocationReader& at) {
  ByteReader& in = r.in;
  Rule rule;
  rule.id = in.Str();
  rule.description = in.Str();
  rule.when = r.ReadProgram();
  const std::size_t n = in.Count(3);
  for (std::size_t i = 0; i < n && !in.failed(); ++i) {
    Assignment a;
    a.slot = static_cast<std::uint32_t>(in.Below(r.bounds().decisions, "a decision field"));
    a.program = r.ReadProgram();
    a.constant = r.ReadValue();
    a.location = at.Read();
    if (!in.failed() && !a.program && a.constant.is_absent()) in.Fail("rule '" + rule.id + "' sets a field to nothing");
    rule.then.push_back(std::move(a));
  }
  if (in.Bool()) {
    rule.scripts.resize(locales);
    for (std::size_t i = 0; i < locales && !in.failed(); ++i) {
      if (in.Bool()) rule.scripts[i] = ReadTemplate(r, at);
    }
  }
  rule.location = at.Read();
  rule.when_location = at.Read();
  return rule;
}

// Evaluating a named value runs those it reads inside it: as loading
// refuses, no cycle and no chain deeper than kMaxNamedValueDepth, or a
// snapshot could make a decision recurse past the stack.
void CheckNamedDepth(const std::vector<std::vector<std::uint32_t>>& reads, ByteReader& in) {
  const std::size_t n = reads.size();
  std::vector<int> depth(n, 0);  // 0: not yet; -1: being worked out
  struct Frame {
    std::uint32_t index;
    std::size_t next = 0;
  };
  for (std::uint32_t start = 0; start < n; ++start) {
    if (depth[start] != 0) continue;
    std::vector<Frame> stack{{start}};
    depth[start] = -1;
    while (!stack.empty()) {
      Frame& f = stack.back();
      if (f.next < reads[f.index].size()) {
        const std::uint32_t d = reads[f.index][f.next++];
        if (depth[d] == -1) {
          in.Fail("named values that read each other in a cycle");
          return;
        }
        if (depth[d] == 0) {
          depth[d] = -1;
          stack.push_back({d});
        }
        continue;
      }
      int deepest = 0;
      for (std::uint32_t d : reads[f.index]) deepest = std::max(deepest, depth[d]);
      depth[f.index] = deepest + 1;
      if (depth[f.index] > kMaxNamedValueDepth) {
        in.Fail("named values that build on one another more than " + std::to_string(kMaxNamedValueDepth) +
                " deep");
        return;
      }
      stack.pop_back();
    }
  }
}

}  // namespace

std::string FrameSnapshot(std::string_view payload) {
  const std::string sha = Sha256Hex(payload);
  if (sha.empty()) return {};
  ByteWriter out;
  out.Raw(kSnapshotMagic);
  out.U64(kSnapshotFormat);
  out.Str(AFTERSALES_VERSION_STRING);
  out.Str(sha);
  out.Raw(payload);
  return std::move(out.data());
}

std::optional<std::string_view> UnframeSnapshot(std::string_view bytes, std::string* error) {
  if (!LooksLikeSnapshot(bytes)) {
    *error = "not a policy snapshot (it does not start as `aftersales compile` writes one)";
    return std::nullopt;
  }
  ByteReader in(bytes.substr(kSnapshotMagic.size()));
  const std::uint64_t format = in.U64();
  const std::string version = in.Str();
  const std::string sha = in.Str();
  if (in.failed()) {
    *error = "a damaged policy snapshot: its header is cut short";
    return std::nullopt;
  }
  if (format != kSnapshotFormat || version != AFTERSALES_VERSION_STRING) {
    *error = "a policy snapshot written by aftersales " + version + " (snapshot format " + std::to_string(format) +
             "); this is aftersales " + AFTERSALES_VERSION_STRING + " (format " + std::to_string(kSnapshotFormat) +
             "): compile the policy again with this version";
    return std::nullopt;
  }
  std::string_view payload = bytes.substr(kSnapshotMagic.size() + in.offset());
  const std::string actual = Sha256Hex(payload);
  if (actual.empty()) {
    *error = "could not check the snapshot's SHA-256 (OpenSSL failed)";
    return std::nullopt;
  }
  if (actual != sha) {
    *error = "a damaged policy snapshot: its SHA-256 does not match its contents (" + std::to_string(payload.size()) +
             " bytes); compile the policy again";
    return std::nullopt;
  }
  return payload;
}

void WriteModel(const PolicyModel& m, ExprWriter& w) {
  ByteWriter& out = w.out;
  LocationWriter at(out);
  const Schema& s = m.schema;
  out.U64(s.facts.size());
  out.U64(s.decisions.size());
  out.U64(m.named_values.size());
  out.Str(m.name);
  out.Str(m.version);
  out.Str(m.description);
  out.Str(m.digest);
  out.U64(s.enums.size());
  for (const auto& e : s.enums) w.WriteEnum(e);
  out.U64(s.declarations.all().size());
  for (const VarDecl& d : s.declarations.all()) {
    out.Str(d.name);
    w.WriteType(d.type);
    w.WriteRef(d.ref);
  }
  for (const FieldDecl& f : s.facts) WriteField(f, w, at);
  for (const FieldDecl& f : s.decisions) WriteField(f, w, at);
  out.U64(s.groups.size());
  for (const GroupDecl& g : s.groups) {
    out.Str(g.name);
    out.Bool(g.nullable);
    at.Write(g.location);
  }
  out.U64(m.locales.size());
  for (const std::string& l : m.locales) out.Str(l);
  out.U64(m.default_locale);
  out.U64(m.fallback_locale);
  WriteOptionalSlot(out, m.case_id_fact);
  WriteOptionalSlot(out, m.locale_fact);
  WriteOptionalSlot(out, m.timezone_fact);
  out.Str(m.default_timezone);
  out.Bool(m.platforms.has_value());
  if (m.platforms) {
    out.U64(m.platforms->fact_slot);
    w.WriteEnum(m.platforms->platforms);
    out.U64(m.platforms->overlays.size());
    for (const PlatformEntry& e : m.platforms->overlays) {
      out.Str(e.platform);
      out.Str(e.path);
      at.Write(e.location);
    }
    at.Write(m.platforms->location);
  }
  for (const NamedValue& v : m.named_values) {
    out.Str(v.name);
    out.Str(v.stage);
    w.WriteProgram(v.program.get());
    at.Write(v.location);
  }
  out.U64(m.stages.size());
  for (const Stage& st : m.stages) {
    out.Str(st.id);
    out.Str(st.description);
    out.U8(static_cast<std::uint8_t>(st.hit));
    out.Bool(st.table);
    out.U64(st.priority_slot);
    w.WriteEnum(st.priority_enum);
    out.U64(st.rules.size());
    for (const Rule& rule : st.rules) WriteRule(rule, m.locales.size(), w, at);
    at.Write(st.location);
  }
  out.U64(m.invariants.size());
  for (const Invariant& inv : m.invariants) {
    out.Str(inv.id);
    out.Str(inv.message);
    w.WriteProgram(inv.check.get());
    at.Write(inv.location);
  }
  out.U64(m.warnings.size());
  for (const Issue& issue : m.warnings) {
    out.Bool(issue.severity == Severity::kWarning);
    out.Str(issue.code);
    out.Str(issue.message);
    at.Write(issue.location);
  }
}

std::optional<PolicyModel> ReadModel(ExprReader& r, const LoadOptions& options) {
  ByteReader& in = r.in;
  LocationReader at(in);
  PolicyModel m;
  Schema& s = m.schema;
  // Each field, value and rule takes some bytes: counts past the bytes
  // left are refused before anything is reserved.
  const std::size_t facts = in.Count(8);
  const std::size_t decisions = in.Count(8);
  const std::size_t named = in.Count(4);
  if (in.failed()) return std::nullopt;
  r.set_bounds(ExprBounds{static_cast<std::uint32_t>(facts), static_cast<std::uint32_t>(decisions),
                          static_cast<std::uint32_t>(named)});
  m.name = in.Str();
  m.version = in.Str();
  m.description = in.Str();
  m.digest = in.Str();
  const std::size_t enums = in.Count();
  for (std::size_t i = 0; i < enums && !in.failed(); ++i) {
    std::shared_ptr<const EnumType> e = r.ReadEnum();
    if (!in.failed() && !e) in.Fail("a schema enum that is not there");
    s.enums.push_back(std::move(e));
  }
  const std::size_t decls = in.Count(3);
  for (std::size_t i = 0; i < decls && !in.failed(); ++i) {
    std::string name = in.Str();
    TypePtr type = r.ReadType();
    const VarRef ref = r.ReadRef(true);
    if (!in.failed() && !type) in.Fail("'" + name + "' declared without a type");
    if (!in.failed() && !s.declarations.Add(name, std::move(type), ref)) in.Fail("'" + name + "' declared twice");
  }
  r.SetDeclarations(s.declarations);
  for (std::size_t i = 0; i < facts && !in.failed(); ++i) {
    s.facts.push_back(ReadField(r, at, static_cast<std::uint32_t>(i)));
    if (!s.fact_index.emplace(s.facts.back().name, static_cast<std::uint32_t>(i)).second) {
      in.Fail("fact '" + s.facts.back().name + "' declared twice");
    }
  }
  for (std::size_t i = 0; i < decisions && !in.failed(); ++i) {
    s.decisions.push_back(ReadField(r, at, static_cast<std::uint32_t>(i)));
    if (!s.decision_index.emplace(s.decisions.back().name, static_cast<std::uint32_t>(i)).second) {
      in.Fail("decision field '" + s.decisions.back().name + "' declared twice");
    }
  }
  const std::size_t groups = in.Count(3);
  for (std::size_t i = 0; i < groups && !in.failed(); ++i) {
    GroupDecl g;
    g.name = in.Str();
    g.nullable = in.Bool();
    g.location = at.ReadPlain();
    s.groups.push_back(std::move(g));
  }
  const std::size_t locales = in.Count();
  for (std::size_t i = 0; i < locales && !in.failed(); ++i) m.locales.push_back(in.Str());
  if (!in.failed() && m.locales.empty()) in.Fail("a policy with no locale");
  m.default_locale = in.Below(locales, "the default locale");
  m.fallback_locale = in.Below(locales, "the fallback locale");
  m.case_id_fact = ReadOptionalSlot(in, static_cast<std::uint32_t>(facts), "the case id fact");
  m.locale_fact = ReadOptionalSlot(in, static_cast<std::uint32_t>(facts), "the locale fact");
  m.timezone_fact = ReadOptionalSlot(in, static_cast<std::uint32_t>(facts), "the timezone fact");
  m.default_timezone = in.Str();
  if (in.Bool()) {
    PlatformsDecl p;
    p.fact_slot = static_cast<std::uint32_t>(in.Below(facts, "the platform fact"));
    p.platforms = r.ReadEnum();
    const std::size_t n = in.Count(3);
    for (std::size_t i = 0; i < n && !in.failed(); ++i) {
      PlatformEntry e;
      e.platform = in.Str();
      e.path = in.Str();
      e.location = at.ReadPlain();
      p.overlays.push_back(std::move(e));
    }
    p.location = at.ReadPlain();
    if (!in.failed()) {
      const TypePtr& t = s.facts[p.fact_slot].type;
      if (!p.platforms || t->kind() != Type::Kind::kEnum || t->enum_type() != p.platforms) {
        in.Fail("the platform fact is not of the platforms' enum");
      }
    }
    m.platforms = std::move(p);
  }
  std::vector<std::vector<std::uint32_t>> reads(named);  // the named values each one reads
  for (std::size_t i = 0; i < named && !in.failed(); ++i) {
    NamedValue v;
    v.name = in.Str();
    v.stage = in.Str();
    v.program = r.ReadProgram();
    reads[i] = r.named_refs();
    v.location = at.ReadPlain();
    if (!in.failed() && !v.program) in.Fail("named value '" + v.name + "' has no expression");
    m.named_values.push_back(std::move(v));
  }
  if (!in.failed()) CheckNamedDepth(reads, in);
  const std::size_t stages = in.Count(4);
  for (std::size_t i = 0; i < stages && !in.failed(); ++i) {
    Stage st;
    st.id = in.Str();
    st.description = in.Str();
    st.hit = static_cast<HitPolicy>(in.Below(static_cast<std::uint64_t>(HitPolicy::kPriority) + 1, "a hit policy"));
    st.table = in.Bool();
    st.priority_slot = static_cast<std::uint32_t>(in.U64());
    st.priority_enum = r.ReadEnum();
    if (!in.failed() && st.hit == HitPolicy::kPriority) {
      if (st.priority_slot >= decisions || !st.priority_enum) in.Fail("a priority stage without its output");
    }
    const std::size_t rules = in.Count(4);
    st.rules.reserve(rules);
    for (std::size_t j = 0; j < rules && !in.failed(); ++j) st.rules.push_back(ReadRule(r, locales, at));
    st.location = at.ReadPlain();
    m.stages.push_back(std::move(st));
  }
  const std::size_t invariants = in.Count(3);
  for (std::size_t i = 0; i < invariants && !in.failed(); ++i) {
    Invariant inv;
    inv.id = in.Str();
    inv.message = in.Str();
    inv.check = r.ReadProgram();
    inv.location = at.ReadPlain();
    if (!in.failed() && !inv.check) in.Fail("invariant '" + inv.id + "' has no check");
    m.invariants.push_back(std::move(inv));
  }
  const std::size_t warnings = in.Count(4);
  for (std::size_t i = 0; i < warnings && !in.failed(); ++i) {
    Issue issue;
    issue.severity = in.Bool() ? Severity::kWarning : Severity::kError;
    issue.code = in.Str();
    issue.message = in.Str();
    issue.location = at.ReadPlain();
    m.warnings.push_back(std::move(issue));
  }
  m.limits = options.limits;
  if (in.failed()) return std::nullopt;
  return m;
}

}  // namespace aftersales::internal
