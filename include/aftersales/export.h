// AFTERSALES_EXPORT marks the public API. Everything else is hidden when the
// library is built as a shared object.
#ifndef AFTERSALES_EXPORT_H_
#define AFTERSALES_EXPORT_H_

#if defined(AFTERSALES_SHARED_LIBRARY) && defined(AFTERSALES_COMPILE_LIBRARY)
#if defined(__cplusplus)
// The standard attribute form, so it can follow another ([[nodiscard]]).
#define AFTERSALES_EXPORT [[gnu::visibility("default")]]
#else
#define AFTERSALES_EXPORT __attribute__((visibility("default")))
#endif
#else
#define AFTERSALES_EXPORT
#endif

#endif  // AFTERSALES_EXPORT_H_
