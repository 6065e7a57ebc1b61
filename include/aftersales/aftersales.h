// Umbrella header: the whole public C++ API of aftersales.
#ifndef AFTERSALES_AFTERSALES_H_
#define AFTERSALES_AFTERSALES_H_

#include "aftersales/batch.h"
#include "aftersales/decision.h"
#include "aftersales/diff.h"
#include "aftersales/export.h"
#include "aftersales/expression.h"
#include "aftersales/facts.h"
#include "aftersales/issue.h"
#include "aftersales/loader.h"
#include "aftersales/options.h"
#include "aftersales/policy.h"
#include "aftersales/policy_tests.h"
#include "aftersales/result.h"
#include "aftersales/status.h"
#include "aftersales/version.h"

#endif  // AFTERSALES_AFTERSALES_H_
