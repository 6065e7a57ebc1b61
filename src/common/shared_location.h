// SharedLocation: a place in a policy file (1-based line and column) whose
// file name is shared by every place in that file. A YAML tree and a
// compiled policy hold hundreds of thousands of places; a SourceLocation
// each (its own copy of the name) was a tenth of the time spent reading a
// large policy and megabytes of what it holds.
#ifndef AFTERSALES_COMMON_SHARED_LOCATION_H_
#define AFTERSALES_COMMON_SHARED_LOCATION_H_

#include <memory>
#include <string>

#include "aftersales/issue.h"

namespace aftersales::internal {

struct SharedLocation {
  std::shared_ptr<const std::string> file_name;  // null: no file
  int line = 0;
  int column = 0;

  SharedLocation() = default;
  // A place made elsewhere (with its own copy of the name).
  SharedLocation(const SourceLocation& at)  // NOLINT(google-explicit-constructor)
      : file_name(std::make_shared<const std::string>(at.file)), line(at.line), column(at.column) {}

  const std::string& file() const {
    static const std::string kNone;
    return file_name ? *file_name : kNone;
  }
  // Issues carry SourceLocations.
  operator SourceLocation() const { return SourceLocation{file(), line, column}; }  // NOLINT
};

}  // namespace aftersales::internal

#endif  // AFTERSALES_COMMON_SHARED_LOCATION_H_
