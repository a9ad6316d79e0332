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

/// Row filters for cpng_encode_rows (libpng's PNG_FILTER_* bits), any combination;
/// with more than one, libpng picks one per row.
enum {
    CPNG_FILTER_NONE = 0x08, CPNG_FILTER_SUB = 0x10, CPNG_FILTER_UP = 0x20,
    CPNG_FILTER_AVG = 0x40, CPNG_FILTER_PAETH = 0x80, CPNG_FILTER_ALL = 0xf8
};
/// zlib strategies for cpng_encode_rows.
enum { CPNG_STRATEGY_DEFAULT = 0, CPNG_STRATEGY_FILTERED = 1, CPNG_STRATEGY_HUFFMAN_ONLY = 2, CPNG_STRATEGY_RLE = 3 };

/// Like cpng_encode, with the rows `row_stride` bytes apart (so a rectangle
/// of a larger image encodes without a copy) and the filters and zlib
/// strategy chosen by the caller. Same guard, result and ownership.
int cpng_encode_rows(const uint8_t *pixels, size_t row_stride, uint32_t width, uint32_t height, int channels,
                     int compression_level, int filters, int strategy, uint8_t **out, size_t *out_size,
                     char *msg, size_t msg_len);

/// A decode in two calls, so the caller allocates the pixel memory itself:
/// cpng_decoder_begin reads the header (returns 0; -1 with msg; -2 when the
/// image has more than max_pixels pixels, before any pixel memory exists)
/// and sets the size and channels (3 = RGB, 4 = RGBA when the PNG has alpha
/// or tRNS); cpng_decoder_finish writes width*height*channels bytes into
/// `pixels` and frees the decoder whatever happens. `data` must stay valid
/// until then. cpng_decoder_free abandons a decoder that will not be finished.
typedef struct cpng_decoder cpng_decoder;
int cpng_decoder_begin(const uint8_t *data, size_t size, size_t max_pixels, cpng_decoder **out,
                       uint32_t *width, uint32_t *height, int *channels, char *msg, size_t msg_len);
int cpng_decoder_finish(cpng_decoder *d, uint8_t *pixels, char *msg, size_t msg_len);
void cpng_decoder_free(cpng_decoder *d);

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
