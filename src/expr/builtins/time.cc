// Time: the timestamp getters (getFullYear ... getMilliseconds, in UTC or
// in a named zone), the duration getters, and calendar_days(), the calendar
// days between two timestamps in a zone. A constant zone name is looked up
// once, at load.
#include <cstdint>
#include <string>

#include "common/time.h"
#include "expr/builtins/support.h"

namespace aftersales::internal::builtins {
namespace {

enum class Part { kFullYear, kMonth, kDate, kDayOfMonth, kDayOfWeek, kDayOfYear, kHours, kMinutes, kSeconds, kMillis };

// Without a zone argument: UTC, looked up once. A zone
// named by a fact is remembered (FindTimeZoneRemembered), not looked up per call.
const TimeZone* ZoneFor(const Value* a, std::size_t n, const BuiltinData& data, std::string* error) {
  static const TimeZone* const utc = FindTimeZone("UTC");
  if (n < 2) return data.zone ? data.zone : utc;
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

// The calendar days from the first timestamp's date to the second's in the
// zone (negative when the second is earlier).
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

// A constant zone name: looked up once; an unknown one is a load error.
bool PrepareZone(const std::string& name, PrepareContext&, BuiltinData* data, PrepareIssue* issue) {
  data->zone = FindTimeZone(name);
  if (data->zone) return true;
  issue->code = "expr.timezone";
  issue->message = "unknown time zone '" + name + "'";
  return false;
}

}  // namespace

void DeclareTime(std::vector<Builtin>* out) {
  using namespace sig;
  // ts.getX() in UTC, ts.getX(zone) in the zone; d.getHours() and the
  // other three smaller units also on a duration (its total, truncated).
  const std::vector<Overload> of_timestamp = {{{Timestamp}, Int}, {{Timestamp, String}, Int}};
  std::vector<Overload> of_either = of_timestamp;
  of_either.push_back({{Duration}, Int});
  auto getter = [&](std::string_view name, BuiltinFn impl, bool durations) {
    out->push_back({.name = name, .display = name, .style = CallStyle::kReceiver,
                    .overloads = durations ? of_either : of_timestamp, .impl = impl, .cost = Cost::Step(),
                    .prepare = {1, PrepareZone}});
  };
  getter("getFullYear", Getter<Part::kFullYear>, false);
  getter("getMonth", Getter<Part::kMonth>, false);
  getter("getDate", Getter<Part::kDate>, false);
  getter("getDayOfMonth", Getter<Part::kDayOfMonth>, false);
  getter("getDayOfWeek", Getter<Part::kDayOfWeek>, false);
  getter("getDayOfYear", Getter<Part::kDayOfYear>, false);
  getter("getHours", Getter<Part::kHours>, true);
  getter("getMinutes", Getter<Part::kMinutes>, true);
  getter("getSeconds", Getter<Part::kSeconds>, true);
  getter("getMilliseconds", Getter<Part::kMillis>, true);
  out->push_back({.name = "calendar_days", .display = "calendar_days",
                  .overloads = {{{Timestamp, Timestamp, String}, Int}}, .impl = CalendarDays,
                  .cost = Cost::Step(), .prepare = {2, PrepareZone}});
}

}  // namespace aftersales::internal::builtins
