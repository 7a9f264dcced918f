#ifndef TABULA_CZLIB_SHIM_H
#define TABULA_CZLIB_SHIM_H

#include <zlib.h>

// The zlib init entry points are macros that pass ZLIB_VERSION and sizeof(z_stream);
// Swift cannot call C macros, so wrap them.
static inline int tabula_inflateInit2(z_streamp strm, int windowBits) {
    return inflateInit2(strm, windowBits);
}

static inline int tabula_deflateInit2(z_streamp strm, int level, int method, int windowBits,
                                      int memLevel, int strategy) {
    return deflateInit2(strm, level, method, windowBits, memLevel, strategy);
}

#endif
