// Options of `isoster fit`: command line and INI config files share the same keys.
#pragma once

#include <string>
#include <vector>

#include "io/fits_image.hpp"
#include "io/table_writer.hpp"
#include "isoster/config.hpp"

namespace isoster::cli {

struct FitJob {
  std::vector<std::string> images;
  std::string output;      // -o
  std::string output_dir;  // --output-dir
  std::string mask;
  std::string variance;  // --variance or --weight (weight = true): weighted fits
  bool weight = false;
  bool all_planes = false;  // multiband: --all-planes (reference: plane.plane)
  std::string config_file;
  int threads = 0;  // 0: all cores
  io::PlaneRequest plane;
  io::TableFormat format = io::TableFormat::Fits;
  bool quiet = false;
  std::vector<int> harmonics;  // --harmonics: orders measured, 3 and 4 included; empty: none
  FitConfig cfg;
};

// Parses argv (after the subcommand). Returns false when help or the version was printed.
// Throws UsageError.
bool parse_fit_options(int argc, const char* const* argv, FitJob& job);

}  // namespace isoster::cli
