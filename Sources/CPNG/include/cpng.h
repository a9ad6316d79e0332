#ifndef CPNG_H
#define CPNG_H
#include <stddef.h>
#include <stdint.h>

/// Decodes a PNG held in memory into 8-bit RGBA (palette, grey, 16-bit and
/// RGB inputs are expanded). Uses libpng's simplified API, which guards itself
/// with setjmp. On success returns 0 and sets *out_pixels (free with
/// cpng_free), *width, *height. On failure returns -1 and copies libpng's
/// message into msg (msg_len bytes at most). Images with more than
/// max_pixels pixels are refused from their header, before any pixel memory
/// is allocated: that failure returns -2.
int cpng_decode_rgba(const uint8_t *data, size_t size, size_t max_pixels,
                     uint8_t **out_pixels, uint32_t *width, uint32_t *height,
                     char *msg, size_t msg_len);

/// Encodes 8-bit pixels (channels 3 = RGB, 4 = RGBA) with the low-level API
/// so compression level and filters can be chosen; the whole encode runs in
/// this function under its own setjmp, so a libpng error never longjmps
/// across Swift frames. On success returns 0 and sets *out (free with
/// cpng_free) and *out_size; on failure returns -1 with msg set.
int cpng_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int channels,
                int compression_level, uint8_t **out, size_t *out_size,
                char *msg, size_t msg_len);

/// Like cpng_decode_rgba, but keeps 3 channels (RGB) when the PNG has no
/// alpha (no alpha channel and no tRNS chunk); *channels is set to 3 or 4.
int cpng_decode(const uint8_t *data, size_t size, size_t max_pixels,
                uint8_t **out_pixels, uint32_t *width, uint32_t *height, int *channels,
                char *msg, size_t msg_len);

/// Frees a buffer returned by cpng_decode, cpng_decode_rgba or cpng_encode.
void cpng_free(void *p);

/// The 8-byte PNG signature check, png_sig_cmp's result inverted to a bool:
/// 1 when `data` starts with the PNG signature. (A function, so Swift can
/// call it without importing libpng's headers.)
int cpng_has_signature(const uint8_t *data, size_t size);

#endif
