// One header keyword of a FITS file isoster writes (tables and images), or one metadata item of
// an ECSV table: KEY (a FITS keyword, <= 8 characters), value and comment.
#pragma once

#include <string>

namespace isoster::io {

struct HeaderItem {
  std::string key, value, comment;
  bool numeric = false;  // written unquoted (a FITS number), else as a quoted string
};

// A string item.
inline HeaderItem text_item(const std::string& key, const std::string& value,
                            const std::string& comment) {
  return {key, value, comment, false};
}

// A numeric item: the shortest decimal text that reads back as the same double ("0.2", "nan").
HeaderItem numeric_item(const std::string& key, double value, const std::string& comment);

}  // namespace isoster::io
