// Header keywords that the tables of `isoster fit` and `isoster forced` share.
#pragma once

#include <string>
#include <vector>

#include "io/fits_image.hpp"
#include "io/table_writer.hpp"
#include "isoster/config.hpp"

namespace isoster::cli {

// BUNIT and ISOVER, ISOREV, INPUT, HDU, IMNAXIS1, IMNAXIS2, PLANE: which isoster read what.
void add_input_keywords(io::TableMeta& m, const std::string& input, const io::ImageInfo& info);

// XYCONV, PACONV: the pixel and angle conventions of the columns.
void add_convention_keywords(io::TableMeta& m);

// The keywords of the parameters that the parameter table records in `table` (kFitHeader or
// kForcedHeader), in its order: choices as strings, flags as 1/0, numbers resolved.
std::vector<io::HeaderItem> parameter_keywords(const FitConfig& c, unsigned table);

}  // namespace isoster::cli
