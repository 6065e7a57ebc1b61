// Compiled by the api.nodiscard test with -Werror=unused-result, which
// expects both calls below to be refused: a Status and a Result<T> that a
// caller drops are the errors it did not look at.
#include "aftersales/result.h"
#include "aftersales/status.h"

aftersales::Status Check() { return aftersales::Status::InvalidArgument("x"); }
aftersales::Result<int> Compute() { return 1; }

int main() {
  Check();
  Compute();
  return 0;
}
