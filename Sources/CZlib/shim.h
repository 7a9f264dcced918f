#ifndef TABULA_CZLIB_SHIM_H
#define TABULA_CZLIB_SHIM_H

#include <zlib.h>

// zlib's inflate init entry point is a macro that passes ZLIB_VERSION and sizeof(z_stream);
// Swift cannot call C macros, so wrap it.
static inline int tabula_inflateInit2(z_streamp strm, int windowBits) {
    return inflateInit2(strm, windowBits);
}

#endif
