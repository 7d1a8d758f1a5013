/* ballotkit: macros shared by every public header. */
#ifndef BALLOTKIT_COMMON_H
#define BALLOTKIT_COMMON_H

#if defined(BK_BUILDING_LIBRARY) && defined(__GNUC__)
#define BK_API __attribute__((visibility("default")))
#else
#define BK_API
#endif

#ifdef __cplusplus
#define BK_BEGIN_DECLS extern "C" {
#define BK_END_DECLS }
#else
#define BK_BEGIN_DECLS
#define BK_END_DECLS
#endif

#endif
