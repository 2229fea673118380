// Mock campaigns with known truth (`isoster mock`): Sérsic galaxies with noise, as one cutout per
// galaxy or as many galaxies in one large tile, plus the campaign catalog and a truth table.
// Galaxy k's parameters and noise depend only on (seed, k): the same command writes the same
// files, whatever the thread count.
#pragma once

#include <string>

namespace isoster::pipeline {

struct MockRequest {
  long count = 100;
  int size = 256;              // cutout side (pixels)
  int tile_w = 0, tile_h = 0;  // > 0: one tile of tile_w x tile_h with `count` galaxies
  unsigned long long seed = 1;
  std::string out_dir;
  int threads = 0;  // 0: all cores
};

// Writes out_dir/catalog.csv (id,image,x,y), out_dir/truth.csv and the images (out_dir/cutouts/
// or out_dir/tile.fits). Throws std::runtime_error.
void write_mock(const MockRequest& req);

}  // namespace isoster::pipeline
