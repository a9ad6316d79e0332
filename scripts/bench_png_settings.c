// How the split's PNG compression was chosen (README, "Splitting grids"): encodes
// the top-left 504x504 cell of a grid with several zlib strategies, levels and
// PNG filters, fastest of 7 runs each, and prints time and bytes.
//   cc -O2 -o /tmp/png_settings scripts/bench_png_settings.c -lpng16 -lz
//   python3 Tests/imaging/grid_corpus.py photo /tmp/grid.png && /tmp/png_settings /tmp/grid.png
// With `small` after the file, it encodes the whole picture instead, with the
// settings thumbnails and contact sheets choose between (PNGCompression's
// split, drawnSmall, photo): how drawnSmall was chosen (README, "Seeing the results").
//   /tmp/png_settings spool/completed/TASK/persona_1/thumb_0.png small
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>
struct buf { unsigned char *d; size_t n, cap; };
static void wr(png_structp p, png_bytep b, png_size_t l) { struct buf *x = png_get_io_ptr(p); if (x->n + l > x->cap) { x->cap = (x->n + l) * 2; x->d = realloc(x->d, x->cap);} memcpy(x->d + x->n, b, l); x->n += l; }
static void fl(png_structp p) {(void)p;}
static double now(void){struct timespec t; clock_gettime(CLOCK_MONOTONIC,&t); return t.tv_sec+t.tv_nsec/1e9;}
size_t enc(unsigned char *px, int w, int h, int stride, int level, int filters, int strategy, int bufsize) {
  struct buf b = {0};
  png_structp p = png_create_write_struct(PNG_LIBPNG_VER_STRING, 0,0,0); png_infop i = png_create_info_struct(p);
  png_set_write_fn(p, &b, wr, fl);
  png_set_IHDR(p, i, w, h, 8, PNG_COLOR_TYPE_RGB, 0,0,0);
  png_set_compression_level(p, level); png_set_filter(p, 0, filters);
  if (strategy >= 0) png_set_compression_strategy(p, strategy);
  if (bufsize) png_set_compression_buffer_size(p, bufsize);
  png_write_info(p, i);
  for (int y = 0; y < h; y++) png_write_row(p, px + (size_t)y*stride);
  png_write_end(p, i); png_destroy_write_struct(&p, &i); free(b.d); return b.n;
}
int main(int argc, char **argv) {
  png_image im; memset(&im,0,sizeof im); im.version = PNG_IMAGE_VERSION;
  png_image_begin_read_from_file(&im, argv[1]); im.format = PNG_FORMAT_RGB;
  unsigned char *px = malloc(PNG_IMAGE_SIZE(im)); png_image_finish_read(&im, NULL, px, 0, NULL);
  int W = im.width, stride = W*3; int cw = W/2 - 8, ch = im.height/2 - 8;
  if (argc > 2 && strcmp(argv[2], "small") == 0) {
    struct { const char *n; int f, s; } S[] = {
      {"split (rle avg)", PNG_FILTER_AVG, Z_RLE}, {"drawnSmall (none)", PNG_FILTER_NONE, Z_DEFAULT_STRATEGY},
      {"photo (huff avg)", PNG_FILTER_AVG, Z_HUFFMAN_ONLY},
    };
    for (int c = 0; c < 3; c++) { double best = 1e9; size_t n = 0;
      for (int r = 0; r < 15; r++) { double t = now(); n = enc(px, W, im.height, stride, 1, S[c].f, S[c].s, 0); t = now() - t; if (t < best) best = t; }
      printf("%-18s %6.2f ms %8zu\n", S[c].n, best*1000, n); }
    return 0;
  }
  struct { const char *n; int f, s, l, b; } C[] = {
    {"rle avg", PNG_FILTER_AVG, Z_RLE, 1, 0}, {"rle avg buf128k", PNG_FILTER_AVG, Z_RLE, 1, 131072},
    {"rle sub", PNG_FILTER_SUB, Z_RLE, 1, 0}, {"rle up", PNG_FILTER_UP, Z_RLE, 1, 0},
    {"huff avg", PNG_FILTER_AVG, Z_HUFFMAN_ONLY, 1, 0}, {"huff sub", PNG_FILTER_SUB, Z_HUFFMAN_ONLY, 1, 0},
    {"default L3 up", PNG_FILTER_UP, Z_DEFAULT_STRATEGY, 3, 0}, {"default L6 all", PNG_ALL_FILTERS, Z_DEFAULT_STRATEGY, 6, 0},
  };
  for (int c = 0; c < 8; c++) { double best = 1e9; size_t n = 0;
    for (int r = 0; r < 7; r++) { double t = now(); n = enc(px, cw, ch, stride, C[c].l, C[c].f, C[c].s, C[c].b); t = now() - t; if (t < best) best = t; }
    printf("%-18s %6.2f ms %8zu\n", C[c].n, best*1000, n); }
}
