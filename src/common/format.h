// Small formatting shared by the layers: money as scripts, reports and
// error messages show it, and a place in a file as compilers write it.
#ifndef AFTERSALES_COMMON_FORMAT_H_
#define AFTERSALES_COMMON_FORMAT_H_

#include <cstdint>
#include <string>

#include "aftersales/issue.h"

namespace aftersales::internal {

// Minor units as major ones with two decimals: 29900 -> "299.00", -1250 ->
// "-12.50"; the most negative int64 too.
std::string FormatMoney(std::int64_t cents);

// "file:line:column"; without the column when it is 0, and without line and
// column when the line is 0. The file is written as it is, even empty.
std::string FormatLocation(const SourceLocation& location);

}  // namespace aftersales::internal

#endif  // AFTERSALES_COMMON_FORMAT_H_
