// Header keywords that the tables of `isoster fit` and `isoster forced` share.
#pragma once

#include <string>

#include "io/fits_image.hpp"
#include "io/table_writer.hpp"

namespace isoster::cli {

// BUNIT and ISOVER, ISOREV, INPUT, HDU, IMNAXIS1, IMNAXIS2, PLANE: which isoster read what.
void add_input_keywords(io::TableMeta& m, const std::string& input, const io::ImageInfo& info);

// XYCONV, PACONV: the pixel and angle conventions of the columns.
void add_convention_keywords(io::TableMeta& m);

}  // namespace isoster::cli
