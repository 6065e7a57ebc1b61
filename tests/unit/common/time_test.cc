// Timestamps (RFC 3339 parsing and printing), durations (Go/CEL syntax),
// time zones (IANA names and fixed offsets), civil time across a DST change
// and calendar-day counting in a zone.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <random>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <cctz/civil_time.h>
#include <cctz/time_zone.h>

#include "common/time.h"

namespace aftersales::internal {
namespace {

Timestamp Ts(const char* text) {
  std::optional<Timestamp> t = ParseTimestamp(text);
  BOOST_TEST_REQUIRE(t.has_value(), "does not parse: " << text);
  return *t;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(time)

BOOST_AUTO_TEST_CASE(parse_timestamp_accepts_rfc3339) {
  struct Row {
    const char* in;
    std::int64_t seconds;
    std::int32_t nanos;
  };
  const std::vector<Row> rows = {
      {"1970-01-01T00:00:00Z", 0, 0},
      {"1970-01-01T00:00:00z", 0, 0},
      {"1970-01-01t00:00:00+00:00", 0, 0},
      {"1970-01-01T08:00:00+08:00", 0, 0},
      {"1969-12-31T19:00:00-05:00", 0, 0},
      {"1970-01-01T05:30:00+05:30", 0, 0},
      {"2009-02-13T23:31:30Z", 1234567890, 0},
      {"2009-02-14T07:31:30+08:00", 1234567890, 0},
      {"1970-01-01T00:00:00.5Z", 0, 500000000},
      {"1970-01-01T00:00:00.000000001Z", 0, 1},
      {"1970-01-01T00:00:00.123456789Z", 0, 123456789},
      {"1970-01-01T00:00:00.120Z", 0, 120000000},
      {"1969-12-31T23:59:59.75Z", -1, 750000000},
      {"2024-02-29T00:00:00Z", 1709164800, 0},
      {"2000-02-29T00:00:00Z", 951782400, 0},
      {"0001-01-01T00:00:00Z", kMinTimestampSeconds, 0},
      {"9999-12-31T23:59:59.999999999Z", kMaxTimestampSeconds, 999999999},
      {"0001-01-01T08:00:00+08:00", kMinTimestampSeconds, 0},
      {"9999-12-31T23:59:59+00:00", kMaxTimestampSeconds, 0},
  };
  for (const Row& r : rows) {
    BOOST_TEST_CONTEXT(r.in) {
      std::string error;
      std::optional<Timestamp> t = ParseTimestamp(r.in, &error);
      BOOST_TEST_REQUIRE(t.has_value(), error);
      BOOST_TEST(t->seconds == r.seconds);
      BOOST_TEST(t->nanos == r.nanos);
    }
  }
}

BOOST_AUTO_TEST_CASE(parse_timestamp_rejects_with_a_reason) {
  const std::string kSyntax = "not an RFC 3339 timestamp (expected e.g. 2026-11-20T14:03:00+08:00)";
  const std::string kOffset = "timestamp needs a time zone offset (Z or +08:00)";
  const std::string kImpossible = "timestamp has an impossible date or time";
  const std::string kOffsetRange = "timestamp offset out of range (at most 23:59 either side of UTC)";
  const std::string kLeap = "timestamp has second 60 (a leap second), which timestamps cannot hold";
  const std::string kRange = "timestamp out of range (years 0001 to 9999)";
  const std::string kFraction = "bad fraction of a second in timestamp";
  struct Row {
    const char* in;
    std::string why;
  };
  const std::vector<Row> rows = {
      {"", kSyntax},
      {"2026", kSyntax},
      {"2026-11-20", kSyntax},
      {"2026-11-20 14:03:00Z", kSyntax},
      {"2026/11/20T14:03:00Z", kSyntax},
      {"2026-11-20T14:03Z", kSyntax},
      {"26-11-20T14:03:00Z", kSyntax},
      {"2026-1-20T14:03:00Z", kSyntax},
      {"2026-11-20T14:03:0aZ", kSyntax},
      {"2026-11-20T14:03:00", kOffset},
      {"2026-11-20T14:03:00+08", kOffset},
      {"2026-11-20T14:03:00+0800", kOffset},
      {"2026-11-20T14:03:00+24:00", kOffsetRange},
      {"2026-11-20T14:03:00+08:60", kOffsetRange},
      {"2026-11-20T14:03:00-25:00", kOffsetRange},
      {"2026-11-20T14:03:00ZZ", kOffset},
      {"2026-11-20T14:03:00 Z", kOffset},
      {"2026-11-20T14:03:00.Z", kFraction},
      {"2026-11-20T14:03:00.1234567890Z", kFraction},
      {"2026-02-29T00:00:00Z", kImpossible},
      {"1900-02-29T00:00:00Z", kImpossible},
      {"2026-04-31T00:00:00Z", kImpossible},
      {"2026-13-01T00:00:00Z", kImpossible},
      {"2026-00-01T00:00:00Z", kImpossible},
      {"2026-01-00T00:00:00Z", kImpossible},
      {"2026-11-20T24:00:00Z", kImpossible},
      {"2026-11-20T23:60:00Z", kImpossible},
      {"2026-11-20T23:59:61Z", kImpossible},
      // A leap second is neither :59 nor the next minute; which one was
      // meant is a guess.
      {"2016-12-31T23:59:60Z", kLeap},
      {"2026-11-20T14:03:60+08:00", kLeap},
      {"2026-02-30T23:59:60Z", kImpossible},
      {"0000-12-31T23:59:59Z", kRange},
      {"0001-01-01T00:00:00+00:01", kRange},
      {"9999-12-31T23:59:59-01:00", kRange},
  };
  for (const Row& r : rows) {
    BOOST_TEST_CONTEXT(r.in) {
      std::string error;
      BOOST_TEST(!ParseTimestamp(r.in, &error).has_value());
      BOOST_TEST(error == r.why);
    }
  }
  // Without an error string it still fails, and does not crash.
  BOOST_TEST(!ParseTimestamp("2026-02-29T00:00:00Z").has_value());
}

BOOST_AUTO_TEST_CASE(format_timestamp_prints_utc_and_round_trips) {
  struct Row {
    const char* in;
    const char* out;
  };
  const std::vector<Row> rows = {
      {"2026-11-20T14:03:00+08:00", "2026-11-20T06:03:00Z"},
      {"2026-11-20t14:03:00.250z", "2026-11-20T14:03:00.25Z"},
      {"2009-02-13T23:31:30.123456789-05:30", "2009-02-14T05:01:30.123456789Z"},
      {"1969-12-31T23:59:59.000000001Z", "1969-12-31T23:59:59.000000001Z"},
      {"1900-01-01T00:00:00Z", "1900-01-01T00:00:00Z"},
      {"0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z"},
      {"9999-12-31T23:59:59.999999999Z", "9999-12-31T23:59:59.999999999Z"},
      {"2024-02-29T12:00:00.100Z", "2024-02-29T12:00:00.1Z"},
  };
  for (const Row& r : rows) {
    BOOST_TEST_CONTEXT(r.in) {
      Timestamp t = Ts(r.in);
      BOOST_TEST(FormatTimestamp(t) == r.out);
      std::optional<Timestamp> back = ParseTimestamp(FormatTimestamp(t));
      BOOST_TEST_REQUIRE(back.has_value());
      BOOST_TEST((*back == t));
    }
  }
  BOOST_TEST(FormatTimestamp(Timestamp{0, 0}) == "1970-01-01T00:00:00Z");
  BOOST_TEST(FormatTimestamp(Timestamp{-1, 0}) == "1969-12-31T23:59:59Z");
  BOOST_TEST(FormatTimestamp(Timestamp{-86400, 0}) == "1969-12-31T00:00:00Z");
  // Every day of a span that crosses leap years round trips.
  for (std::int64_t s = -400LL * 86400 * 366; s < 400LL * 86400 * 366; s += 86400 * 13 + 3607) {
    Timestamp t{s, 0};
    std::optional<Timestamp> back = ParseTimestamp(FormatTimestamp(t));
    BOOST_TEST_REQUIRE(back.has_value(), FormatTimestamp(t));
    BOOST_TEST(back->seconds == s);
  }
}

BOOST_AUTO_TEST_CASE(parse_duration_and_format) {
  struct Row {
    const char* in;
    std::int64_t seconds;
    std::int32_t nanos;
    const char* out;
  };
  const std::vector<Row> rows = {
      {"0", 0, 0, "0s"},
      {"-0", 0, 0, "0s"},
      {"0s", 0, 0, "0s"},
      {"1h30m", 5400, 0, "5400s"},
      {"1.5s", 1, 500000000, "1.5s"},
      {"-1.5s", -1, -500000000, "-1.5s"},
      {"-90s", -90, 0, "-90s"},
      {"+90s", 90, 0, "90s"},
      {"100ms", 0, 100000000, "0.1s"},
      {"1us", 0, 1000, "0.000001s"},
      {"1\xc2\xb5s", 0, 1000, "0.000001s"},
      {"1ns", 0, 1, "0.000000001s"},
      {"2h45m30.5s", 9930, 500000000, "9930.5s"},
      {"1.5h", 5400, 0, "5400s"},
      {".5s", 0, 500000000, "0.5s"},
      {"1m1m", 120, 0, "120s"},
      {"24h", 86400, 0, "86400s"},
      {"315576000000s", 315576000000, 0, "315576000000s"},
      {"-315576000000s", -315576000000, 0, "-315576000000s"},
  };
  for (const Row& r : rows) {
    BOOST_TEST_CONTEXT(r.in) {
      std::string error;
      std::optional<Duration> d = ParseDuration(r.in, &error);
      BOOST_TEST_REQUIRE(d.has_value(), error);
      BOOST_TEST(d->seconds == r.seconds);
      BOOST_TEST(d->nanos == r.nanos);
      BOOST_TEST(FormatDuration(*d) == r.out);
      std::optional<Duration> back = ParseDuration(FormatDuration(*d));
      BOOST_TEST_REQUIRE(back.has_value());
      BOOST_TEST((*back == *d));
    }
  }
}

BOOST_AUTO_TEST_CASE(parse_duration_rejects) {
  struct Row {
    const char* in;
    const char* why;
  };
  const std::vector<Row> rows = {
      {"", "empty duration"},
      {"-", "bad duration"},
      {"s", "bad duration: expected a number"},
      {"1", "bad duration unit (use h, m, s, ms, us or ns)"},
      {"1h30", "bad duration unit (use h, m, s, ms, us or ns)"},
      {"1d", "bad duration unit (use h, m, s, ms, us or ns)"},
      {"1sec", "bad duration unit (use h, m, s, ms, us or ns)"},
      {"1S", "bad duration unit (use h, m, s, ms, us or ns)"},
      {"1 s", "bad duration unit (use h, m, s, ms, us or ns)"},
      {"1s.5", "bad duration unit (use h, m, s, ms, us or ns)"},
      {"1s-1s", "bad duration: expected a number"},
      {"--1s", "bad duration: expected a number"},
      {"320000000000s", "duration out of range"},
      {"315576000001s", "duration out of range"},
      {"-315576000001s", "duration out of range"},
      {"87660000h1s", "duration out of range"},
      {"99999999999999999999999999999999999999s", "duration out of range"},
  };
  for (const Row& r : rows) {
    BOOST_TEST_CONTEXT(r.in) {
      std::string error;
      BOOST_TEST(!ParseDuration(r.in, &error).has_value());
      BOOST_TEST(error == r.why);
    }
  }
}

BOOST_AUTO_TEST_CASE(format_duration_shortest_fraction) {
  BOOST_TEST(FormatDuration(Duration{0, 0}) == "0s");
  BOOST_TEST(FormatDuration(Duration{3, 0}) == "3s");
  BOOST_TEST(FormatDuration(Duration{0, -1}) == "-0.000000001s");
  BOOST_TEST(FormatDuration(Duration{-3, -250000000}) == "-3.25s");
  BOOST_TEST(FormatDuration(Duration{kMaxDurationSeconds, 999999999}) == "315576000000.999999999s");
}

BOOST_AUTO_TEST_CASE(find_time_zone) {
  const TimeZone* shanghai = FindTimeZone("Asia/Shanghai");
  BOOST_TEST(shanghai != nullptr);
  BOOST_TEST(FindTimeZone("Asia/Shanghai") == shanghai);  // cached
  BOOST_TEST(FindTimeZone("UTC") != nullptr);
  BOOST_TEST(FindTimeZone("America/New_York") != nullptr);
  BOOST_TEST(FindTimeZone("+08:00") != nullptr);
  BOOST_TEST(FindTimeZone("-05:30") != nullptr);
  for (const char* bad : {"", "Mars/Olympus", "Asia/Shanghai2", "../../etc/passwd", "/etc/localtime",
                          "+25:00", "+08:60", "z", "file:/dev/null", "file:/usr/share/zoneinfo/UTC",
                          "Asia/./Shanghai", "Asia//Shanghai", "Asia/Shanghai/", "./UTC", "Asia/.Shanghai",
                          "libc:localtime", "Asia/Shanghai\n", "tzdata.zi"}) {
    BOOST_TEST_CONTEXT(bad) { BOOST_TEST(FindTimeZone(bad) == nullptr); }
  }
  // Asked twice, an unknown zone is still unknown.
  BOOST_TEST(FindTimeZone("Mars/Olympus") == nullptr);
  // However many unknown names cases send, a real zone asked for the first
  // time afterwards is still found (the cache once refused every new name
  // after 10,000).
  for (int i = 0; i < 10050; ++i) BOOST_TEST_REQUIRE(FindTimeZone("Nowhere/Zone" + std::to_string(i)) == nullptr);
  BOOST_TEST(FindTimeZone("Pacific/Chatham") != nullptr);
  BOOST_TEST(FindTimeZone("+05:45") != nullptr);
  // The bound is in real bytes: each name is charged for its entry too, so
  // short names cannot be remembered by the tens of thousands (64 KiB of
  // one-byte names once meant 65,536 entries, some 5 MB).
  for (int i = 0; i < 3000; ++i) BOOST_TEST_REQUIRE(FindTimeZone("Q" + std::to_string(i)) == nullptr);
  BOOST_TEST(UnknownTimeZoneNamesRemembered() > 0u);
  BOOST_TEST(UnknownTimeZoneNamesRemembered() <= (64u << 10) / (1 + 64));

  Timestamp t = Ts("2026-11-20T06:03:00Z");
  BOOST_TEST(ToCivil(t, FindTimeZone("+08:00")).hour == 14);
  BOOST_TEST(ToCivil(t, FindTimeZone("+08:00")).utc_offset_seconds == 8 * 3600);
  BOOST_TEST(ToCivil(t, FindTimeZone("-05:30")).hour == 0);
  BOOST_TEST(ToCivil(t, FindTimeZone("-05:30")).minute == 33);
  BOOST_TEST(ToCivil(t, FindTimeZone("-05:30")).utc_offset_seconds == -(5 * 3600 + 30 * 60));
  BOOST_TEST(ToCivil(t, FindTimeZone("UTC")).hour == 6);
  BOOST_TEST(ToCivil(t, nullptr).hour == 6);  // null means UTC
}

BOOST_AUTO_TEST_CASE(to_civil_in_shanghai) {
  const TimeZone* sh = FindTimeZone("Asia/Shanghai");
  BOOST_TEST_REQUIRE(sh != nullptr);
  // 2026-11-20 (a Friday) 14:03:05 in Shanghai.
  CivilTime c = ToCivil(Ts("2026-11-20T06:03:05Z"), sh);
  BOOST_TEST(c.year == 2026);
  BOOST_TEST(c.month == 11);
  BOOST_TEST(c.day == 20);
  BOOST_TEST(c.hour == 14);
  BOOST_TEST(c.minute == 3);
  BOOST_TEST(c.second == 5);
  BOOST_TEST(c.weekday == 5);
  BOOST_TEST(c.yearday == 323);
  BOOST_TEST(c.utc_offset_seconds == 8 * 3600);
  // 16:30Z on New Year's Eve is already next year in Shanghai.
  CivilTime ny = ToCivil(Ts("2025-12-31T16:30:00Z"), sh);
  BOOST_TEST(ny.year == 2026);
  BOOST_TEST(ny.month == 1);
  BOOST_TEST(ny.day == 1);
  BOOST_TEST(ny.hour == 0);
  BOOST_TEST(ny.yearday == 0);
  BOOST_TEST(ny.weekday == 4);
  // Leap year: 31 December is day 365 (0-based).
  BOOST_TEST(ToCivil(Ts("2024-12-31T12:00:00+08:00"), sh).yearday == 365);
}

BOOST_AUTO_TEST_CASE(to_civil_across_a_dst_change_in_new_york) {
  const TimeZone* ny = FindTimeZone("America/New_York");
  BOOST_TEST_REQUIRE(ny != nullptr);
  struct Row {
    const char* utc;
    int day, hour, minute, offset_hours;
  };
  const std::vector<Row> rows = {
      // 2026-03-08 02:00 EST: clocks jump to 03:00 EDT.
      {"2026-03-08T06:59:00Z", 8, 1, 59, -5},
      {"2026-03-08T07:00:00Z", 8, 3, 0, -4},
      {"2026-03-08T07:30:00Z", 8, 3, 30, -4},
      // 2026-11-01 02:00 EDT: clocks fall back to 01:00 EST; 01:30 happens twice.
      {"2026-11-01T05:30:00Z", 1, 1, 30, -4},
      {"2026-11-01T06:30:00Z", 1, 1, 30, -5},
      {"2026-11-01T04:30:00Z", 1, 0, 30, -4},
      {"2026-11-01T03:59:00Z", 31, 23, 59, -4},
  };
  for (const Row& r : rows) {
    BOOST_TEST_CONTEXT(r.utc) {
      CivilTime c = ToCivil(Ts(r.utc), ny);
      BOOST_TEST(c.day == r.day);
      BOOST_TEST(c.hour == r.hour);
      BOOST_TEST(c.minute == r.minute);
      BOOST_TEST(c.utc_offset_seconds == r.offset_hours * 3600);
    }
  }
}

BOOST_AUTO_TEST_CASE(calendar_days_between_counts_dates_in_the_zone) {
  const TimeZone* sh = FindTimeZone("Asia/Shanghai");
  const TimeZone* utc = FindTimeZone("UTC");
  const TimeZone* ny = FindTimeZone("America/New_York");
  BOOST_TEST_REQUIRE(sh != nullptr);
  BOOST_TEST_REQUIRE(utc != nullptr);
  BOOST_TEST_REQUIRE(ny != nullptr);
  struct Row {
    const char* from;
    const char* to;
    const TimeZone* zone;
    const char* zone_name;
    std::int64_t days;
  };
  const std::vector<Row> rows = {
      // Signed at 20:30 on 1 March: day 7 ends at midnight of 8/9 March.
      {"2025-03-01T20:30:00+08:00", "2025-03-08T23:10:00+08:00", sh, "Asia/Shanghai", 7},
      {"2025-03-01T20:30:00+08:00", "2025-03-09T00:05:00+08:00", sh, "Asia/Shanghai", 8},
      // Same instants by UTC dates: 12:30Z on 1 March, 15:10Z and 16:05Z on 8 March.
      {"2025-03-01T20:30:00+08:00", "2025-03-08T23:10:00+08:00", utc, "UTC", 7},
      {"2025-03-01T20:30:00+08:00", "2025-03-09T00:05:00+08:00", utc, "UTC", 7},
      // Signed just after midnight in Shanghai, which is the previous UTC day.
      {"2025-03-02T00:30:00+08:00", "2025-03-09T23:00:00+08:00", sh, "Asia/Shanghai", 7},
      {"2025-03-02T00:30:00+08:00", "2025-03-09T23:00:00+08:00", utc, "UTC", 8},
      // Two minutes apart, across midnight.
      {"2026-11-17T23:59:00+08:00", "2026-11-18T00:01:00+08:00", sh, "Asia/Shanghai", 1},
      {"2026-11-17T23:59:00+08:00", "2026-11-18T00:01:00+08:00", utc, "UTC", 0},
      {"2026-11-17T23:59:00Z", "2026-11-18T00:01:00Z", utc, "UTC", 1},
      {"2026-11-17T23:59:00Z", "2026-11-18T00:01:00Z", sh, "Asia/Shanghai", 0},
      // Negative when `to` is earlier; zero for the same date.
      {"2025-03-08T23:10:00+08:00", "2025-03-01T20:30:00+08:00", sh, "Asia/Shanghai", -7},
      {"2026-11-18T00:01:00+08:00", "2026-11-17T23:59:00+08:00", sh, "Asia/Shanghai", -1},
      {"2026-11-18T00:00:00+08:00", "2026-11-18T23:59:59+08:00", sh, "Asia/Shanghai", 0},
      // Across New York's spring-forward day (23 hours long).
      {"2026-03-07T12:00:00-05:00", "2026-03-09T00:30:00-04:00", ny, "America/New_York", 2},
      // Over a leap day and across years.
      {"2024-02-28T12:00:00Z", "2024-03-01T12:00:00Z", utc, "UTC", 2},
      {"2025-12-31T23:00:00Z", "2026-01-01T01:00:00Z", utc, "UTC", 1},
      {"0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", utc, "UTC", 3652058},
  };
  for (const Row& r : rows) {
    BOOST_TEST_CONTEXT(r.from << " -> " << r.to << " in " << r.zone_name) {
      BOOST_TEST(CalendarDaysBetween(Ts(r.from), Ts(r.to), r.zone) == r.days);
    }
  }
}

BOOST_AUTO_TEST_CASE(checked_arithmetic) {
  Timestamp epoch{0, 0};
  std::optional<Timestamp> t = AddDuration(epoch, Duration{-1, -500000000});
  BOOST_TEST_REQUIRE(t.has_value());
  BOOST_TEST(t->seconds == -2);
  BOOST_TEST(t->nanos == 500000000);
  BOOST_TEST(!AddDuration(Ts("9999-12-31T23:59:59Z"), Duration{1, 0}).has_value());
  BOOST_TEST(!AddDuration(Ts("0001-01-01T00:00:00Z"), Duration{0, -1}).has_value());
  BOOST_TEST(AddDuration(Ts("9999-12-31T23:59:59Z"), Duration{0, 999999999}).has_value());

  std::optional<Duration> sum = AddDurations(Duration{1, 600000000}, Duration{0, 600000000});
  BOOST_TEST_REQUIRE(sum.has_value());
  BOOST_TEST(sum->seconds == 2);
  BOOST_TEST(sum->nanos == 200000000);
  std::optional<Duration> mixed = AddDurations(Duration{1, 0}, Duration{-2, -500000000});
  BOOST_TEST_REQUIRE(mixed.has_value());
  BOOST_TEST(mixed->seconds == -1);
  BOOST_TEST(mixed->nanos == -500000000);
  BOOST_TEST(!AddDurations(Duration{kMaxDurationSeconds, 0}, Duration{1, 0}).has_value());

  std::optional<Duration> diff = Subtract(Ts("2025-03-08T23:10:00+08:00"), Ts("2025-03-08T22:10:00.5+08:00"));
  BOOST_TEST_REQUIRE(diff.has_value());
  BOOST_TEST(diff->seconds == 3599);
  BOOST_TEST(diff->nanos == 500000000);
  // More than ~292 years apart does not fit in int64 nanoseconds.
  BOOST_TEST(!Subtract(Ts("9999-01-01T00:00:00Z"), Ts("0001-01-01T00:00:00Z")).has_value());

  std::optional<Duration> neg = NegateDuration(Duration{3, 250000000});
  BOOST_TEST_REQUIRE(neg.has_value());
  BOOST_TEST(neg->seconds == -3);
  BOOST_TEST(neg->nanos == -250000000);
}

// ToCivil remembers the span between two of a zone's transitions and breaks
// instants inside it down itself. Against cctz directly, in zones with and
// without DST (a 30-minute one, a southern one, a zone that dropped DST),
// on random instants, at every transition and one second either side, and
// with instants hopping between spans (so the remembered span is reused,
// replaced and left).
BOOST_AUTO_TEST_CASE(civil_time_agrees_with_cctz_around_every_transition) {
  std::mt19937_64 rng(11);
  for (const char* name : {"America/New_York", "Europe/London", "Australia/Lord_Howe", "Australia/Sydney",
                           "Asia/Shanghai", "UTC", "+05:30", "America/Sao_Paulo", "Pacific/Apia"}) {
    const TimeZone* zone = FindTimeZone(name);
    BOOST_TEST_REQUIRE(zone != nullptr, name);
    cctz::time_zone tz;
    if (name[0] == '+') {
      tz = cctz::fixed_time_zone(cctz::seconds(5 * 3600 + 30 * 60));
    } else {
      BOOST_TEST_REQUIRE(cctz::load_time_zone(name, &tz), name);
    }
    std::vector<std::int64_t> instants;
    auto tp = [](std::int64_t s) {
      return std::chrono::time_point_cast<cctz::seconds>(std::chrono::system_clock::from_time_t(0)) +
             cctz::seconds(s);
    };
    // Transitions from 1990 to 2040, and the seconds around them.
    auto at = tp(631152000);
    cctz::time_zone::civil_transition tr;
    for (int i = 0; i < 200 && tz.next_transition(at, &tr); ++i) {
      at = tz.lookup(tr.to).trans;
      const std::int64_t s = std::chrono::duration_cast<cctz::seconds>(at.time_since_epoch()).count();
      if (s > 2208988800) break;
      for (std::int64_t d : {-3601, -1, 0, 1, 3599}) instants.push_back(s + d);
    }
    for (int i = 0; i < 3000; ++i) {
      instants.push_back(static_cast<std::int64_t>(rng() % 4102444800ull) - 2208988800 / 4);
    }
    std::shuffle(instants.begin(), instants.end(), rng);
    for (std::int64_t s : instants) {
      const CivilTime c = ToCivil(Timestamp{s, 0}, zone);
      const auto al = tz.lookup(tp(s));
      BOOST_TEST_CONTEXT(name << " at " << s) {
        BOOST_TEST(c.year == al.cs.year());
        BOOST_TEST(c.month == al.cs.month());
        BOOST_TEST(c.day == al.cs.day());
        BOOST_TEST(c.hour == al.cs.hour());
        BOOST_TEST(c.minute == al.cs.minute());
        BOOST_TEST(c.second == al.cs.second());
        BOOST_TEST(c.utc_offset_seconds == al.offset);
        BOOST_TEST(c.yearday == cctz::get_yearday(cctz::civil_day(al.cs)) - 1);
        BOOST_TEST(c.weekday == (static_cast<int>(cctz::get_weekday(cctz::civil_day(al.cs))) + 1) % 7);
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace aftersales::internal
