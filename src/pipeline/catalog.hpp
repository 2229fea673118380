// Campaign catalogs: a CSV file with a header row, or a FITS table (first table HDU, columns by
// name, any type), one target per row. Required columns `id` and
// `image` (a path relative to the catalog's folder; CFITSIO extended syntax allowed); optional
// `x`, `y` (0-based start centre; default: the image centre), `sma0`, `eps`, `pa`, `maxsma`,
// `mask`, `plane`, `template` (forced photometry on that table's geometry), `variance` (a
// variance image: weighted fits). A malformed catalog is
// refused as a whole before any work: no header, a missing required column, an unknown column, a
// non-numeric value in a numeric column, a row with the wrong number of fields. Values that parse
// but are invalid (eps >= 1, a duplicate id...) are per-row problems, recorded for that galaxy at
// fit time.
#pragma once

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace isoster::pipeline {

class CatalogError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct CatalogRow {
  std::string id;
  std::string image;  // as resolved against the catalog's folder
  double x = NAN, y = NAN, sma0 = NAN, eps = NAN, pa = NAN, maxsma = NAN;  // NaN: not given
  std::string mask;                                                        // resolved; may be empty
  std::string variance;  // a variance image (resolved): weighted fits; may be empty
  std::string templ;     // forced mode: a previous fit's table (resolved); may be empty
  int plane = -1;        // -1: not given
  std::string problem;   // a per-row problem found while reading (duplicate id); empty if none
  bool shared = false;   // another row reads the same image plane: a tile (galaxy_box applies)
};

struct Catalog {
  std::string path;
  std::vector<CatalogRow> rows;
  std::uint64_t checksum = 0;         // FNV-1a 64 of the file's bytes
  int id_width = 1, image_width = 1;  // longest id and image path (fixed-width output strings)
};

// Reads and validates the catalog. Throws CatalogError with a one-line message.
Catalog read_catalog(const std::string& path);

// FNV-1a 64-bit hash of bytes (catalog and configuration checksums).
std::uint64_t fnv1a64(const void* data, std::size_t n, std::uint64_t h = 1469598103934665603ull);

}  // namespace isoster::pipeline
